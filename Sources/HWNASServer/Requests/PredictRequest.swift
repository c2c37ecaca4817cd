import JSONRPC
import NASCore
import NASPredictors

/// `predict`: latencies of architectures.
public struct PredictRequest: RequestType {
    public static let method = "predict"
    public typealias Response = PredictResult
    /// A predictor id; or give `space` with `device` (the default predictor of a fixture
    /// device, trained on first use) or with `spec` (the hardware-generalized predictor).
    public var predictor: String?
    public var space: String?
    public var device: String?
    /// A GPU name from gpu_specs.csv or an object of device specs (devices.csv column names).
    public var spec: DeviceSpecInput?
    /// Batch size for `spec` (default: the spec's `batch`, else 1).
    public var batch: Int?
    /// Architectures.
    public var archs: [ArchitectureInput]
    /// `json` (default: `latency_ms` array) or `f32-base64` (`latency_ms_f32`: little-endian float32, base64).
    public var output: String?
}

/// Result of `predict`.
public struct PredictResult: Codable, Sendable {
    /// The predictor used.
    public var predictor: String
    /// Predicted milliseconds, in request order (`output: json`).
    public var latencyMs: [Double]?
    /// The same as base64 of little-endian float32 (`output: f32-base64`).
    public var latencyMsF32: String?
    /// Indices of the degenerate architectures (as in `encode`), absent when none: default
    /// predictors are trained without them, so their values are extrapolations.
    public var degenerate: [Int]?

    enum CodingKeys: String, CodingKey {
        case degenerate
        case predictor
        case latencyMs = "latency_ms"
        case latencyMsF32 = "latency_ms_f32"
    }
}
