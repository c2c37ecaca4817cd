import JSONRPC
import NASCore
import NASPredictors

/// `save`: write a predictor to the state directory (atomically).
public struct SavePredictorRequest: RequestType {
    public static let method = "save"
    public typealias Response = SavePredictorResult
    public var predictor: String
}

/// Result of `save`.
public struct SavePredictorResult: Codable, Sendable {
    public var predictor: String
    public var path: String
}
