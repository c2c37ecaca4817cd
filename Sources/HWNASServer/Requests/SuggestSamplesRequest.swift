import JSONRPC
import NASCore
import NASPredictors
import RequestServer

/// `suggestSamples`: which architectures to measure on a new device so that `adaptProxy` (or
/// `finetune`) from those measurements ranks the rest best. Chosen from the proxies' latencies
/// only; sequential with `measured`.
public struct SuggestSamplesRequest: RequestType {
    public static let method = "suggestSamples"
    public typealias Response = SuggestSamplesResult
    public var space: String
    /// How many architectures to suggest (1...1000).
    public var count: Int
    /// Fixture devices of the space and predictor ids whose latencies place the candidates
    /// (default: every published fixture device of the space).
    public var proxies: [String]?
    /// The architectures the device can measure (default: every non-degenerate NB201 cell, or
    /// 5,000 seeded samples of a larger space).
    public var candidates: [ArchitectureInput]?
    /// Architectures never to suggest.
    public var exclude: [ArchitectureInput]?
    /// Samples already measured on the device: never suggested again, the picks keep away
    /// from them, and from 3 on proxies that match them poorly are left out.
    public var measured: [LatencySampleInput]?
    /// `stratified` (default), `quantile`, `k-center`, `d-optimal`, `representative`, `random`.
    public var criterion: String?
    /// Compute `expectedSRCC` (default true).
    public var estimate: Bool?
    public var seed: UInt64?
}

/// Result of `suggestSamples`.
public struct SuggestSamplesResult: Codable, Sendable {
    public var space: String
    /// The architectures to measure, in the space's string format, in the order picked.
    public var archs: [String]
    public var criterion: String
    /// How they were chosen.
    public var reason: String
    /// Mean held-out SRCC the default adaptation reached from these picks when each of a few
    /// proxies in turn played the new device (`estimate`); absent when not estimated.
    public var expectedSRCC: Double?
    /// The proxies held out for `expectedSRCC`, each with its SRCC.
    public var estimate: [ProxyScore]
    /// The proxies used and their weight (0: left out because they rank `measured` poorly).
    public var proxies: [ProxyWeight]
    /// With 3 or more `measured`: the proxy whose log-latencies correlate best with them (a good `adaptProxy` proxy), with its SRCC on them.
    public var bestProxy: ProxyScore?

    /// A proxy and an SRCC.
    public struct ProxyScore: Codable, Sendable {
        public var proxy: String
        public var srcc: Double
    }

    /// A proxy and its weight in the distance.
    public struct ProxyWeight: Codable, Sendable {
        public var proxy: String
        public var weight: Double
    }
}

extension SuggestSamplesRequest: ProgressTitled {
    public var progressTitle: String { "suggesting \(count) architectures to measure on a new \(space) device" }
}
