import JSONRPC

/// `reuse`: OneProxy's reuse check. The Pareto front (accuracy vs latency) chosen with a
/// proxy's predicted latencies over every architecture the target device was measured on,
/// judged with the target's measured latencies against the target's true front.
public struct ReuseRequest: RequestType {
    public static let method = "reuse"
    public typealias Response = ReuseResult
    public var space: String
    /// A predictor id (e.g. an adapted proxy), or a fixture device (its default predictor).
    public var proxy: String
    /// A fixture device of `space` with measured latencies.
    public var target: String
    /// The accuracy side (as `search`'s `objective.accuracy`; default: the space's).
    public var objective: SearchObjectiveInput?
}

/// One architecture of the proxy's front.
public struct ReuseArchMessage: Codable, Sendable, Equatable {
    public var arch: String
    /// The target's measured latency (ms).
    public var latencyMs: Double
    /// The proxy's predicted latency (ms).
    public var predictedMs: Double
    public var accuracy: Double
    /// Whether the architecture is on the target's true front.
    public var onTrueFront: Bool

    enum CodingKeys: String, CodingKey {
        case arch, accuracy, onTrueFront
        case latencyMs = "latency_ms"
        case predictedMs = "predicted_ms"
    }
}

/// Result of `reuse`.
public struct ReuseResult: Codable, Sendable {
    public var space: String
    /// The proxy predictor used.
    public var proxy: String
    public var target: String
    /// Architectures compared: the target's measured ones with a known accuracy.
    public var archs: Int
    /// What `accuracy` means.
    public var accuracyLabel: String
    /// Spearman correlation of predicted and measured latency over those architectures.
    public var srcc: Double
    /// Size of the target's true front.
    public var trueFront: Int
    /// Fraction of the true front on the proxy's front.
    public var recovered: Double
    /// Hypervolume of the proxy's front at measured latencies / the true front's.
    public var hypervolumeRatio: Double
    /// The proxy's front, by increasing predicted latency.
    public var front: [ReuseArchMessage]
}
