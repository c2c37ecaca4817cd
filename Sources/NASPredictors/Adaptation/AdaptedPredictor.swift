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
}
