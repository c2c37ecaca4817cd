import NASCore
import NASData
import NASSpaces

/// The proxy device's latency as adaptation sees it: a function of architectures, plus, when
/// the proxy is a neural predictor, its network (which `finetune` fine-tunes, as OneProxy does).
public struct ProxyLatencyModel: Sendable {
    /// Proxy device (or predictor) name.
    public var name: String
    /// The space.
    public var space: any SearchSpace
    /// Milliseconds of the proxy for architectures.
    public var predict: @Sendable ([Architecture]) throws(NASError) -> [Double]
    /// The proxy's network on `ActiveOneHot` input, when it has one.
    public var network: NeuralRegressor?
    /// The latency model behind `predict`, when there is one (needed to save an adapted
    /// predictor that blends several devices; measured lookups have none).
    public var model: LatencyModel?

    /// Wraps a function (and optionally a network and the model it evaluates).
    public init(name: String, space: any SearchSpace, network: NeuralRegressor? = nil, model: LatencyModel? = nil,
                predict: @escaping @Sendable ([Architecture]) throws(NASError) -> [Double]) {
        self.name = name
        self.space = space
        self.network = network
        self.model = model
        self.predict = predict
    }

    /// A measured device of the fixtures used as proxy: looks latencies up; an architecture the
    /// device has no measurement of is an `invalidParams` error naming it.
    public static func measured(catalog: DataCatalog, space: String, device: String) throws(NASError) -> ProxyLatencyModel {
        let impl = try SpaceRegistry.space(space)
        let m = try catalog.measurements(space: space, device: device)
        var table: [Architecture: Double] = [:]
        table.reserveCapacity(m.archs.count)
        for (a, v) in zip(m.archs, m.latency) { table[a] = v }
        let lookup = table
        return ProxyLatencyModel(name: device, space: impl) { (archs: [Architecture]) throws(NASError) -> [Double] in
            var out: [Double] = []
            out.reserveCapacity(archs.count)
            for (i, a) in archs.enumerated() {
                guard let v = lookup[impl.canonical(a)] else {
                    throw NASError(.invalidParams, "proxy device '\(device)' has no measurement of \(impl.format(a)); use a predictor as proxy", field: "archs[\(i)]")
                }
                out.append(v)
            }
            return out
        }
    }

    /// A trained predictor used as proxy (its network is fine-tunable when it is a plain MLP).
    public static func predictor(_ p: TrainedPredictor, space: any SearchSpace) -> ProxyLatencyModel {
        var net: NeuralRegressor?
        if case .mlp(let r) = p.model { net = r }
        if case .split(.mlp(let r), _) = p.model { net = r }
        return ProxyLatencyModel(name: p.id, space: space, network: net, model: p.model) { (archs: [Architecture]) throws(NASError) -> [Double] in
            try p.predict(archs: archs)
        }
    }

    /// A latency model (e.g. a fixture device's LUT) used as proxy or pool member.
    public static func model(_ m: LatencyModel, name: String, space: any SearchSpace) -> ProxyLatencyModel {
        let enc = ActiveOneHot(space: space)
        return ProxyLatencyModel(name: name, space: space, model: m) { (archs: [Architecture]) throws(NASError) -> [Double] in
            try m.predict(archs, space: space, encoding: enc)
        }
    }
}

/// How a proxy's predictor is adapted to a target.
public enum AdaptationMethod: String, Sendable, Equatable, Codable, CaseIterable {
    /// HELP-style: log target = a + b · log proxy (keeps the proxy's ranking, rescales to ms).
    case affine
    /// Ridge model on the proxy's latency plus option counts / one-hot columns (learns the
    /// target's per-op corrections from k samples; closed form).
    case residual
    /// OneProxy: fine-tune the proxy's neural predictor on the k samples (needs a network proxy).
    case finetune
    /// Multi-proxy: the proxy together with a pool of other devices' models (the fixture
    /// devices of the space): the best single member by the k samples, affine-mapped, or a
    /// non-negative or ridge blend of members, optionally with per-op corrections.
    case pool
    /// Choose among the above by k-fold cross-validated SRCC on the target samples (the pool
    /// candidates only when a pool is given).
    case auto
}

