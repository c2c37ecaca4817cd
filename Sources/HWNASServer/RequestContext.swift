import JSONRPC
import NASCore

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
    /// Daemon-wide settings: state directory, fixtures, logger.
    public let environment: ServerEnvironment
}

/// Daemon-wide settings handlers can use.
public struct ServerEnvironment: Sendable {
    /// Where trained predictors and generators are saved (created at start). Write with
    /// `AtomicFile.write`.
    public let stateDirectory: String
    /// The fixtures directory given with `--fixtures`, if any (else `FixturesLocator` decides).
    public let fixturesDirectory: String?
    /// Logger to stderr.
    public let logger: Logger
    /// Largest predictor or generator file read or written (`--max-file-bytes`).
    public let maxFileBytes: Int
    /// Whether the state directory is only read (`--read-only`).
    public let readOnly: Bool

    /// Makes an environment.
    public init(stateDirectory: String, fixturesDirectory: String? = nil, logger: Logger = Logger(level: .warn),
                maxFileBytes: Int = CheckedFileHeader.defaultMaxBytes, readOnly: Bool = false) {
        self.stateDirectory = stateDirectory
        self.maxFileBytes = maxFileBytes
        self.readOnly = readOnly
        self.fixturesDirectory = fixturesDirectory
        self.logger = logger
    }
}
