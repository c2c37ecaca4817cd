import JSONRPC
import NASCore
import NASPredictors

/// `deletePredictor`: forget a predictor and remove its file.
public struct DeletePredictorRequest: RequestType {
    public static let method = "deletePredictor"
    public typealias Response = DeletePredictorResult
    public var predictor: String
}

/// Result of `deletePredictor`.
public struct DeletePredictorResult: Codable, Sendable {
    public var predictor: String
    public var deleted: Bool
}
