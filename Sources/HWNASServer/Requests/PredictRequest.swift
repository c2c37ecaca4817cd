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
    /// The spec-only model for `spec`: `nearest` (default, with or without `interval`; the measured
    /// GPU of the space nearest to the spec at that batch — its measurements, else its default
    /// predictor; the MLP when no GPU of the space was measured at that batch) or `mlp` (the
    /// hardware-generalized MLP). Each has an interval of its own.
    public var specModel: String?
    /// Architectures.
    public var archs: [ArchitectureInput]
    /// `json` (default: `latency_ms` array) or `f32-base64` (`latency_ms_f32`: little-endian float32, base64).
    public var output: String?
    /// A central prediction interval at this level (0.5–0.99): `lower`/`upper` per arch, from
    /// the predictor's own held-out (or cross-validated) error profile near each prediction.
    public var interval: Double?

    /// The most architectures whose answer the daemon keeps for a repeat; a bigger request is
    /// predicted every time (it takes milliseconds). At 10,000, 64 kept answers with intervals
    /// held 59 MB more (daemon RSS 24 → 83 MB); at 2,000 they hold about a fifth of that.
    public static let rememberedArchs = 2_000
}

/// A big `predict` decodes from its text: every member but `archs` from its parse tree, the
/// architectures straight from the bytes (`ArchitectureInput.list(jsonText:in:)`).
extension PredictRequest: JSONTextDecodable {
    public static func decode(jsonText bytes: [UInt8], in range: Range<Int>) -> PredictRequest? {
        ArchitectureInput.decode(Self.self, jsonText: bytes, in: range, archs: \.archs)
    }
}

/// Result of `predict`.
public struct PredictResult: Codable, Sendable {
    /// The predictor used.
    public var predictor: String
    /// With a `spec` GPU name: the gpu_specs.csv row it matched (e.g. "3090" → "GeForce RTX
    /// 3090"), so a loose name's answer says which GPU it is for.
    public var gpu: String?
    /// Predicted milliseconds, in request order (`output: json`).
    public var latencyMs: [Double]?
    /// The same as base64 of little-endian float32 (`output: f32-base64`).
    public var latencyMsF32: String?
    /// With `interval`: the interval's level and its bounds (ms) per arch, in request order.
    public var interval: Double?
    public var lower: [Double]?
    public var upper: [Double]?
    /// With `interval` and a `spec` of a GPU the answering model never saw (`nearest`: no measured
    /// GPU's spec; `mlp`: none of its training GPUs'): what the interval is calibrated on and why
    /// it can miss such a GPU.
    public var intervalNote: String?
    /// Indices of the degenerate architectures (as in `encode`), absent when none: default
    /// predictors are trained without them, so their values are extrapolations.
    public var degenerate: [Int]?

    enum CodingKeys: String, CodingKey {
        case predictor, gpu, interval, lower, upper, degenerate, intervalNote
        case latencyMs = "latency_ms"
        case latencyMsF32 = "latency_ms_f32"
    }
}
