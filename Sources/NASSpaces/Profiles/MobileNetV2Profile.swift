extension MobileNetV2Space {
    /// MobileNetV2 (elastic): no shipped measurements; the MACs proxy by default.
    public static let profile = SpaceProfile(defaultTrainSize: 900, defaultAccuracySource: "macs")
}
