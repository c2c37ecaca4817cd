import NASCore

/// Daemon-wide settings: where state is kept, where the fixtures are, where to log.
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
                maxFileBytes: Int = BinaryEnvelope.defaultMaxBytes, readOnly: Bool = false) {
        self.stateDirectory = stateDirectory
        self.maxFileBytes = maxFileBytes
        self.readOnly = readOnly
        self.fixturesDirectory = fixturesDirectory
        self.logger = logger
    }
}
