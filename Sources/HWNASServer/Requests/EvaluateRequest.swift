import JSONRPC
import NASCore
import NASPredictors

/// `evaluate`: accuracy of a predictor on measured samples.
public struct EvaluateRequest: RequestType {
    public static let method = "evaluate"
    public typealias Response = EvaluateResult
    /// A predictor id, or `space` + `device` for that device's default predictor.
    public var predictor: String?
    public var space: String?
    /// Evaluate on inline samples...
    public var samples: [LatencySampleInput]?
    /// ...or on every measurement of a fixture device (default: the predictor's own device).
    public var device: String?
    /// Judge on degenerate architectures too (default false: they are left out, as searches
    /// leave them out; `degenerateLeftOut` says how many).
    public var includeDegenerate: Bool?
}

/// Result of `evaluate`.
public struct EvaluateResult: Codable, Sendable {
    public var predictor: String
    /// What it was evaluated on: `samples` or `fixtures:<device>`.
    public var data: String
    public var metrics: MetricsResult
    /// Degenerate architectures of the data left out of `metrics` (0 with `includeDegenerate`).
    public var degenerateLeftOut: Int
}
