import JSONRPC

/// `hwnas/listPredictors`: loaded predictors sorted by id, optionally of one space / device, in
/// pages (`after`, `limit`) for large state directories.
public struct ListPredictorsRequest: RequestType {
    public static let method = "hwnas/listPredictors"
    public typealias Response = ListPredictorsResult
    /// Only predictors of this space.
    public var space: String?
    /// Only predictors for this device.
    public var device: String?
    /// List the predictors whose id sorts (by bytes) after this one: the previous page's `next`.
    public var after: String?
    /// At most this many (1...); all when absent.
    public var limit: Int?

    /// A request (every field optional).
    public init(space: String? = nil, device: String? = nil, after: String? = nil, limit: Int? = nil) {
        self.space = space
        self.device = device
        self.after = after
        self.limit = limit
    }
}

/// Result of `hwnas/listPredictors`.
public struct ListPredictorsResult: Codable, Sendable {
    /// The page, sorted by id.
    public var predictors: [PredictorSummary]
    /// When more predictors follow: the id to pass as `after` for the next page.
    public var next: String?

    /// A page.
    public init(predictors: [PredictorSummary], next: String? = nil) {
        self.predictors = predictors
        self.next = next
    }
}
