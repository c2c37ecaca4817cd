extension ProxylessSpace {
    /// ProxylessNAS: no shipped measurements; the `max-macs` proxy by default
    /// (the most computation within the budget; its Spearman with measured top-1 is 0.951 over OFA's 2,223 subnets).
    public static let profile = SpaceProfile(defaultTrainSize: 900, defaultAccuracySource: "max-macs")
}
