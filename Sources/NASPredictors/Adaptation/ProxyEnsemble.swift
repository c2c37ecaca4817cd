import NASCore

/// `adaptProxy` without a proxy (`hwnas new-device`'s adaptation): `ProxyAdaptation.adapt`
/// (method `auto`) with each of the `members` pool members closest to the samples
/// (`SampleSuggester.closestMembers`) as proxy and the rest of the pool as its pool, and the mean
/// of their milliseconds. One proxy elected by ~10 samples is a coin toss on devices unlike every
/// proxy; the mean of the 3 closest varies less (`hwnas-bench suggest`, NB201 k = 10: mean
/// held-out SRCC 0.965 → 0.967, devices worse than random by > 0.01: 3 → 0).
public enum ProxyEnsemble {
    /// Members averaged unless told (chosen by `hwnas-bench suggest`: 2 lost, 3 and 4 tied).
    public static let defaultMembers = 3
    /// The kind its fits' few-sample interval tables are shipped under (`FewSampleIntervalTable`).
    public static let intervalKind = "adaptProxyEnsemble"

    /// One member: its proxy and its adaptation.
    public struct Member: Sendable {
        /// The proxy (a pool member).
        public var proxy: ProxyLatencyModel
        /// `ProxyAdaptation.adapt` with it as proxy.
        public var result: AdaptationResult
        /// Its savable form (a part of the ensemble's model); nil when the proxy has no latency
        /// model (a measured-only proxy, as tests and simulations use).
        public var predictor: TrainedPredictor?
    }

    /// The ensemble and its own cross-validated record.
    public struct Result: Sendable {
        /// The savable predictor: `LatencyModel.blend` of the members' models, weights 1/n, with
        /// the metrics, residual summary and interval profile below; nil when a member's proxy
        /// has no latency model (the ensemble then predicts in memory only, `predict`).
        public var predictor: TrainedPredictor?
        /// `predictor`'s variant: `ensemble: mean of <proxy> (<its variant>) | …`.
        public var variant: String
        /// The members, closest proxy first.
        public var members: [Member]
        /// SRCC of the closest raw proxy with the target: on `evalSamples` when given, else out of fold
        /// on the samples (the closest proxy elected afresh from each fold's training samples; below
        /// 5 kept samples, on the samples).
        public var srccBefore: Double
        /// SRCC of the ensemble: on `evalSamples` when given, else of its out-of-fold predictions.
        public var srccAfter: Double
        /// `evalSamples` or `crossValidated`.
        public var evaluation: String
        /// The ensemble's out-of-fold metrics: each sample predicted by the mean of the members'
        /// out-of-fold predictions (fits without it), on the samples every member kept.
        public var crossValidated: RegressionMetrics?
        /// Samples some member left out as gross outliers, with the ensemble's prediction.
        public var outliers: [SampleOutlier]
        /// The members' warnings (prefixed with their proxy) and the ensemble's own.
        public var warnings: [String]
        /// What as many samples again would add: the ensemble's cross-validated SRCC plus the
        /// members' mean shrunk gain (their learning curves); `points` are the closest member's
        /// curve; nil when a member has none (below `LearningCurve.minimumSamples` kept samples).
        public var moreSamples: MoreSamplesEstimate?
        /// Blended devices and their weights (ms of the target per ms of the device), averaged
        /// over the members (a member's own proxy included).
        public var weights: [(member: String, weight: Double)]

        /// The ensemble's milliseconds, from the members' in-memory models (the same values as
        /// `predictor`, without revalidating or re-predicting cached proxies).
        public func predict(_ archs: [Architecture]) throws(NASError) -> [Double] {
            var sum = [Double](repeating: 0, count: archs.count)
            for m in members {
                let v = try m.result.predictor.predict(archs)
                for i in sum.indices { sum[i] += max(v[i], 1e-6) / Double(members.count) }
            }
            return sum
        }
    }