/// The fitted part of an adapted predictor.
public enum AdaptedModel: Sendable, Equatable {
    /// A linear head on top of the proxy's latency (needs the proxy at prediction time).
    case linear(AdaptedLinearHead)
    /// A fine-tuned network on `ActiveOneHot` input (self-contained).
    case network(NeuralRegressor)
    /// A linear head on a blend of the proxy and pool members.
    case pooled(PoolBlend, AdaptedLinearHead)
    /// The mean of several adapted models' milliseconds (`auto`: the best three by
    /// cross-validated SRCC, steadier than one choice made on k ≈ 20 samples).
    indirect case ensemble([AdaptedModel])
}

/// A blend of the proxy (member 0) and pool members (1…): intercept + Σ wᵢ · memberᵢ (ms); the
/// weights are ≥ 0 from `fit`, signed from `fitRidge`.
public struct PoolBlend: Sendable, Equatable {
    /// Indices into the value columns it was fitted on (in `adaptProxy`: 0 is the proxy, j ≥ 1
    /// is `pool[j − 1]`; in `FineTuner.blendedBase`: the bases).
    public var members: [Int]
    /// Weights, one per member.
    public var weights: [Double]
    /// Additive term (ms).
    public var intercept: Double

    /// The blended value (ms, ≥ 1e-6) given each member's value.
    func value(_ memberValue: (Int) -> Double) -> Double {
        var s = intercept
        for (m, w) in zip(members, weights) { s += w * memberValue(m) }
        return max(s, 1e-6)
    }

    /// Centered non-negative least squares of `y` on the members' values over `rows`: weights
    /// ≥ 0, free intercept; members with zero weight are dropped.
    static func fit(_ values: [[Double]], y: [Double], rows: [Int]) -> PoolBlend {
        let (a, means, ym) = centered(values, y: y, rows: rows)
        let w = NonNegativeLeastSquares.solve(a, rows: rows.count, columns: values.count, rows.map { y[$0] - ym }, ridge: 1e-6)
        return assemble(w, means: means, ym: ym)
    }

    /// Ridge regression of `y` on the members' values over `rows`, each member standardized
    /// over those rows first, so `lambda` shrinks every member alike; weights may be negative.
    /// This is the Bayesian estimate under a prior whose covariance is spanned by the members:
    /// it can express a target whose per-option costs are a signed mix of the pool's (a
    /// non-negative blend cannot), at the price of more variance on few samples. Constant
    /// members get weight 0.
    static func fitRidge(_ values: [[Double]], y: [Double], rows: [Int], lambda: Double) -> PoolBlend {
        let (a, means, ym) = centered(values, y: y, rows: rows)
        let m = rows.count, n = values.count
        let scales = (0..<n).map { j in ((0..<m).reduce(0.0) { $0 + a[$1 * n + j] * a[$1 * n + j] } / Double(m)).squareRoot() }
        let used = (0..<n).filter { scales[$0].isFinite && scales[$0] > 1e-12 }
        let k = used.count
        guard k > 0 else { return assemble([Double](repeating: 0, count: n), means: means, ym: ym) }
        var gram = [Double](repeating: 0, count: k * k), rhs = [Double](repeating: 0, count: k)
        var d = [Double](repeating: 0, count: k)
        for r in 0..<m {
            for (c, j) in used.enumerated() { d[c] = a[r * n + j] / scales[j] }
            let t = y[rows[r]] - ym
            for c in 0..<k {
                rhs[c] += d[c] * t
                for e in 0...c { gram[c * k + e] += d[c] * d[e] }
            }
        }
        for c in 0..<k {
            for e in 0..<c { gram[e * k + c] = gram[c * k + e] }
            gram[c * k + c] += lambda
        }
        guard let coef = try? LinearSolver.choleskySolve(gram, rhs, n: k) else { return fit(values, y: y, rows: rows) }
        var w = [Double](repeating: 0, count: n)
        for (c, j) in used.enumerated() { w[j] = coef[c] / scales[j] }
        return assemble(w, means: means, ym: ym)
    }

    /// The members' values over `rows`, centered (row-major, rows × members), their means, and
    /// the mean of `y` over the rows.
    private static func centered(_ values: [[Double]], y: [Double], rows: [Int]) -> (a: [Double], means: [Double], ym: Double) {
        let n = values.count, m = rows.count
        let ym = rows.reduce(0.0) { $0 + y[$1] } / Double(m)
        let means = values.map { v in rows.reduce(0.0) { $0 + v[$1] } / Double(m) }
        var a = [Double](repeating: 0, count: m * n)
        for (r, i) in rows.enumerated() { for j in 0..<n { a[r * n + j] = values[j][i] - means[j] } }
        return (a, means, ym)
    }

