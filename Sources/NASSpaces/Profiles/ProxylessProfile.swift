extension ProxylessSpace {
    /// ProxylessNAS: no shipped measurements; the MACs proxy by default.
    public static let profile = SpaceProfile(defaultTrainSize: 900, defaultAccuracySource: "macs")
}
