import NASCore
import NASData

/// A device description for hardware-generalized prediction: a GPU name from
/// `hardware/gpu_specs.csv`, or an object with the numeric columns of `hardware/devices.csv`.
public enum DeviceSpecInput: Codable, Sendable, Equatable {
    /// A GPU name, e.g. "Tesla V100 PCIe 16 GB".
    case gpuName(String)
    /// Column name → value (`sm_count`, `cuda_cores`, ..., `fp32_gflops`, optional `batch`).
    case values([String: Double])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .gpuName(s); return }
        if let v = try? c.decode([String: Double].self) { self = .values(v); return }
        throw DecodingError.typeMismatch(DeviceSpecInput.self, .init(
            codingPath: decoder.codingPath,
            debugDescription: "expected a GPU name (string) or an object of numeric device specs"))
    }

    /// The gpu_specs.csv name a GPU name matched (e.g. "3090" → "GeForce RTX 3090"); nil for spec
    /// values. `predict` and `search` answer it as `gpu`, so a loose name says which GPU it meant.
    public func matchedGPUName(in catalog: DataCatalog) throws(NASError) -> String? {
        guard case .gpuName(let name) = self else { return nil }
        return try catalog.gpuSpec(named: name).name
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .gpuName(let s): try c.encode(s)
        case .values(let v): try c.encode(v)
        }
    }
}