    /// The blend of weights on centered members: intercept `ym − Σ wⱼ · meanⱼ`; members with
    /// weight 0 are dropped, and with none left the blend is member 0 alone.
    private static func assemble(_ w: [Double], means: [Double], ym: Double) -> PoolBlend {
        var blend = PoolBlend(members: [], weights: [], intercept: ym)
        for j in w.indices where w[j] != 0 {
            blend.members.append(j)
            blend.weights.append(w[j])
            blend.intercept -= w[j] * means[j]
        }
        if blend.members.isEmpty { blend = PoolBlend(members: [0], weights: [1], intercept: 0) }
        return blend
    }
}

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
    /// Samples left out of every fit as gross outliers (`OutlierScreen` against the proxy).
    public var outliers: [SampleOutlier]
    /// What the caller should know: a fallback taken, a ranking worse than the raw proxy's.
    public var warnings: [String]
}

/// Builds design rows for linear heads.
struct FeatureContext {
    let space: any SearchSpace
    let counts: OptionCountFeatures
    let onehot: ActiveOneHot

    init(space: any SearchSpace) {
        self.space = space
        counts = OptionCountFeatures(space: space)
        onehot = ActiveOneHot(space: space)
    }

    func row(_ arch: Architecture, proxy: Double, head: AdaptedLinearHead) -> [Double] {
        row(arch, proxy: proxy, logSpace: head.logSpace, features: head.features)
    }

    func row(_ arch: Architecture, proxy: Double, logSpace: Bool, features: AdaptedLinearHead.FeatureSet) -> [Double] {
        AdaptedLinearHead.row(arch, proxy: proxy, logSpace: logSpace, features: features,
                              space: space, counts: counts, onehot: onehot)
    }
}

/// OneProxy's proxy adaptation: a proxy device's predictor, adapted with a few target samples
/// so it ranks (and prices) the target's architectures.
public enum ProxyAdaptation {
    /// A candidate adaptation: name, method, and how to fit it on a subset of samples.
    struct Candidate {
        let variant: String
        let method: AdaptationMethod
        let fit: ([Int]) throws(NASError) -> AdaptedModel
    }

