import JSONRPC

/// `monotonicity`: rank correlation of latencies across devices (OneProxy's latency monotonicity).
public struct MonotonicityRequest: RequestType {
    public static let method = "monotonicity"
    public typealias Response = MonotonicityResult
    public var space: String
    /// Devices to compare (default: every measured device of the space). A name that is a
    /// predictor id (and no measured device) is compared through its predictions.
    public var devices: [String]?
    /// Restrict the comparison to these architectures.
    public var archs: [ArchitectureInput]?
    /// `spearman` (default) or `kendall`.
    public var metric: String?
    /// Also name the best proxy for this device among `devices`.
    public var target: String?
}

/// A device pair and its correlation.
public struct DevicePairMessage: Codable, Sendable, Equatable {
    public var a: String
    public var b: String
    public var value: Double
}

/// The best proxy of a target.
public struct BestProxyMessage: Codable, Sendable, Equatable {
    public var target: String
    public var device: String
    public var value: Double
}

/// Result of `monotonicity`.
public struct MonotonicityResult: Codable, Sendable {
    public var metric: String
    public var devices: [String]
    /// Symmetric, unit diagonal; `matrix[i][j]` compares `devices[i]` and `devices[j]`.
    public var matrix: [[Double]]
    /// Per cell: `measured`, `predicted` or `identity`.
    public var source: [[String]]
    /// Architectures compared per cell.
    public var count: [[Int]]
    /// The ten weakest pairs, weakest first.
    public var weakestPairs: [DevicePairMessage]
    public var bestProxy: BestProxyMessage?
}
