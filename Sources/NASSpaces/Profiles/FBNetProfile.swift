extension FBNetSpace {
    /// FBNet: HW-NAS-Bench latencies of 5,000 sampled architectures (900 train a predictor);
    /// no accuracy data, so the `max-macs` proxy by default (the most computation
    /// within the budget; its Spearman with measured top-1 is 0.951 over OFA's 2,223 subnets).
    public static let profile = SpaceProfile(
        fixtureTables: [.init(name: "fbnet", archColumn: "op_idx_list", idColumn: "arch_id"),
                        .init(name: "fbnet_onnxrt", archColumn: "arch_str", idColumn: "arch_id")],
        defaultTrainSize: 900,
        defaultAccuracySource: "max-macs")
}
