/// A device's description: kind, batch size and, for GPUs, the numeric specs a
/// hardware-generalized predictor takes (keyed by the column names of `hardware/devices.csv`).
public struct DeviceSpec: Sendable, Equatable {
    /// Device name as used in the latency tables (e.g. `2080ti_32`), or the GPU's name.
    public var name: String
    /// `gpu`, `cpu`, `mobile`, `embedded-cpu`, `asic`, ...
    public var kind: String
    /// Batch size of the measurements, when stated.
    public var batch: Int?
    /// Spaces whose tables hold this device.
    public var spaces: [String]
    /// Marketing name of the chip (e.g. `GeForce RTX 2080 Ti`).
    public var gpuName: String?
    /// Micro-architecture (e.g. `Turing`).
    public var architecture: String?
    /// Numeric specs by devices.csv column name (`sm_count`, `cuda_cores`, `base_clock_mhz`,
    /// `boost_clock_mhz`, `memory_gb`, `memory_bus_bits`, `memory_bandwidth_gb_s`,
    /// `l2_cache_mb`, `tdp_w`, `fp32_gflops`).
    public var values: [String: Double]
    /// Where the measurements come from (devices.csv's `source`, e.g. `HW-NAS-Bench`).
    public var source: String?

    /// The numeric spec columns of devices.csv, in order.
    public static let specColumns = [
        "sm_count", "cuda_cores", "base_clock_mhz", "boost_clock_mhz", "memory_gb", "memory_bus_bits",
        "memory_bandwidth_gb_s", "l2_cache_mb", "tdp_w", "fp32_gflops",
    ]

    /// Makes a spec.
    public init(name: String, kind: String, batch: Int?, spaces: [String], gpuName: String?, architecture: String?,
                values: [String: Double], source: String? = nil) {
        self.source = source
        self.name = name
        self.kind = kind
        self.batch = batch
        self.spaces = spaces
        self.gpuName = gpuName
        self.architecture = architecture
        self.values = values
    }
}
