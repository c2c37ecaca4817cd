import JSONRPC
import NASCore
import NASPredictors
import NASSpaces

/// Prediction accuracy on measured samples.
public struct MetricsResult: Codable, Sendable, Equatable {
    public var rmse: Double
    /// Mean absolute percentage error, in percent (3.2 = 3.2%).
    public var mape: Double
    public var spearman: Double
    public var kendall: Double
    public var within5: Double
    public var within10: Double
    public var count: Int

    /// Wire form of the domain metrics.
    public init(_ m: RegressionMetrics) {
        rmse = m.rmse
        mape = 100 * m.mape
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
    /// For fits on a handful of samples (`finetune`, `adaptProxy`): out-of-fold metrics of the
    /// whole fitting procedure, k-fold over the samples it kept.
    public var crossValidated: MetricsResult?
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
        crossValidated = m.crossValidated.map(MetricsResult.init)
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
    /// Samples the fit left out as gross outliers (empty when none, or for fixture training).
    public var outliers: [OutlierMessage]
    /// What the caller should know about the fit (a fallback taken, a ranking worse than the base's).
    public var warnings: [String]
    /// `finetune` with `blendWith`: the base and the members offered to the blend, in order
    /// (absent otherwise).
    public var pool: [String]?
    /// `finetune` with `blendWith`: the members the blend kept and their weights (absent otherwise).
    public var weights: [MemberWeight]?
    /// `finetune` only: what as many samples again would add (absent below 10 samples).
    public var moreSamples: MoreSamplesMessage?

    init(_ p: TrainedPredictor, path: String?, pool: [String]? = nil, weights: [MemberWeight]? = nil) {
        predictor = p.id
        space = p.spaceID
        device = p.device
        model = p.kind
        metrics = TrainingMetricsResult(p.metrics)
        self.path = path
        notes = p.notes
        outliers = OutlierMessage.list(p.metrics.outliers, spaceID: p.spaceID)
        warnings = p.metrics.warnings
        self.pool = pool
        self.weights = weights
    }
}

/// One blended member of a pool (`adaptProxy`, `adapt`, `finetune` with `blendWith`) and its
/// weight: ms of the target per ms of the member.
public struct MemberWeight: Codable, Sendable, Equatable {
    public var member: String
    public var weight: Double
}

/// A sample a fit left out as a gross outlier: `{index, arch, measured, predicted}` (ms).
public struct OutlierMessage: Codable, Sendable, Equatable {
    /// Index into the request's samples.
    public var index: Int
    public var arch: String
    /// The measured latency (ms).
    public var measured: Double
    /// What the returned predictor predicts for it (ms).
    public var predicted: Double

    /// Wire form of the domain records (architectures in the space's string form).
    static func list(_ outliers: [SampleOutlier], spaceID: String) -> [OutlierMessage] {
        let space = try? SpaceRegistry.space(spaceID)
        return outliers.map {
            OutlierMessage(index: $0.index, arch: space?.format($0.arch) ?? $0.arch.genes.map(String.init).joined(separator: "-"),
                           measured: $0.measured, predicted: $0.predicted)
        }
    }
}
