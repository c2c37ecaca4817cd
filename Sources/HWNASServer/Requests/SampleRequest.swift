import JSONRPC
import NASCore

/// `hwnas/sample`: uniform random architectures of a space (deterministic per seed).
public struct SampleRequest: RequestType {
    public static let method = "hwnas/sample"
    public typealias Response = SampleResult
    /// Search space id.
    public var space: String
    /// How many (1...100000, default 1).
    public var count: Int?
    /// Seed (default 0).
    public var seed: UInt64?
}

/// Result of `hwnas/sample`.
public struct SampleResult: Codable, Sendable {
    /// Architectures in the space's string format.
    public var archs: [String]
}
