extension OFAMobileNetV3Space {
    /// OFA MobileNetV3: nn-Meter-style latencies of 5,000 sampled subnets (`ofa_mbv3`, 900
    /// train a predictor) and the OFA seed measurements (`ofa_mbv3_seed`); ImageNet top-1 from
    /// the MLP trained on the shipped measurements (`ofa-top1`), the default.
    public static let profile = SpaceProfile(
        fixtureTables: [
            .init(name: "ofa_mbv3", archColumn: "arch_str", idColumn: "arch_id"),
            .init(name: "ofa_mbv3_seed", archColumn: "arch_str", idColumn: "arch_id"),
        ],
        defaultTrainSize: 900,
        accuracySources: ["ofa-top1"],
        defaultAccuracySource: "ofa-top1")
}
