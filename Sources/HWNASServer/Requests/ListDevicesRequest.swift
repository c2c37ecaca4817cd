import JSONRPC

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
