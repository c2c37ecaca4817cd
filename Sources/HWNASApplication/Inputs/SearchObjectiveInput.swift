

/// An accuracy value supplied by the client: `{"arch": ..., "accuracy": 71.3}`.
public struct AccuracySampleInput: Codable, Sendable, Equatable {
    /// The architecture (string, index or object form).
    public var arch: ArchitectureInput
    /// Its accuracy.
    public var accuracy: Double

    /// A sample.
    public init(arch: ArchitectureInput, accuracy: Double) {
        self.arch = arch
        self.accuracy = accuracy
    }
}

/// What the search optimizes besides latency.
public struct SearchObjectiveInput: Codable, Sendable, Equatable {
    /// Accuracy source: `cifar10` | `cifar100` | `imagenet16_120` (nb201, measured), `ofa-top1`
    /// (ofa_mbv3, MLP predictor trained on the shipped ImageNet measurements), `inline` (the
    /// `accuracyValues` given here), `max-macs` | `max-params` (proxies: larger is better),
    /// `macs` | `params` (proxies: smaller is better). Default: the space profile's
    /// (nb201 → cifar10, ofa_mbv3 → ofa-top1, other spaces → max-macs).
    public var accuracy: String?
    /// Let the search leave the region the accuracy data was measured in (`ofa-top1`: subnets at
    /// resolutions other than 224); results there carry a warning. Default false.
    public var extrapolate: Bool?
    /// Client-supplied accuracies for `accuracy: inline`.
    public var accuracyValues: [AccuracySampleInput]?
    /// A latency predictor id (same as the request's `predictor`).
    public var latency: String?

    /// An objective (every part optional).
    public init(accuracy: String? = nil, extrapolate: Bool? = nil, accuracyValues: [AccuracySampleInput]? = nil,
                latency: String? = nil) {
        self.accuracy = accuracy
        self.extrapolate = extrapolate
        self.accuracyValues = accuracyValues
        self.latency = latency
    }
}
