import NASCore

/// One measured latency table of the fixtures (`fixtures/<name>/latency.csv`): architectures
/// of one space and, per device column, milliseconds per inference.
public struct LatencyTable: Sendable {
    /// Table name: `nb201`, `nb201_oneproxy`, `fbnet`, `ofa_mbv3`, `ofa_mbv3_seed`.
    public let name: String
    /// The search space id of its architectures.
    public let spaceID: String
    /// The source's architecture ids (NB201: the official index).
    public let archIDs: [Int]
    /// Canonical architectures, one per row.
    public let archs: [Architecture]
    /// Device column names.
    public let devices: [String]
    /// Latencies per device, in `devices` order; NaN where the source has no measurement.
    public let latencies: [[Double]]

    /// Makes a table from parsed parts.
    public init(name: String, spaceID: String, archIDs: [Int], archs: [Architecture], devices: [String], latencies: [[Double]]) {
        self.name = name
        self.spaceID = spaceID
        self.archIDs = archIDs
        self.archs = archs
        self.devices = devices
        self.latencies = latencies
    }

    /// The latency column of a device (NaN for missing measurements).
    public func column(_ device: String) throws(NASError) -> [Double] {
        guard let i = devices.firstIndex(of: device) else {
            throw NASError(.unknownDevice, "device '\(device)' is not in table \(name); devices: \(devices.joined(separator: ", "))")
        }
        return latencies[i]
    }
}
