extension NB201Space {
    /// NAS-Bench-201: HW-NAS-Bench latencies (`nb201`) and OneProxy's measurements
    /// (`nb201_oneproxy`); predictors train on 1,000 of the 15,625 cells; measured CIFAR-10,
    /// CIFAR-100 and ImageNet16-120 accuracies, CIFAR-10 by default.
    public static let profile = SpaceProfile(
        fixtureTables: [
            .init(name: "nb201", archColumn: "arch_str", idColumn: "arch_id"),
            .init(name: "nb201_oneproxy", archColumn: "arch_str", idColumn: "nb201_arch_id"),
        ],
        defaultTrainSize: 1000,
        accuracySources: ["cifar10", "cifar100", "imagenet16_120"],
        defaultAccuracySource: "cifar10")
}
