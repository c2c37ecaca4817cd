extension ProxylessSpace {
    /// ProxylessNAS: this machine under onnxruntime (`proxyless_onnxrt`, 500 archs, see
    /// fixtures/README.md); no accuracy data, so the MACs proxy by default.
    public static let profile = SpaceProfile(
        fixtureTables: [.init(name: "proxyless_onnxrt", archColumn: "arch_str", idColumn: "arch_id")],
        defaultTrainSize: 900, defaultAccuracySource: "macs")
}
