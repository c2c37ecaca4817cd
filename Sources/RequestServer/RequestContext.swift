import JSONRPC
import Runtime

/// What a handler gets besides its params.
public struct RequestContext: Sendable {
    /// The request id.
    public let id: RequestID
    /// The method name.
    public let method: String
    /// Cancellation flag to poll and progress sink to report to (progress reaches the client
    /// as `$/progress` only when it gave a `progressToken`).
    public let job: JobControl
    /// The client's `progressToken` (or `workDoneToken`), if any.
    public let progressToken: JSONValue?
    /// The server's logger.
    public let logger: Logger
}
