import JSONRPC
import NASCore
import NASPredictors

/// One measured latency on the wire: `{"arch": ..., "latency_ms": 3.2}`.
public struct LatencySampleInput: Codable, Sendable, Equatable {
    /// The architecture (string, index or object form).
    public var arch: ArchitectureInput
    /// Measured latency in milliseconds (finite, > 0).
    public var latencyMs: Double

    enum CodingKeys: String, CodingKey {
        case arch
        case latencyMs = "latency_ms"
    }

    /// Resolves a list in `space`, naming `field[i]` on error; rejects non-finite or non-positive latencies.
    public static func resolve(_ inputs: [LatencySampleInput], in space: any SearchSpace, field: String = "samples") throws(NASError) -> [LatencySample] {
        var out: [LatencySample] = []
        out.reserveCapacity(inputs.count)
        for (i, s) in inputs.enumerated() {
            let arch = try s.arch.resolve(in: space, field: "\(field)[\(i)].arch")
            guard s.latencyMs.isFinite, s.latencyMs > 0 else {
                throw NASError(.invalidParams, "latency_ms must be a finite number > 0, got \(s.latencyMs)", field: "\(field)[\(i)].latency_ms")
            }
            out.append(LatencySample(arch: arch, latencyMs: s.latencyMs))
        }
        return out
    }
}

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

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .gpuName(let s): try c.encode(s)
        case .values(let v): try c.encode(v)
        }
    }
}

/// Prediction accuracy on measured samples.
public struct MetricsResult: Codable, Sendable, Equatable {
    public var rmse: Double
    public var mape: Double
    public var spearman: Double
    public var kendall: Double
    public var within5: Double
    public var within10: Double
    public var count: Int

    /// Wire form of the domain metrics.
    public init(_ m: RegressionMetrics) {
        rmse = m.rmse
        mape = m.mape
        spearman = m.spearman
        kendall = m.kendall
        within5 = m.within5
        within10 = m.within10
        count = m.count
    }
}

/// How a trained predictor did on data it did not see, beside the LUT baseline.
public struct TrainingMetricsResult: Codable, Sendable, Equatable {
    /// The predictor on the held-out split.
    public var heldOut: MetricsResult?
    /// A LUT fitted on the same training samples, on the same split.
    public var lutBaseline: MetricsResult?
    public var trainCount: Int
    public var testCount: Int
    /// The variant the default model chose (`lut`, `mlp`, `lut+mlp`, ...) or the kind trained.
    public var variant: String
    /// Validation RMSE (ms) of each candidate considered.
    public var validationRMSE: [String: Double]

    init(_ m: PredictorMetrics) {
        heldOut = m.heldOut.map(MetricsResult.init)
        lutBaseline = m.lutBaseline.map(MetricsResult.init)
        trainCount = m.trainCount
        testCount = m.testCount
        variant = m.variant
        validationRMSE = m.validationRMSE
    }
}

/// A predictor as returned by `train`, `finetune`, `load` and `adaptProxy`.
public struct PredictorInfo: Codable, Sendable, Equatable {
    /// Predictor id (use it in `predict`, `evaluate`, `finetune`, `save`, `deletePredictor`).
    public var predictor: String
    public var space: String
    public var device: String?
    /// Model kind: `lut`, `flops`, `mlp`, `lut+mlp`, `mlp-hw`, `calibrated(...)`.
    public var model: String
    public var metrics: TrainingMetricsResult
    /// Where it is saved in the state directory, when it is.
    public var path: String?
    /// Provenance (data source, seed, base predictor, ...).
    public var notes: [String: String]

    init(_ p: TrainedPredictor, path: String?) {
        predictor = p.id
        space = p.spaceID
        device = p.device
        model = p.kind
        metrics = TrainingMetricsResult(p.metrics)
        self.path = path
        notes = p.notes
    }
}

/// `train`: fit a predictor on a fixture device's measurements or on inline samples.
public struct TrainPredictorRequest: RequestType {
    public static let method = "train"
    public typealias Response = PredictorInfo
    /// Search space id.
    public var space: String
    /// A fixture device (its measurements are the data), or a label for inline samples.
    public var device: String?
    /// Inline measurements (the target device need not be in the fixtures).
    public var samples: [LatencySampleInput]?
    /// `default` (LUT / MLP / LUT+MLP chosen by validation), `lut`, `flops`, `mlp`, `lut+mlp`, `mlp-hw`.
    public var model: String?
    /// Training samples; the rest are held out for the metrics.
    public var trainSize: Int?
    public var seed: UInt64?
    /// Id for the new predictor (letters, digits, `-_.`); default generated.
    public var id: String?
    /// Hidden layer widths of the MLP (default [256, 256, 256]).
    public var hidden: [Int]?
    /// Maximum epochs (early stopping on a validation split still applies).
    public var maxEpochs: Int?
    /// Save to the state directory (default true).
    public var save: Bool?
}

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

/// `evaluate`: accuracy of a predictor on measured samples.
public struct EvaluateRequest: RequestType {
    public static let method = "evaluate"
    public typealias Response = EvaluateResult
    /// A predictor id, or `space` + `device` for that device's default predictor.
    public var predictor: String?
    public var space: String?
    /// Evaluate on inline samples...
    public var samples: [LatencySampleInput]?
    /// ...or on every measurement of a fixture device (default: the predictor's own device).
    public var device: String?
}

/// Result of `evaluate`.
public struct EvaluateResult: Codable, Sendable {
    public var predictor: String
    /// What it was evaluated on: `samples` or `fixtures:<device>`.
    public var data: String
    public var metrics: MetricsResult
}

/// `finetune`: adapt a base predictor to a new device from a few measurements.
public struct FinetuneRequest: RequestType {
    public static let method = "finetune"
    public typealias Response = PredictorInfo
    /// The base predictor id; or, with `space`, a fixture device whose default predictor is the base.
    public var base: String
    public var space: String?
    /// More predictor ids or fixture devices: the base becomes a non-negative blend of `base`
    /// and these, fitted to the samples, before the method runs.
    public var blendWith: [String]?
    /// Measurements on the target device.
    public var samples: [LatencySampleInput]
    public var epochs: Int?
    /// Leading weight layers kept frozen.
    public var freeze: Int?
    /// `auto` (default), `affine`, `finetune`.
    public var method: String?
    /// Label of the target device.
    public var device: String?
    public var id: String?
    public var seed: UInt64?
    /// Save to the state directory (default true).
    public var save: Bool?
}

/// `save`: write a predictor to the state directory (atomically).
public struct SavePredictorRequest: RequestType {
    public static let method = "save"
    public typealias Response = SavePredictorResult
    public var predictor: String
}

/// Result of `save`.
public struct SavePredictorResult: Codable, Sendable {
    public var predictor: String
    public var path: String
}

/// `load`: read a predictor file (from anywhere) into the daemon.
public struct LoadPredictorRequest: RequestType {
    public static let method = "load"
    public typealias Response = PredictorInfo
    public var path: String
}

/// `deletePredictor`: forget a predictor and remove its file.
public struct DeletePredictorRequest: RequestType {
    public static let method = "deletePredictor"
    public typealias Response = DeletePredictorResult
    public var predictor: String
}

/// Result of `deletePredictor`.
public struct DeletePredictorResult: Codable, Sendable {
    public var predictor: String
    public var deleted: Bool
}
