import NASCore
import NASNeural

/// Which model `PredictorTrainer` fits.
public enum PredictorModelKind: String, Sendable, Equatable, CaseIterable {
    /// The default: LUT, MLP and LUT+residual-MLP are all fitted and the best by validation
    /// RMSE is kept (never worse than the LUT on validation).
    case auto = "default"
    /// Additive lookup table.
    case lut
    /// Linear in MACs.
    case flops
    /// Plain MLP on the one-hot encoding, log-latency target.
    case mlp
    /// LUT plus an MLP on its residual.
    case residual = "lut+mlp"
    /// Hardware-generalized MLP over all GPUs of the space.
    case hardware = "mlp-hw"
}

/// One measured latency.
public struct LatencySample: Sendable, Equatable {
    /// The architecture (valid in the request's space).
    public var arch: Architecture
    /// Measured latency in milliseconds (> 0).
    public var latencyMs: Double

    /// Makes a sample.
    public init(arch: Architecture, latencyMs: Double) {
        self.arch = arch
        self.latencyMs = latencyMs
    }
}

/// What to train: the `train` method's parameters, parsed.
public struct TrainRequest: Sendable {
    /// Search space id.
    public var space: String
    /// A fixture device (its measurements are the data), or a label for inline samples.
    public var device: String?
    /// Inline measurements; when given they are the data instead of the fixtures.
    public var samples: [LatencySample]?
    /// Model kind.
    public var model: PredictorModelKind
    /// Training samples (the rest are held out); default 1,000 for nb201, 900 for fbnet and
    /// ofa_mbv3, 80% for inline samples.
    public var trainSize: Int?
    /// Seed of the split and of the networks.
    public var seed: UInt64
    /// Network and optimizer settings (default `MLPTrainingConfig()`; its seed is replaced by `seed`).
    public var config: MLPTrainingConfig?
    /// Id of the new predictor (default: generated).
    public var id: String?
    /// Leave degenerate architectures (`SearchSpace.isDegenerate`) out of training and of the
    /// held-out metrics and error profile (what default predictors do: searches exclude them);
    /// inline samples left out are named in `metrics.warnings`. The server's `train` sets it
    /// unless the request asks `includeDegenerate`.
    public var excludeDegenerate = false

    /// Makes a request.
    public init(space: String, device: String? = nil, samples: [LatencySample]? = nil, model: PredictorModelKind = .auto,
                trainSize: Int? = nil, seed: UInt64 = 0, config: MLPTrainingConfig? = nil, id: String? = nil) {
        self.space = space
        self.device = device
        self.samples = samples
        self.model = model
        self.trainSize = trainSize
        self.seed = seed
        self.config = config
        self.id = id
    }
}