    /// Adapts `proxy` to the target `targetName` from `samples` (k ≥ 3).
    ///
    /// `srccBefore`/`srccAfter` are measured on `evalSamples` when given, else by k-fold cross
    /// validation on `samples` (for `auto` the cross-validated value of the chosen candidate is
    /// slightly optimistic: it also drove the choice).
    /// `pool`: other devices' models (never the target itself) that `pool` and `auto` may use
    /// besides the proxy. `screenOutliers` (default true) leaves gross outliers among the samples
    /// (`OutlierScreen` against the proxy) out of every fit and reports them.
    public static func adapt(proxy: ProxyLatencyModel, targetName: String, samples: [LatencySample],
                             method: AdaptationMethod = .auto, pool: [ProxyLatencyModel] = [],
                             evalSamples: [LatencySample]? = nil, screenOutliers: Bool = true,
                             seed: UInt64 = 0, control: JobControl = .none) throws(NASError) -> AdaptationResult {
        guard samples.count >= 3 else {
            throw NASError(.insufficientSamples, "adaptation needs at least 3 target samples, got \(samples.count)", field: "target.samples")
        }
        for (i, s) in samples.enumerated() where !(s.latencyMs.isFinite && s.latencyMs > 0) {
            throw NASError(.invalidParams, "latency_ms must be a positive number, got \(s.latencyMs)", field: "target.samples[\(i)].latency_ms")
        }
        if method == .finetune && proxy.network == nil {
            throw NASError(.invalidParams, "method finetune needs a neural proxy predictor; '\(proxy.name)' has none (use affine, residual or auto)", field: "method")
        }
        let space = proxy.space
        let allArchs = samples.map { space.canonical($0.arch) }
        let allY = samples.map(\.latencyMs)
        let allP = try proxy.predict(allArchs)
        // A few gross outliers (a near-zero or ×10 measurement) would drag every fit: leave them out.
        let flagged = screenOutliers ? OutlierScreen.grossOutliers(reference: allP, measured: allY) : []
        let keep = allArchs.indices.filter { !flagged.contains($0) }
        let archs = keep.map { allArchs[$0] }, y = keep.map { allY[$0] }, p = keep.map { allP[$0] }
        let ctx = FeatureContext(space: space)
        let hasDataPaths = archs.first.flatMap { space.dataPathDecisions($0) } != nil
        var candidates: [Candidate] = []
        func linear(_ features: AdaptedLinearHead.FeatureSet, log: Bool, lambda: Double, _ m: AdaptationMethod) {
            let rows = archs.indices.map { ctx.row(archs[$0], proxy: p[$0], logSpace: log, features: features) }
            let name = m == .affine ? "affine log" : "residual \(features.rawValue) \(log ? "log" : "ms") λ=\(lambda)"
            candidates.append(Candidate(variant: name, method: m) { (idx: [Int]) throws(NASError) -> AdaptedModel in
                .linear(try AdaptedLinearHead.fit(rows: idx.map { rows[$0] }, target: idx.map { y[$0] },
                                                  logSpace: log, features: features, lambda: lambda))
            })
        }
        if method == .affine || method == .auto { linear(.proxyOnly, log: true, lambda: 0, .affine) }
        if method == .residual || method == .auto {
            for lam in [0.3, 3.0, 30.0] { linear(.counts, log: false, lambda: lam, .residual) }
            for lam in [0.3, 3.0] { linear(.counts, log: true, lambda: lam, .residual) }
            for lam in [3.0, 30.0] { linear(.countsOneHot, log: false, lambda: lam, .residual) }
            // Counts of the operations that run (dead NB201 edges as `none`): the Eagle devices'
            // runtimes prune dead operations, and 5 such counts rank them better than any proxy.
            if hasDataPaths {
                for lam in [0.3, 3.0] { linear(.liveCounts, log: false, lambda: lam, .residual) }
                linear(.countsLiveCounts, log: false, lambda: 3, .residual)
            }
        }
        if method == .pool && pool.isEmpty {
            throw NASError(.invalidParams, "method pool needs other devices' models; none are available for this space", field: "method")
        }
        // Pool candidates: member 0 is the proxy, then the pool.
        var memberValues: [[Double]] = [p]
        if method == .pool || method == .auto {
            for m in pool { memberValues.append(try m.predict(archs)) }
        }
        func pooled(_ name: String, features: AdaptedLinearHead.FeatureSet, log: Bool, lambda: Double,
                    blend: @escaping ([Int]) -> PoolBlend) {
            candidates.append(Candidate(variant: name, method: .pool) { (idx: [Int]) throws(NASError) -> AdaptedModel in
                let b = blend(idx)
                let rows = idx.map { i in ctx.row(archs[i], proxy: b.value { memberValues[$0][i] }, logSpace: log, features: features) }
                return .pooled(b, try AdaptedLinearHead.fit(rows: rows, target: idx.map { y[$0] }, logSpace: log,
                                                            features: features, lambda: lambda))
            })
        }
        if memberValues.count > 1 {
            let bestMember = { (idx: [Int]) -> PoolBlend in
                let t = idx.map { y[$0] }
                var best = (member: 0, srcc: -2.0)
                for (m, v) in memberValues.enumerated() {
                    let s = RankCorrelation.spearman(idx.map { v[$0] }, t)
                    if s.isFinite && s > best.srcc + 1e-12 { best = (m, s) }
                }
                return PoolBlend(members: [best.member], weights: [1], intercept: 0)
            }
            let blendAll = { (idx: [Int]) -> PoolBlend in PoolBlend.fit(memberValues, y: y, rows: idx) }
            let ridgeAll = { (idx: [Int]) -> PoolBlend in PoolBlend.fitRidge(memberValues, y: y, rows: idx, lambda: 1) }
            pooled("pool best affine log", features: .proxyOnly, log: true, lambda: 0, blend: bestMember)
            pooled("pool nnls ms", features: .proxyOnly, log: false, lambda: 0, blend: blendAll)
            pooled("pool nnls + residual counts ms λ=3.0", features: .counts, log: false, lambda: 3, blend: blendAll)
            // Per-option corrections on top of the blend: for targets whose per-op costs differ
            // from every pool device (rice_edgegpu), the blend is the prior the one-hot ridge shrinks to.
            for lam in [3.0, 30.0] {
                pooled("pool nnls + residual counts+one-hot ms λ=\(lam)", features: .countsOneHot, log: false, lambda: lam, blend: blendAll)
            }
            pooled("pool ridge ms", features: .proxyOnly, log: false, lambda: 0, blend: ridgeAll)
            pooled("pool ridge + residual counts+one-hot ms λ=3.0", features: .countsOneHot, log: false, lambda: 3, blend: ridgeAll)
            if hasDataPaths {
                pooled("pool nnls + residual live-counts ms λ=3.0", features: .liveCounts, log: false, lambda: 3, blend: blendAll)
            }
        }
        if let base = proxy.network, method == .finetune || method == .auto {
            let x = ActiveOneHot(space: space).encode(archs, space: space)
            candidates.append(Candidate(variant: "finetune mlp", method: .finetune) { (idx: [Int]) throws(NASError) -> AdaptedModel in
                let cfg = MLPTrainingConfig.fineTuning(samples: idx.count, seed: seed)
                let (r, _) = try NeuralRegressor.train(x: x.selectingRows(idx), y: idx.map { y[$0] }, validation: nil,
                                                       transform: base.transform, config: cfg, initial: base, control: control)
                return .network(r)
            })
        }
        // Cross-validate every candidate on the same folds.
        let folds = foldAssignment(count: archs.count, folds: min(5, archs.count), seed: seed)
        var scored: [(variant: String, cvSRCC: Double)] = []
        var oofs: [[Double]] = []
        var bestIndex = 0
        for (ci, c) in candidates.enumerated() {
            try control.checkCancelled()
            var oof = [Double](repeating: 0, count: archs.count)
            for f in 0..<folds.count {
                let test = folds[f]
                let train = (0..<folds.count).filter { $0 != f }.flatMap { folds[$0] }
                let model = try c.fit(train)
                let values: [Double]
                if case .pooled(let b, _) = model {
                    values = test.map { i in b.value { memberValues[$0][i] } }
                } else {
                    values = test.map { p[$0] }
                }
                let pred = try predict(model, archs: test.map { archs[$0] }, proxyValues: values, ctx: ctx)
                for (k, i) in test.enumerated() { oof[i] = pred[k] }
            }
            let s = RankCorrelation.spearman(oof, y)
            scored.append((c.variant, s.isFinite ? s : -1))
            oofs.append(oof)
            // Prefer the earlier (simpler) candidate unless clearly better.
            if scored[ci].cvSRCC > scored[bestIndex].cvSRCC + 0.005 { bestIndex = ci }
            control.report(ProgressReport(step: ci + 1, total: candidates.count, message: "cross-validating adaptations",
                                          values: ["variant": .string(c.variant), "cvSRCC": .double(scored[ci].cvSRCC)]))
        }
        let chosen = candidates[bestIndex]
        func describe(_ c: Candidate, _ model: AdaptedModel) -> String {
            guard case .pooled(let b, _) = model else { return c.variant }
            let names = [proxy.name] + pool.map(\.name)
            return c.variant + ": " + zip(b.members, b.weights).map { "\(names[$0.0])×\(String(format: "%.3g", $0.1))" }.joined(separator: " + ")
        }
        var model: AdaptedModel, variant: String, cvSRCC: Double, oofChosen: [Double]
        var chosenMethod = chosen.method
        let single = method != .auto || candidates.count < 3
        if single {
            model = try chosen.fit(Array(0..<archs.count))
            variant = describe(chosen, model)
            cvSRCC = scored[bestIndex].cvSRCC
            oofChosen = oofs[bestIndex]
        } else {
            // The mean of the three best by cross-validation: one pick among near-ties on ~20
            // samples is mostly noise.
            let top = candidates.indices.sorted { scored[$0].cvSRCC > scored[$1].cvSRCC }.prefix(3)
            var members: [AdaptedModel] = [], names: [String] = []
            for i in top {
                let m = try candidates[i].fit(Array(0..<archs.count))
                members.append(m)
                names.append(describe(candidates[i], m))
            }
            model = .ensemble(members)
            variant = "mean of " + names.joined(separator: " | ")
            let meanOOF = y.indices.map { j in top.reduce(0.0) { $0 + oofs[$1][j] } / Double(top.count) }
            cvSRCC = RankCorrelation.spearman(meanOOF, y)
            oofChosen = meanOOF
        }
        // Never a ranking worse than the raw proxy's without saying so: `auto` falls back to the
        // proxy's affine map (the proxy's ranking, rescaled); an explicit method warns.
        var warnings: [String] = []
        let rawSRCC = RankCorrelation.spearman(p, y)
        if cvSRCC < rawSRCC, !(single && chosenMethod == .affine) {
            let numbers = "cross-validated SRCC \(FineTuner.format(cvSRCC)) < the raw proxy's \(FineTuner.format(rawSRCC)) on the samples"
            if method == .auto, let affine = candidates.firstIndex(where: { $0.method == .affine }) {
                warnings.append("auto's choice ranked worse than the raw proxy (\(numbers)); returned the proxy's affine map instead, which keeps its ranking")
                model = try candidates[affine].fit(Array(0..<archs.count))
                variant = candidates[affine].variant
                cvSRCC = scored[affine].cvSRCC
                oofChosen = oofs[affine]
                chosenMethod = .affine
            } else {
                warnings.append("method \(method.rawValue) ranks worse than the raw proxy (\(numbers)); method affine keeps the proxy's ranking")
            }
        }
        let predictor = AdaptedPredictor(proxy: proxy, target: targetName, method: chosenMethod,
                                         variant: variant, model: model, pool: pool)
        let outlierPredictions = try predictor.predict(flagged.map { allArchs[$0] })
        var result = AdaptationResult(
            predictor: predictor, srccBefore: rawSRCC, srccAfter: cvSRCC, evaluation: "crossValidated", candidates: scored,
            crossValidated: RegressionMetrics(predicted: oofChosen, actual: y),
            errorProfile: ErrorProfile(fewSamplesPredicted: oofChosen, actual: y),
            outliers: zip(flagged, outlierPredictions).map {
                SampleOutlier(index: $0.0, arch: allArchs[$0.0], measured: allY[$0.0], predicted: $0.1)
            },
            warnings: warnings)
        if let evalSamples, evalSamples.count >= 2 {
            let ea = evalSamples.map { space.canonical($0.arch) }
            let ey = evalSamples.map(\.latencyMs)
            result.srccBefore = RankCorrelation.spearman(try proxy.predict(ea), ey)
            result.srccAfter = RankCorrelation.spearman(try predictor.predict(ea), ey)
            result.evaluation = "evalSamples"
            if result.srccAfter < result.srccBefore {
                result.warnings.append("on evalSamples the adapted predictor ranks worse than the raw proxy (SRCC \(FineTuner.format(result.srccAfter)) < \(FineTuner.format(result.srccBefore)))")
            }
        }
        return result
    }

