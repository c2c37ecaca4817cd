import JSONRPC

/// `adaptProxy`: adapt a proxy device's predictor to a target from a few target samples.
public struct AdaptProxyRequest: RequestType {
    public static let method = "adaptProxy"
    public typealias Response = AdaptProxyResult
    /// A predictor id, or a fixture device (its default predictor is the proxy). Omitted: the
    /// ensemble of the `proxies` pool members closest to the samples (`ProxyEnsemble`).
    public var proxy: String?
    /// Without `proxy`: how many of the pool members closest to the samples to adapt and average
    /// (default 3; 1 = the closest alone). Not allowed with `proxy`.
    public var proxies: Int?
    /// The space (needed when `proxy` is a device name or omitted).
    public var space: String?
    public var target: Target
    /// `auto` (default), `affine`, `residual`, `finetune`, `pool`.
    public var method: String?
    /// What `auto`/`pool` may blend besides the proxy: `true` (default) = every other fixture device of the space (a
    /// pairwise-interaction LUT each, fitted on all their measurements), `false` = none, or a list of fixture devices
    /// of the space and predictor ids (issue 19).
    public var pool: PoolSelection?
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
    /// The proxy; for an ensemble, its closest member.
    public var proxy: String
    /// The method used (never `auto`; `ensemble` without a proxy) and the chosen variant.
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
    /// The pool members offered to the adaptation (fixture devices and predictor ids), in order.
    public var pool: [String]
    /// The members the chosen model blends (the proxy and pool members) with their weights (ms of the target per
    /// ms of the member, averaged over an ensemble); empty when it does not blend.
    public var weights: [MemberWeight]
    public var path: String?
    /// What as many samples again would add (absent below 10 kept samples).
    public var moreSamples: MoreSamplesMessage?
    /// Without `proxy`: the averaged members, closest first (absent with a proxy).
    public var ensemble: [EnsembleMember]?

    /// One member of an ensemble: its proxy (a pool member), its weight in the mean, and its own
    /// adaptation (`adaptProxy` `auto` with it as proxy): method, variant, cross-validated SRCC.
    public struct EnsembleMember: Codable, Sendable {
        public var proxy: String
        public var weight: Double
        public var method: String
        public var variant: String
        public var cvSRCC: Double?
    }

    /// One candidate of `auto`.
    public struct Candidate: Codable, Sendable {
        public var variant: String
        public var cvSRCC: Double
    }
}

/// `adaptProxy`'s `pool`: a flag (every other fixture device, or none) or an explicit list of
/// fixture devices and predictor ids.
public enum PoolSelection: Codable, Sendable, Equatable {
    case all(Bool)
    case members([String])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .all(b); return }
        if let list = try? c.decode([String].self) { self = .members(list); return }
        throw DecodingError.typeMismatch(PoolSelection.self, .init(codingPath: decoder.codingPath,
            debugDescription: "pool must be true, false or a list of fixture devices / predictor ids"))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .all(let b): try c.encode(b)
        case .members(let m): try c.encode(m)
        }
    }
}

extension PoolSelection {
    /// The fixture devices and predictor ids listed (none for `true` or `false`).
    public var members: [String] {
        if case .members(let names) = self { return names }
        return []
    }
}

extension AdaptProxyRequest {
    /// The predictor ids (or fixture device names) it reads: the proxy and the pool's members.
    /// Its dependencies, and what its kept answer must not have written (`rememberedFit`).
    var predictorsRead: [String] { [proxy].compactMap { $0 } + (pool?.members ?? []) }
}