    /// Adapts the `members` pool members closest to `samples` (k ≥ 3) to the target and averages them.
    ///
    /// - Parameters:
    ///   - pool: other devices' models (never the target), each with a savable model; at least one.
    ///   - members: how many closest members to average (1 = `adaptProxy` `auto` with the
    ///     closest member); fewer when the pool is smaller.
    ///   - evalSamples: held-out target measurements for `srccBefore`/`srccAfter`.
    /// `predictionOnly`: only `Result.predict` will be used (`suggestSamples`' simulated devices):
    /// the members skip their learning curves and the ensemble its checks, warnings and metrics,
    /// the same predictions in less than half the time.
    public static func adapt(pool: [ProxyLatencyModel], samples: [LatencySample], members count: Int = defaultMembers,
                             targetName: String, id: String, evalSamples: [LatencySample]? = nil,
                             predictionOnly: Bool = false,
                             seed: UInt64 = 0, control: JobControl = .none) throws(NASError) -> Result {
        guard !pool.isEmpty else {
            throw NASError(.invalidParams, "no pool to choose proxies from: give a non-empty pool or a proxy", field: "pool")
        }
        guard count >= 1 else { throw NASError(.invalidParams, "proxies must be ≥ 1, got \(count)", field: "proxies") }
        guard samples.count >= 3 else {
            throw NASError(.insufficientSamples, "adaptation needs at least 3 target samples, got \(samples.count)", field: "target.samples")
        }
        let chosen = try SampleSuggester.closestMembers(pool, samples: samples, count: count)
        var members: [Member] = []
        for (step, i) in chosen.enumerated() {
            try control.checkCancelled()
            control.report(ProgressReport(step: step, total: chosen.count, message: "adapting proxy \(pool[i].name) (\(step + 1) of \(chosen.count))"))
            let proxy = pool[i]
            let r = try ProxyAdaptation.adapt(proxy: proxy, targetName: targetName, samples: samples,
                                              pool: pool.filter { $0.name != proxy.name }, evalSamples: evalSamples,
                                              estimateMoreSamples: !predictionOnly, checkPlausibility: false,
                                              seed: seed, control: control.muted())
            let p = try proxy.model == nil ? nil : TrainedPredictor(adapted: r.predictor, base: try proxy.asPredictor(), id: id,
                                                                    sampleCount: samples.count, result: r)
            members.append(Member(proxy: proxy, result: r, predictor: p))
        }
        let n = Double(members.count)
        let variant = "ensemble: mean of " + members.map {
            "\($0.proxy.name) (\($0.result.predictor.method.rawValue): \($0.result.predictor.variant))"
        }.joined(separator: " | ")
        let models = members.compactMap(\.predictor?.model)
        var predictor = models.count < members.count ? nil : TrainedPredictor(
            id: id, spaceID: pool[0].space.id, device: targetName,
            model: .mean(models),
            metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: samples.count, testCount: 0, variant: variant),
            notes: ["source": "adaptProxy", "method": "ensemble", "proxies": members.map(\.proxy.name).joined(separator: ",")])
        var result = Result(predictor: nil, variant: variant, members: members, srccBefore: members[0].result.srccBefore, srccAfter: .nan,
                            evaluation: "crossValidated", crossValidated: nil, outliers: [], warnings: [], moreSamples: nil,
                            weights: averagedWeights(members.map(\.result.predictor.blendWeights)))
        if predictionOnly { return result }
        // Out of fold: a sample every member kept is predicted by the mean of their out-of-fold predictions.
        var flagged = Set<Int>()
        var oofBySample: [[Double]] = Array(repeating: [], count: samples.count)
        for m in members {
            let dropped = Set(m.result.outliers.map(\.index))
            flagged.formUnion(dropped)
            let kept = samples.indices.filter { !dropped.contains($0) }
            guard kept.count == m.result.outOfFold.count else {
                throw NASError(.internal, "member \(m.proxy.name): \(m.result.outOfFold.count) out-of-fold predictions for \(kept.count) kept samples")
            }
            for (k, i) in kept.enumerated() { oofBySample[i].append(m.result.outOfFold[k]) }
        }
        let kept = samples.indices.filter { !flagged.contains($0) }
        let canonical = samples.map { pool[0].space.canonical($0.arch) }
        let y = kept.map { samples[$0].latencyMs }
        let oof = kept.map { i in oofBySample[i].reduce(0) { $0 + max($1, 1e-6) } / n }
        let space = pool[0].space.id
        let keptArchs = kept.map { canonical[$0] }, flaggedList = flagged.sorted()
        let positions = try result.predict(keptArchs), outlierPredictions = try result.predict(flaggedList.map { canonical[$0] })
        result.outliers = zip(flaggedList, outlierPredictions).map {
            SampleOutlier(index: $0.0, arch: canonical[$0.0], measured: samples[$0.0].latencyMs, predicted: $0.1)
        }
        result.warnings = members.flatMap { m in m.result.warnings.map { "proxy \(m.proxy.name): \($0)" } }
        let cvSRCC: Double
        if y.count >= 3 {
            result.crossValidated = RegressionMetrics(predicted: oof, actual: y)
            cvSRCC = RankCorrelation.spearman(oof, y)
        } else {
            cvSRCC = .nan
        }
        result.srccAfter = cvSRCC
        // Before, judged as after is: the closest member's own latencies out of fold, the member
        // elected afresh from each fold's training samples (its SRCC on the very samples that
        // elected it flatters it: against that, the warning below was wrong in 12 of the 14 of 60
        // NB201 draws where it fired, `Benchmarks/results/trust.md` section 6).
        if kept.count >= 5, (evalSamples?.count ?? 0) < 2 {
            let folds = ProxyAdaptation.foldAssignment(count: kept.count, folds: 5, seed: seed)
            var elected = [Double](repeating: 0, count: kept.count)
            for test in folds {
                let inTest = Set(test)
                let train = kept.indices.filter { !inTest.contains($0) }.map { samples[kept[$0]] }
                let v = try pool[SampleSuggester.closestMember(pool, samples: train)].predict(test.map { keptArchs[$0] })
                for (k, i) in test.enumerated() { elected[i] = v[k] }
            }
            let s = RankCorrelation.spearman(elected, y)
            if s.isFinite { result.srccBefore = s }
        }
        if let evalSamples, evalSamples.count >= 2 {
            result.srccAfter = RankCorrelation.spearman(try result.predict(evalSamples.map(\.arch)), evalSamples.map(\.latencyMs))
            result.evaluation = "evalSamples"
        }
        if result.srccAfter < result.srccBefore {
            result.warnings.append("the ensemble ranks worse than the closest raw proxy \(members[0].proxy.name) (SRCC \(FineTuner.format(result.srccAfter)) < \(FineTuner.format(result.srccBefore)) on \(result.evaluation == "evalSamples" ? "evalSamples" : "the samples, both cross-validated: the closest proxy elected afresh in every fold"))")
        }
        result.warnings += SampleChecks.warnings(samples, space: members[0].proxy.space, references: pool)
        if let w = ImplausiblyFastCells.warning(space: members[0].proxy.space, samples: samples, predict: result.predict) {
            result.warnings.append(w)
        }
        // moreSamples: the ensemble's own level, the members' mean (shrunk) gain.
        let curves = members.compactMap(\.result.moreSamples)
        if curves.count == members.count, cvSRCC.isFinite {
            let gain = curves.reduce(0) { $0 + $1.expectedSRCC - $1.currentSRCC } / n
            let curveGain = curves.reduce(0) { $0 + $1.curveSRCC - $1.currentSRCC } / n
            result.moreSamples = MoreSamplesEstimate(count: curves[0].count, expectedSRCC: min(1, cvSRCC + gain),
                                                     curveSRCC: min(1, cvSRCC + curveGain), currentSRCC: cvSRCC,
                                                     points: curves[0].points)
        }
        // The saved record: metrics, the ensemble's own residual summary and its calibrated interval profile.
        predictor?.metrics.trainCount = kept.count
        predictor?.metrics.crossValidated = result.crossValidated
        predictor?.metrics.outliers = result.outliers
        predictor?.metrics.warnings = result.warnings
        if let r = FewSampleResiduals(predicted: oof, actual: y, positions: positions) {
            predictor?.notes[FewSampleResiduals.notesKey] = r.encoded
            predictor?.notes[ErrorProfile.notesKey] = r.profile(space: space, kind: intervalKind).encoded
        }
        result.predictor = predictor
        return result
    }

    /// Several members' blend weights averaged over the members (a device blended by several
    /// adds up), sorted by device: the ensemble's and `adapt`'s `mean` family's.
    static func averagedWeights(_ lists: [[(member: String, weight: Double)]]) -> [(member: String, weight: Double)] {
        var sums: [String: Double] = [:]
        for list in lists {
            for w in list { sums[w.member, default: 0] += w.weight / Double(lists.count) }
        }
        return sums.sorted { $0.key < $1.key }.map { (member: $0.key, weight: $0.value) }
    }
}
