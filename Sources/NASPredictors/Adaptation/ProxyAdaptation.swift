import NASCore
import NASData
import NASNeural
import NASSpaces

/// OneProxy's proxy adaptation: a proxy device's predictor, adapted with a few target samples
/// so it ranks (and prices) the target's architectures.
public enum ProxyAdaptation {
    /// The kind its fits' few-sample interval tables are shipped under (`FewSampleIntervalTable`).
    public static let intervalKind = "adaptProxy"

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
    /// slightly optimistic: it also drove the choice; for a lone affine map, the proxy's own
    /// ranking of the samples, which the map keeps: `AffineRanking`).
    /// `pool`: other devices' models (never the target itself) that `pool` and `auto` may use
    /// besides the proxy. `screenOutliers` (default true) leaves gross outliers among the samples
    /// (`OutlierScreen` against the proxy) out of every fit and reports them; `spareFastDeadPaths`
    /// (default false; `adapt` sets it) never flags a fast sample with a dead operation
    /// (`OutlierScreen.fastDeadPathsSpared`). `estimateMoreSamples` (default true): compute
    /// `moreSamples` (the learning curve: the chosen candidates cross-validated again on subsets,
    /// about as much work as the fit itself); false leaves it nil and changes nothing else
    /// (`adapt`'s families, which never report it, pass false). `checkPlausibility` (default true):
    /// warn when the model prices cells with a data path far below every such sample
    /// (`ImplausiblyFastCells`), and the samples themselves against the proxy and the pool
    /// (`SampleChecks`: a unit slip, ties, repeats); `adapt` and the ensemble check their own
    /// result instead.
    public static func adapt(proxy: ProxyLatencyModel, targetName: String, samples: [LatencySample],
                             method: AdaptationMethod = .auto, pool: [ProxyLatencyModel] = [],
                             evalSamples: [LatencySample]? = nil, screenOutliers: Bool = true, spareFastDeadPaths: Bool = false,
                             estimateMoreSamples: Bool = true, checkPlausibility: Bool = true,
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
        let spared = spareFastDeadPaths ? OutlierScreen.fastDeadPathsSpared(allArchs, space: space) : []
        let flagged = screenOutliers ? OutlierScreen.grossOutliers(reference: allP, measured: allY, spared: spared) : []
        let keep = allArchs.indices.filter { !flagged.contains($0) }
        let archs = keep.map { allArchs[$0] }, y = keep.map { allY[$0] }, p = keep.map { allP[$0] }
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
        var model: AdaptedModel, variant: String, cvSRCC: Double, oofChosen: [Double]
        var chosenMethod = chosen.method
        var chosenCandidates = [chosen]
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
            chosenCandidates = top.map { candidates[$0] }
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
                chosenCandidates = [candidates[affine]]
            } else {
                warnings.append("method \(method.rawValue) ranks worse than the raw proxy (\(numbers)); method affine keeps the proxy's ranking")
            }
        }
        let predictor = AdaptedPredictor(proxy: proxy, target: targetName, method: chosenMethod,
                                         variant: variant, model: model, pool: pool)
        if checkPlausibility {
            warnings += SampleChecks.warnings(samples, space: space, references: [proxy] + pool)
            if let w = ImplausiblyFastCells.warning(space: space, samples: samples, predict: predictor.predict) { warnings.append(w) }
        }
        let outlierPredictions = try predictor.predict(flagged.map { allArchs[$0] })
        let positions = try predictor.predict(archs)
        let residuals = FewSampleResiduals(predicted: oofChosen, actual: y, positions: positions)
        var crossValidated = RegressionMetrics(predicted: oofChosen, actual: y)
        let affineMap = chosenMethod == .affine && chosenCandidates.count == 1
        if affineMap {
            // The proxy's ranking, which an affine map keeps (`AffineRanking`); the candidates
            // keep the pooled figure they were compared by.
            crossValidated = AffineRanking.metrics(crossValidated, model: positions, actual: y)
            cvSRCC = crossValidated.spearman
        }
        var result = AdaptationResult(
            predictor: predictor, srccBefore: rawSRCC, srccAfter: cvSRCC, evaluation: "crossValidated", candidates: scored,
            crossValidated: crossValidated,
            errorProfile: residuals.map { $0.profile(space: space.id, kind: intervalKind) },
            fewSampleResiduals: residuals,
            outliers: zip(flagged, outlierPredictions).map {
                SampleOutlier(index: $0.0, arch: allArchs[$0.0], measured: allY[$0.0], predicted: $0.1)
            },
            warnings: warnings)
        result.outOfFold = oofChosen
        if estimateMoreSamples {
            result.moreSamples = affineMap
                ? AffineRanking.moreSamples(srcc: cvSRCC, count: y.count)
                : try moreSamples(chosenCandidates, archs: archs, y: y, p: p, memberValues: memberValues,
                                  ctx: ctx, fullSRCC: cvSRCC, seed: seed, control: control)
        }
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
}
