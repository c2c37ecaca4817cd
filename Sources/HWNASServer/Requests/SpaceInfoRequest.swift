import JSONRPC
import NASCore

/// `hwnas/spaceInfo`: a space's decisions, options and encodings.
public struct SpaceInfoRequest: RequestType {
    public static let method = "hwnas/spaceInfo"
    public typealias Response = SpaceInfoResult
    /// Search space id.
    public var space: String
}

/// Result of `hwnas/spaceInfo`.
public struct SpaceInfoResult: Codable, Sendable {
    public var id: String
    public var summary: String
    /// Number of distinct architectures.
    public var size: Double
    public var inputDescription: String
    /// Each decision with its option labels.
    public var decisions: [Decision]
    /// Each encoding with its dimension.
    public var encodings: [Encoding]

    public struct Decision: Codable, Sendable {
        public var name: String
        public var options: [String]
    }

    public struct Encoding: Codable, Sendable {
        public var name: String
        public var dimension: Int
    }
}
