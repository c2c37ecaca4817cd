import NASCore
import NASNeural
import NASSpaces

extension ProxyAdaptation {
    /// The candidate adaptations `method` allows, in cross-validation order (simplest first),
    /// and the member values pooled candidates blend (column 0: the proxy's values `p`, then
    /// each `pool` model's).
    static func makeCandidates(proxy: ProxyLatencyModel, archs: [Architecture], y: [Double], p: [Double],
                               ctx: FeatureContext, method: AdaptationMethod, pool: [ProxyLatencyModel],
                               seed: UInt64, control: JobControl) throws(NASError) -> (candidates: [Candidate], memberValues: [[Double]]) {
        let space = proxy.space
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
        return (candidates, memberValues)
    }
}
