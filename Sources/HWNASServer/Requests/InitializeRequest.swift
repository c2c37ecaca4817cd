import JSONRPC

/// `initialize`: the first request; returns what the daemon offers.
public struct InitializeRequest: RequestType {
    public static let method = "initialize"
    public typealias Response = InitializeResult
    /// Editors send LSP fields (`capabilities`, `rootUri`, …) it has no use for.
    public static let acceptsUnknownParams = true
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
    /// The first loaded predictors by id (at most `InitializeResult.predictorLimit`; all of
    /// them when `predictorCount` is not larger): `hwnas/listPredictors` pages through the rest.
    public var predictors: [PredictorSummary]
    /// How many predictors are loaded (in memory and saved in the state directory).
    public var predictorCount: Int

    /// Most predictors `initialize` lists, so that its answer does not grow with the state
    /// directory.
    public static let predictorLimit = 100

    /// Name and version.
    public struct ServerInfo: Codable, Sendable {
        public var name: String
        public var version: String
    }
}
