import NASCore
import NASData
import NASNeural
import NASSpaces

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
    /// besides the proxy.
    public static func adapt(proxy: ProxyLatencyModel, targetName: String, samples: [LatencySample],
                             method: AdaptationMethod = .auto, pool: [ProxyLatencyModel] = [],
                             evalSamples: [LatencySample]? = nil,
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
        let archs = samples.map { space.canonical($0.arch) }
        let y = samples.map(\.latencyMs)
        let p = try proxy.predict(archs)
        let ctx = FeatureContext(space: space)
        let (candidates, memberValues) = try makeCandidates(proxy: proxy, archs: archs, y: y, p: p, ctx: ctx, method: method,
                                                            pool: pool, seed: seed, control: control)
        let (scored, oofs, bestIndex) = try crossValidate(candidates, archs: archs, y: y, p: p, memberValues: memberValues,
                                                          ctx: ctx, seed: seed, control: control)
        let chosen = candidates[bestIndex]
        func describe(_ c: Candidate, _ model: AdaptedModel) -> String {
            guard case .pooled(let b, _) = model else { return c.variant }
            let names = [proxy.name] + pool.map(\.name)
            return c.variant + ": " + zip(b.members, b.weights).map { "\(names[$0.0])×\(String(format: "%.3g", $0.1))" }.joined(separator: " + ")
        }
        let model: AdaptedModel, variant: String, cvSRCC: Double
        if method != .auto || candidates.count < 3 {
            model = try chosen.fit(Array(0..<samples.count))
            variant = describe(chosen, model)
            cvSRCC = scored[bestIndex].cvSRCC
        } else {
            // The mean of the three best by cross-validation: one pick among near-ties on ~20
            // samples is mostly noise.
            let top = candidates.indices.sorted { scored[$0].cvSRCC > scored[$1].cvSRCC }.prefix(3)
            var members: [AdaptedModel] = [], names: [String] = []
            for i in top {
                let m = try candidates[i].fit(Array(0..<samples.count))
                members.append(m)
                names.append(describe(candidates[i], m))
            }
            model = .ensemble(members)
            variant = "mean of " + names.joined(separator: " | ")
            let meanOOF = y.indices.map { j in top.reduce(0.0) { $0 + oofs[$1][j] } / Double(top.count) }
            cvSRCC = RankCorrelation.spearman(meanOOF, y)
        }
        let predictor = AdaptedPredictor(proxy: proxy, target: targetName, method: chosen.method,
                                         variant: variant, model: model, pool: pool)
        if let evalSamples, evalSamples.count >= 2 {
            let ea = evalSamples.map { space.canonical($0.arch) }
            let ey = evalSamples.map(\.latencyMs)
            let before = RankCorrelation.spearman(try proxy.predict(ea), ey)
            let after = RankCorrelation.spearman(try predictor.predict(ea), ey)
            return AdaptationResult(predictor: predictor, srccBefore: before, srccAfter: after,
                                    evaluation: "evalSamples", candidates: scored)
        }
        return AdaptationResult(predictor: predictor, srccBefore: RankCorrelation.spearman(p, y),
                                srccAfter: cvSRCC, evaluation: "crossValidated", candidates: scored)
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
}
