extension FBNetSpace {
    /// FBNet: HW-NAS-Bench latencies of 5,000 sampled architectures (900 train a predictor);
    /// no accuracy data, so the MACs proxy by default.
    public static let profile = SpaceProfile(
        fixtureTables: [.init(name: "fbnet", archColumn: "op_idx_list", idColumn: "arch_id")],
        defaultTrainSize: 900,
        defaultAccuracySource: "macs")
}
