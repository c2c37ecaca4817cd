import JSONRPC

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
    public var path: String?

    /// One candidate of `auto`.
    public struct Candidate: Codable, Sendable {
        public var variant: String
        public var cvSRCC: Double
    }
}
