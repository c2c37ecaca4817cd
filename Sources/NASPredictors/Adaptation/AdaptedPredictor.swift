import NASCore

/// A proxy predictor adapted to a target device.
public struct AdaptedPredictor: Sendable {
    /// The proxy it builds on.
    public var proxy: ProxyLatencyModel
    /// The target device's name (the name it is saved under).
    public var target: String
    /// The method actually used (never `auto`).
    public var method: AdaptationMethod
    /// A short description of the chosen variant, e.g. `residual counts ms λ=1`.
    public var variant: String
    /// The fitted model.
    public var model: AdaptedModel
    /// The pool members the model may blend (index j ≥ 1 of `PoolBlend.members` is `pool[j − 1]`).
    public var pool: [ProxyLatencyModel] = []

    /// Predicted target milliseconds.
    public func predict(_ archs: [Architecture]) throws(NASError) -> [Double] {
        try predict(model, archs: archs)
    }

    private func predict(_ model: AdaptedModel, archs: [Architecture]) throws(NASError) -> [Double] {
        let values: [Double]
        switch model {
        case .network: values = []
        case .linear: values = try proxy.predict(archs)
        case .pooled(let blend, _):
            var member: [Int: [Double]] = [:]
            for m in blend.members { member[m] = try m == 0 ? proxy.predict(archs) : pool[m - 1].predict(archs) }
            values = archs.indices.map { i in blend.value { member[$0]![i] } }
        case .ensemble(let models):
            var sum = [Double](repeating: 0, count: archs.count)
            for m in models {
                let v = try predict(m, archs: archs)
                for i in sum.indices { sum[i] += max(v[i], 1e-6) / Double(models.count) }
            }
            return sum
        }
        return try ProxyAdaptation.predict(model, archs: archs, proxyValues: values, ctx: FeatureContext(space: proxy.space))
    }
}

/// The outcome of `ProxyAdaptation.adapt`.
public struct AdaptationResult: Sendable {
    /// The adapted predictor.
    public var predictor: AdaptedPredictor
    /// SRCC of the raw proxy against the target on the evaluation set.
    public var srccBefore: Double
    /// SRCC of the adapted predictor on the evaluation set.
    public var srccAfter: Double
    /// `evalSamples` (held out by the client) or `crossValidated` (k-fold on the samples).
    public var evaluation: String
    /// Every candidate tried with its cross-validated SRCC (for `auto`, the basis of the choice).
    public var candidates: [(variant: String, cvSRCC: Double)]
    /// The returned model's out-of-fold metrics on the kept samples (the same folds for every
    /// candidate; for `auto` slightly optimistic, as the folds also drove the choice).
    public var crossValidated: RegressionMetrics?
    /// Its out-of-fold error profile (for `predict` intervals and `search` confidence).
    public var errorProfile: ErrorProfile?
    /// The out-of-fold residual summary the profile was built from.
    public var fewSampleResiduals: FewSampleResiduals?
    /// Samples left out of every fit as gross outliers (`OutlierScreen` against the proxy).
    public var outliers: [SampleOutlier]
    /// What the caller should know: a fallback taken, a ranking worse than the raw proxy's.
    public var warnings: [String]
    /// What as many samples again would add (`LearningCurve`); nil below 10 kept samples.
    public var moreSamples: MoreSamplesEstimate? = nil
    /// The returned model's out-of-fold predictions (ms), aligned with the samples it kept (the
    /// samples less `outliers`, in order): what `crossValidated` was computed from.
    public var outOfFold: [Double] = []
}

extension AdaptedPredictor {
    /// The members the fitted model blends with their weights (ms of the target per ms of the
    /// member, averaged over an ensemble's models): the proxy (its name) and pool members. Empty
    /// when the chosen model does not blend (affine, residual, fine-tuned network).
    public var blendWeights: [(member: String, weight: Double)] {
        var sums: [Int: Double] = [:]
        func collect(_ m: AdaptedModel, share: Double) {
            switch m {
            case .pooled(let blend, _):
                for (i, w) in zip(blend.members, blend.weights) { sums[i, default: 0] += share * w }
            case .ensemble(let models):
                for sub in models { collect(sub, share: share / Double(max(models.count, 1))) }
            case .network, .linear: break
            }
        }
        collect(model, share: 1)
        return sums.keys.sorted().map { i in (i == 0 ? proxy.name : pool[i - 1].name, sums[i]!) }
    }
}
