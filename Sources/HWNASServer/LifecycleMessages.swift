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

/// `shutdown`: stop accepting requests; result `null`. Then send `exit`.
public struct ShutdownRequest: RequestType {
    public static let method = "shutdown"
    public typealias Response = NullResult
}

/// `hwnas/listDevices`: devices, optionally only those measured in one space.
public struct ListDevicesRequest: RequestType {
    public static let method = "hwnas/listDevices"
    public typealias Response = ListDevicesResult
    /// Only devices with measurements in this space.
    public var space: String?
}

/// Result of `hwnas/listDevices`.
public struct ListDevicesResult: Codable, Sendable {
    public var devices: [DeviceSummary]
}

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
