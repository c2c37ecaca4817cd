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

/// `adaptProxy`: adapt a proxy device's predictor to a target from a few target samples.
public struct AdaptProxyRequest: RequestType {
    public static let method = "adaptProxy"
    public typealias Response = AdaptProxyResult
    /// A predictor id, or a fixture device (its default predictor is the proxy).
    public var proxy: String
    /// The space (needed when `proxy` is a device name).
    public var space: String?
    public var target: Target
    /// `auto` (default), `affine`, `residual`, `finetune`, `pool`.
    public var method: String?
    /// Let `auto`/`pool` also use the other fixture devices of the space (a pairwise-interaction LUT each, fitted on
    /// all their measurements) besides the proxy (default true).
    public var pool: Bool?
    /// Held-out target measurements to report `srccBefore`/`srccAfter` on.
    public var evalSamples: [LatencySampleInput]?
    public var seed: UInt64?
    /// Save the adapted predictor under the target's name (default true).
    public var save: Bool?

    /// The target device: a name and its measurements.
    public struct Target: Codable, Sendable {
        public var name: String
        public var samples: [LatencySampleInput]
    }
}

/// Result of `adaptProxy`.
public struct AdaptProxyResult: Codable, Sendable {
    /// The adapted predictor's id (`<target name>`), usable in `predict`/`search`.
    public var predictor: String
    public var target: String
    public var proxy: String
    /// The method used (never `auto`) and the chosen variant.
    public var method: String
    public var variant: String
    /// Rank correlation with the target before (raw proxy) and after adaptation.
    public var srccBefore: Double
    public var srccAfter: Double
    /// `evalSamples` or `crossValidated`.
    public var evaluation: String
    /// Each candidate tried with its cross-validated SRCC.
    public var candidates: [Candidate]
    /// The returned model's out-of-fold metrics on the samples it kept (always k-fold, also
    /// when `evaluation` is `evalSamples`).
    public var crossValidated: MetricsResult?
    /// Samples left out of the fit as gross outliers.
    public var outliers: [OutlierMessage]
    /// A fallback taken, or a ranking worse than the raw proxy's.
    public var warnings: [String]
    public var path: String?

    /// One candidate of `auto`.
    public struct Candidate: Codable, Sendable {
        public var variant: String
        public var cvSRCC: Double
    }
}

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
