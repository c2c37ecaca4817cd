extension MobileNetV2Space {
    /// MobileNetV2 (elastic): this machine under onnxruntime (`mbv2_onnxrt`, 500 archs, see
    /// fixtures/README.md); no accuracy data, so the `max-macs` proxy by default
    /// (the most computation within the budget; its Spearman with measured top-1 is 0.951 over OFA's 2,223 subnets).
    public static let profile = SpaceProfile(
        fixtureTables: [.init(name: "mbv2_onnxrt", archColumn: "arch_str", idColumn: "arch_id")],
        defaultTrainSize: 900, defaultAccuracySource: "max-macs")
}
