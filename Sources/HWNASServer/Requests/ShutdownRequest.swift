import JSONRPC

/// `shutdown`: stop accepting requests; result `null`. Then send `exit`.
public struct ShutdownRequest: RequestType {
    public static let method = "shutdown"
    public typealias Response = NullResult
}
