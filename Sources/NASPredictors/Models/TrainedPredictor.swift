import NASCore
import NASSpaces

/// Accuracy of a trained predictor on samples it did not see, beside the LUT baseline.
public struct PredictorMetrics: Sendable, Equatable {
    /// This predictor on the held-out split: data never used in fitting (nil when there was none).
    public var heldOut: RegressionMetrics?
    /// For a fit on a handful of samples (`finetune`, `adaptProxy`): out-of-fold predictions of
    /// the whole fitting procedure, k-fold over the samples it kept (nil when not computed).
    public var crossValidated: RegressionMetrics?
    /// Samples the fit left out as gross outliers.
    public var outliers: [SampleOutlier]
    /// What the caller should know about the fit (a fallback taken, a ranking worse than the base's...).
    public var warnings: [String]
    /// A LUT fitted on the same training samples, on the same held-out split.
    public var lutBaseline: RegressionMetrics?
    /// Training samples used.
    public var trainCount: Int
    /// Held-out samples evaluated.
    public var testCount: Int
    /// The variant a default (`auto`) training chose, or the kind trained.
    public var variant: String
    /// Validation RMSE (ms) of each candidate variant considered.
    public var validationRMSE: [String: Double]

    /// Makes a record.
    public init(heldOut: RegressionMetrics?, lutBaseline: RegressionMetrics?, trainCount: Int, testCount: Int,
                variant: String, validationRMSE: [String: Double] = [:], crossValidated: RegressionMetrics? = nil,
                outliers: [SampleOutlier] = [], warnings: [String] = []) {
        self.heldOut = heldOut
        self.crossValidated = crossValidated
        self.outliers = outliers
        self.warnings = warnings
        self.lutBaseline = lutBaseline
        self.trainCount = trainCount
        self.testCount = testCount
        self.variant = variant
        self.validationRMSE = validationRMSE
    }
}

/// A latency predictor for one search space (and one device, or any GPU by spec): the model,
/// where it came from, and how good it was on held-out data.
public struct TrainedPredictor: Sendable, Equatable {
    /// Stable id (file name in the store): letters, digits, `-`, `_`, `.`.
    public var id: String
    /// Search space id.
    public var spaceID: String
    /// Device it predicts for: a fixture device name, a user label, or nil (spec-only).
    public var device: String?
    /// For hardware-generalized predictors: the device spec used when a request names none.
    public var deviceSpec: [String: Double]?
    /// The fitted model.
    public var model: LatencyModel
    /// Held-out metrics.
    public var metrics: PredictorMetrics
    /// Provenance (source, seed, base predictor, training sizes...).
    public var notes: [String: String]

    /// Makes a predictor.
    public init(id: String, spaceID: String, device: String?, deviceSpec: [String: Double]? = nil,
                model: LatencyModel, metrics: PredictorMetrics, notes: [String: String] = [:]) {
        self.id = id
        self.spaceID = spaceID
        self.device = device
        self.deviceSpec = deviceSpec
        self.model = model
        self.metrics = metrics
        self.notes = notes
    }

    /// The model kind: lut, flops, mlp, lut+mlp, mlp-hw, calibrated(...).
    public var kind: String { model.kindName }

    /// Predicted latencies (ms) of `archs`. `spec` (devices.csv column names, plus `batch`)
    /// overrides the bound device spec of a hardware-generalized predictor; other models ignore it.
    public func predict(archs: [Architecture], spec: [String: Double]? = nil) throws(NASError) -> [Double] {
        let space = try SpaceRegistry.space(spaceID)
        for (i, a) in archs.enumerated() {
            do { try space.validate(a) } catch { throw error.inField("archs[\(i)]") }
        }
        return try predict(validated: archs, space: space, spec: spec)
    }

    /// `predict(archs:spec:)` of architectures already validated in this predictor's space
    /// (`ArchitectureInput.resolve` validates), without checking them again: the same values.
    public func predict(validated archs: [Architecture], spec: [String: Double]? = nil) throws(NASError) -> [Double] {
        try predict(validated: archs, space: try SpaceRegistry.space(spaceID), spec: spec)
    }

    private func predict(validated archs: [Architecture], space: any SearchSpace, spec: [String: Double]?) throws(NASError) -> [Double] {
        let v = try model.predict(archs, space: space, encoding: ActiveOneHot(space: space), device: spec ?? deviceSpec)
        guard let floor = notes[Self.floorKey].flatMap(Double.init), floor > 0 else { return v }
        return v.map { max($0, floor) }
    }

    /// The notes key of the prediction floor (ms): half the fastest latency the predictor was
    /// trained on (`PredictorTrainer`); predictions never go below it.
    public static let floorKey = "floorMs"

    /// The notes key of the digest of the fixture files a predictor trained on the fixtures was
    /// fitted on (`DataCatalog.fileDigest`; `PredictorTrainer.fixtureDigest`,
    /// `HardwareGeneralizedTrainer.fixtureDigest`): a saved default of other fixtures is retrained.
    public static let fixtureDigestKey = "fixtureDigest"

    /// What a fixture-trained predictor was fitted by and on: its recipe and fixture digest
    /// notes (nil when it has neither, as a user's own predictors). A generator trained on a
    /// device's default records it, so a default retrained since (new fixtures or recipe) makes
    /// that generator stale.
    public var fitFingerprint: String? {
        let recipe = notes["recipe"], digest = notes[Self.fixtureDigestKey]
        guard recipe != nil || digest != nil else { return nil }
        return "\(id) recipe \(recipe ?? "-") fixtures \(digest ?? "-")"
    }

    /// Metrics of this predictor on measured samples.
    public func evaluate(archs: [Architecture], latency: [Double], spec: [String: Double]? = nil) throws(NASError) -> RegressionMetrics {
        guard archs.count == latency.count, !archs.isEmpty else {
            throw NASError(.insufficientSamples, "evaluate needs at least one (arch, latency_ms) sample")
        }
        return RegressionMetrics(predicted: try predict(archs: archs, spec: spec), actual: latency)
    }

    /// Whether `id` is a valid predictor id (safe as a file name).
    public static func isValidID(_ id: String) -> Bool { StoreDirectory.isValidID(id) }
}
