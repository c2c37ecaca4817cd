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

    /// Makes an environment.
    public init(stateDirectory: String, fixturesDirectory: String? = nil, logger: Logger = Logger(level: .warn)) {
        self.stateDirectory = stateDirectory
        self.fixturesDirectory = fixturesDirectory
        self.logger = logger
    }
}