    /// The baseline adaptation must beat: among `proxies`, the one whose raw latencies rank the
    /// k samples best (SRCC), affine-fitted in log space to the samples.
    public static func bestProxyAffine(proxies: [ProxyLatencyModel], samples: [LatencySample]) throws(NASError)
        -> (proxy: ProxyLatencyModel, sampleSRCC: Double, map: AffineLogMap) {
        guard !proxies.isEmpty else { throw NASError(.invalidParams, "no candidate proxies", field: "proxies") }
        guard samples.count >= 2 else {
            throw NASError(.insufficientSamples, "need at least 2 target samples, got \(samples.count)", field: "target.samples")
        }
        let y = samples.map(\.latencyMs)
        var best: (ProxyLatencyModel, Double, [Double])?
        for pr in proxies {
            let v = try pr.predict(samples.map(\.arch))
            let s = RankCorrelation.spearman(v, y)
            if best == nil || s > best!.1 { best = (pr, s, v) }
        }
        return (best!.0, best!.1, AffineLogMap.fit(source: best!.2, target: y))
    }

    /// Predictions of a fitted model; `proxyValues` are the proxy's values for a linear head, the
    /// blended values for a pooled one, and unused by a network.
    static func predict(_ model: AdaptedModel, archs: [Architecture], proxyValues: [Double], ctx: FeatureContext) throws(NASError) -> [Double] {
        switch model {
        case .network(let r):
            return r.predict(ctx.onehot.encode(archs, space: ctx.space))
        case .linear(let head), .pooled(_, let head):
            return archs.indices.map { head.predict(row: ctx.row(archs[$0], proxy: proxyValues[$0], head: head)) }
        case .ensemble:
            throw NASError(.internal, "an ensemble is predicted through AdaptedPredictor.predict")
        }
    }

    /// `count` indices split into `folds` seeded, near-equal groups.
    static func foldAssignment(count: Int, folds: Int, seed: UInt64) -> [[Int]] {
        var order = Array(0..<count)
        var rng = SeededGenerator(seed: seed ^ 0x5EED_F01D)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(i + 1)) }
        var out = [[Int]](repeating: [], count: max(folds, 1))
        for (k, i) in order.enumerated() { out[k % out.count].append(i) }
        return out
    }
}
