import JSONRPC
import NASCore
import NASPredictors

/// `load`: read a predictor file (from anywhere) into the daemon.
public struct LoadPredictorRequest: RequestType {
    public static let method = "load"
    public typealias Response = PredictorInfo
    public var path: String
}
