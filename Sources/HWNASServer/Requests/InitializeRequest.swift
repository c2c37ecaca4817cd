import JSONRPC

/// `initialize`: the first request; returns what the daemon offers.
public struct InitializeRequest: RequestType {
    public static let method = "initialize"
    public typealias Response = InitializeResult
    /// Client name and version, for logs.
    public var clientInfo: ClientInfo?
    /// Optional client process id (LSP compatibility; unused).
    public var processId: Int?

    /// Client identification.
    public struct ClientInfo: Codable, Sendable {
        public var name: String
        public var version: String?
    }
}

/// Result of `initialize`.
public struct InitializeResult: Codable, Sendable {
    /// `{name: "hwnasd", version}`.
    public var serverInfo: ServerInfo
    /// Version of protocol/PROTOCOL.md this daemon speaks.
    public var protocolVersion: String
    /// Every method and notification the daemon accepts.
    public var methods: [String]
    /// Search spaces.
    public var searchSpaces: [SpaceSummary]
    /// Devices with shipped measurements.
    public var devices: [DeviceSummary]
    /// Loaded predictors.
    public var predictors: [PredictorSummary]

    /// Name and version.
    public struct ServerInfo: Codable, Sendable {
        public var name: String
        public var version: String
    }
}
