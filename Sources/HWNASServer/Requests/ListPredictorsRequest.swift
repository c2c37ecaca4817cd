import JSONRPC

/// `hwnas/listPredictors`: loaded predictors, optionally of one space / device.
public struct ListPredictorsRequest: RequestType {
    public static let method = "hwnas/listPredictors"
    public typealias Response = ListPredictorsResult
    /// Only predictors of this space.
    public var space: String?
    /// Only predictors for this device.
    public var device: String?
}

/// Result of `hwnas/listPredictors`.
public struct ListPredictorsResult: Codable, Sendable {
    public var predictors: [PredictorSummary]
}
