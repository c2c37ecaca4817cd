extension MobileNetV2Space {
    /// MobileNetV2 (elastic): this machine under onnxruntime (`mbv2_onnxrt`, 500 archs, see
    /// fixtures/README.md); no accuracy data, so the MACs proxy by default.
    public static let profile = SpaceProfile(
        fixtureTables: [.init(name: "mbv2_onnxrt", archColumn: "arch_str", idColumn: "arch_id")],
        defaultTrainSize: 900, defaultAccuracySource: "macs")
}
