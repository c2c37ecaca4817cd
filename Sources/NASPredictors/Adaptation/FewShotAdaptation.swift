import NASCore
import NASSpaces

/// The one recommended few-shot path (`adapt`, issue 19): every adaptation family the daemon
/// has, run on the same samples, and the one whose whole procedure ranks held-out samples best
/// under an outer cross-validation returned.
///
/// Families: `finetune` (`FineTuner` `auto` on the base: log-affine map, + MLP fine-tuning or a
/// LUT on the residual), `blend` (the same on the non-negative blend of the base and the pool,
/// what `finetune` with `blendWith` does), `proxy` (`ProxyAdaptation` `auto` with the pool, what
/// `adaptProxy` does), `mean` (the mean of blend's and proxy's milliseconds; of every other
/// family's without a pool), `mix` (`PoolMixture`) and the means `proxy+mix` and
/// `blend+proxy+mix`; or, asked for `stack`, no choice: the families' weighted mean with weights
/// fitted on their out-of-fold predictions (`FamilyStack`). Each family is refitted
/// from scratch inside every outer fold (its own inner choices included), so the scores compare
/// procedures, not fits; the winner is then fitted on all samples.
public enum FewShotAdaptation {
    /// A candidate family.
    public enum Family: String, Sendable, CaseIterable {
        case finetune, blend, proxy, mean
        /// `PoolMixture`: every pool member (the base included) log-affinely mapped onto the
        /// samples, mixed with weights from its leave-one-out fit. Fitted for the two means below;
        /// a candidate of its own only when asked for.
        case mix
        /// The mean of `proxy`'s and `mix`'s milliseconds.
        case proxyMix = "proxy+mix"
        /// The mean of `blend`'s, `proxy`'s and `mix`'s milliseconds.
        case blendProxyMix = "blend+proxy+mix"
        /// Not a candidate but a combination (`FamilyStack`): the single families given besides it
        /// (`blend`, `proxy`, `mix` when none is), their milliseconds averaged with non-negative
        /// weights fitted on their outer out-of-fold predictions; returned whatever the scores.
        case stack

        /// The single families `stack` combines when no other is given.
        public static let stackDefault: [Family] = [.blend, .proxy, .mix]

        /// The fitted families a mean averages (nil for a family fitted on its own).
        var meanOf: [Family]? {
            switch self {
            case .proxyMix: [.proxy, .mix]
            case .blendProxyMix: [.blend, .proxy, .mix]
            default: nil
            }
        }
    }

    /// The families `adapt` runs when not told (besides `finetune` where it applies): `blend`,
    /// `proxy`, `mean`. `mix` and its means are opt-in: with them as candidates (`families`
    /// blend, proxy, mean, proxy+mix, blend+proxy+mix) the pool's own NB201 devices as targets
    /// gain +0.0007 ± 0.0003 (k = 10) and +0.0003 ± 0.0002 (k = 20) without a mean preference,
    /// +0.0018 / +0.0010 with `meanPreference` 0.01, but the test devices of HELP's split
    /// do not follow at k = 20 (−0.0005 ± 0.0004 with 0.01, 30 draws: eyeriss, far from every pool
    /// member, then takes a mean where `proxy` alone is best); `Benchmarks/results/fewshot.md`.
    /// `stack` instead of a choice (`families` [stack]): NB201 test devices 0.9363 / 0.9640 /
    /// 0.9692 at k = 5 / 10 / 20 against this default's 0.9368 / 0.9613 / 0.9684 (30 draws, pool
    /// models with the live-path copy), but FBNet 0.9460 / 0.9692 / 0.9755 against 0.9427 /
    /// 0.9714 / 0.9761, so not the default.
    public static let defaultFamilies: [Family] = [.finetune, .blend, .proxy, .mean]

    /// What `adapt` chose and why.
    public struct Outcome: Sendable {
        /// The returned predictor (saved under the request's id).
        public var predictor: TrainedPredictor
        /// The family chosen.
        public var family: Family
        /// The base used (given, or chosen from the pool by the samples).
        public var base: String
        /// The pool members offered besides the base, in order.
        public var pool: [String]
        /// Each family with its outer cross-validated SRCC (nil when too few samples to score).
        public var scores: [(family: Family, cvSRCC: Double?)]
        /// Blended members and weights of the chosen model (empty when it does not blend).
        public var weights: [(member: String, weight: Double)]
        /// The chosen family's own variant (e.g. `pool: mean of …`, `affine+lut`).
        public var variant: String
        /// Every family's final fit (benchmarks compare them; the chosen one is `predictor`).
        public var fits: [Family: TrainedPredictor]
        /// Every scored family's outer out-of-fold predictions, aligned with `measured`: the mean
        /// over the repeats of the outer cross-validation (each still from fits without that sample).
        public var outOfFold: [Family: [Double]]
        /// The same per repeat (fold assignment) of the outer cross-validation.
        public var outOfFoldRepeats: [[Family: [Double]]]
        /// The samples' latencies the scores were computed against.
        public var measured: [Double]
        /// SRCC of the base's own latencies under the same outer cross-validation (the base chosen
        /// from each fold's training samples when none was given; nil when nothing was scored).
        public var baseCrossValidatedSRCC: Double? = nil
    }

    /// Adapts to the target `targetName` from `samples` (k ≥ 3).
    ///
    /// `base`: the predictor to start from; nil = the pool member closest to the samples
    /// (`SampleSuggester.closestMember`: the jackknife minimum of the log-latency Pearson, as
    /// `suggestSamples`' `bestProxy`; the first on ties), which then leaves the pool (inside the outer
    /// cross-validation it is chosen from each fold's training samples, so the choice is scored too). `pool`: other devices'
    /// models (never the target). `families`: the candidates (default all but `finetune` when
    /// there is a pool and the base has no network; `blend` and `mean` need a pool, resp. two others). With fewer than 5 samples nothing is scored and `proxy`
    /// (else the first family given) is returned. `spareFastDeadPaths` (default true): every
    /// family's outlier screen never flags a sample with a dead operation for being faster than
    /// the reference says (`OutlierScreen.fastDeadPathsSpared`): TFLite runtimes prune dead
    /// operations, so such a sample is real, and the pool cannot tell which kind the target is
    /// (`finetune` and `adaptProxy` keep the plain screen). Bench (`hwnas-bench fewshot`, NB201
    /// raspi4, 30 draws of seeds 10–39): held-out SRCC +0.008 ± 0.008 at k = 10, +0.0008 ± 0.0005
    /// at k = 20; no other test device changes. The base rule was the samples' Spearman before:
    /// the closest member gains +0.0018 ± 0.0009 (k = 10) and +0.0007 ± 0.0003 (k = 20) on the
    /// pool's own 11 NB201 devices as targets (`fewshot --validate`, 10 draws; test devices unused).
    /// `meanPreference` (default 0): a single family is chosen over the best-scoring mean family
    /// (`mean`, `proxy+mix`, `blend+proxy+mix`) only when its cross-validated SRCC is higher by
    /// more than this; see `defaultFamilies` for what 0.01 measured.
    public static func adapt(base: TrainedPredictor?, pool: [ProxyLatencyModel], samples given: [LatencySample],
                             targetName: String, id: String, families: [Family]? = nil,
                             seed: UInt64 = 0, cvRepeats: Int = defaultCVRepeats, meanPreference: Double = 0,
                             spareFastDeadPaths: Bool = true, control: JobControl = .none) throws(NASError) -> Outcome {
        guard given.count >= 3 else {
            throw NASError(.insufficientSamples, "adaptation needs at least 3 target samples, got \(given.count)", field: "target.samples")
        }
        guard base != nil || !pool.isEmpty else {
            throw NASError(.invalidParams, "give a base, or a pool to choose it from", field: "base")
        }
        let fullPool = pool
        /// The base and the rest of the pool for `s`: the given base, else the pool member closest
        /// to `s` (chosen again inside every fold, from that fold's samples only).
        func resolve(_ s: [LatencySample]) throws(NASError) -> (base: TrainedPredictor, pool: [ProxyLatencyModel]) {
            if let base { return (base, fullPool) }
            let i = try SampleSuggester.closestMember(fullPool, samples: s)
            var rest = fullPool
            rest.remove(at: i)
            return (try fullPool[i].asPredictor(), rest)
        }
        let (resolvedBase, pool) = try resolve(given)
        let space = try SpaceRegistry.space(resolvedBase.spaceID)
        let samples = try PredictorTrainer.validated(given, space: space)
        // Default families: all, except `finetune` when there is a pool and the base has no
        // network to fine-tune: it is then an affine map (+ a LUT) of one device, which `blend`
        // contains, and choosing it on a handful of samples mostly picks noise (bench: NB201
        // mean SRCC at k = 5 0.922 with it, 0.938 without).
        let wanted = families ?? defaultFamilies.filter {
            $0 != .finetune || pool.isEmpty || FineTuner.hasNetwork(resolvedBase.model)
        }
        // Canonical order (the tie-break): finetune, blend, proxy, mean, mix, proxy+mix, blend+proxy+mix.
        var fams = Family.allCases.filter { wanted.contains($0) && ($0 != .blend || !pool.isEmpty) }
        // `stack` combines the single families given (its default ones when none is).
        let stacking = fams.contains(.stack)
        if stacking && !fams.contains(where: { $0 != .stack && $0 != .mean && $0.meanOf == nil }) {
            fams = Family.allCases.filter { (fams.contains($0) || Family.stackDefault.contains($0)) && ($0 != .blend || !pool.isEmpty) }
        }
        // The families the candidates need fitted (a mean's members included); `mix` needs a pool.
        var parts = fams.filter { $0 != .mean && $0 != .stack && $0.meanOf == nil }
        for f in fams { for m in f.meanOf ?? [] where !parts.contains(m) { parts.append(m) } }
        parts = Family.allCases.filter { parts.contains($0) && ($0 != .blend || !pool.isEmpty) }
        if parts.contains(.mix) && pool.isEmpty {
            parts.removeAll { $0 == .mix }
            fams.removeAll { $0 == .mix || $0.meanOf != nil }
        }
        fams.removeAll { f in f.meanOf.map { !$0.allSatisfy(parts.contains) } ?? false }
        let fittedAlone = parts.filter { $0 != .mix }
        if fittedAlone.count < 2 { fams.removeAll { $0 == .mean } }
        if parts.count < 2 { fams.removeAll { $0 == .stack } }
        // `mean` averages the pool families (blend, proxy) when both run: the single-base
        // finetune family mostly repeats the base's ranking, which both already hold.
        let pooled = fittedAlone.filter { $0 == .blend || $0 == .proxy }
        let meanMembers = pooled.count == 2 ? pooled : fittedAlone
        func members(_ f: Family) -> [Family]? { f == .mean ? meanMembers : f.meanOf }
        guard !fams.isEmpty else { throw NASError(.invalidParams, "no adaptation family to run", field: "families") }

        // The families' own progress stays inside: `adapt` reports its outer folds (one counter).
        let inner = control.muted()
        /// Family `f` on `s`, with `r` = `resolve(s)` (resolved once per sample set for every family).
        func fit(_ f: Family, _ s: [LatencySample], _ r: (base: TrainedPredictor, pool: [ProxyLatencyModel])) throws(NASError) -> Fit {
            try fitFamily(f, base: r.base, pool: r.pool, samples: s, targetName: targetName, id: id, seed: seed,
                          spareFastDeadPaths: spareFastDeadPaths, control: inner)
        }
        // Outer cross-validation of every family's whole procedure, repeated over `cvRepeats`
        // fold assignments (leave-one-out below 10 samples has only one) and each sample's
        // out-of-fold predictions averaged over the repeats before scoring: one 5-fold split of
        // ~10 samples is a noisy judge (bench: NB201 k = 10 mean SRCC 0.957 with one split,
        // 0.959 with 3; FBNet 0.964 → 0.967).
        var repeats: [[Family: [Double]]] = []
        var oof: [Family: [Double]] = [:]
        // The base's own latencies under the same folds (the base chosen afresh from each fold's
        // training samples when none is given): what the families must beat to be worth their fit.
        var baseRepeats: [[Double]] = []
        let y = samples.map(\.latencyMs)
        let scored = samples.count >= 5
        if scored {
            let nFolds = min(5, samples.count)
            let nRepeats = samples.count <= nFolds ? 1 : max(cvRepeats, 1)
            for r in 0..<nRepeats {
                var one: [Family: [Double]] = [:]
                var baseOne = [Double](repeating: 0, count: samples.count)
                let folds = ProxyAdaptation.foldAssignment(count: samples.count, folds: nFolds,
                                                           seed: (seed ^ 0xADA7) &+ UInt64(r) &* 0x9E37)
                for f in parts { one[f] = [Double](repeating: 0, count: samples.count) }
                for (fi, test) in folds.enumerated() {
                    try control.checkCancelled()
                    let inTest = Set(test)
                    let train = samples.indices.filter { !inTest.contains($0) }.map { samples[$0] }
                    let testArchs = test.map { samples[$0].arch }
                    let resolved = try resolve(train)
                    let b = try resolved.base.predict(archs: testArchs)
                    for (k, i) in test.enumerated() { baseOne[i] = b[k] }
                    for f in parts {
                        let p = try fit(f, train, resolved).predictor.predict(archs: testArchs)
                        for (k, i) in test.enumerated() { one[f]![i] = p[k] }
                    }
                    control.report(ProgressReport(step: r * nFolds + fi + 1, total: nRepeats * nFolds,
                                                  message: "cross-validating adaptation families"))
                }
                for f in fams {
                    guard let m = members(f) else { continue }
                    let cols = m.map { one[$0]! }
                    one[f] = y.indices.map { i in cols.reduce(0.0) { $0 + max($1[i], 1e-6) } / Double(cols.count) }
                }
                repeats.append(one)
                baseRepeats.append(baseOne)
            }
            for f in repeats[0].keys {
                oof[f] = y.indices.map { i in repeats.reduce(0.0) { $0 + $1[f]![i] } / Double(repeats.count) }
            }
        }
        // `stack`'s weights, from the averaged out-of-fold predictions (equal without a score).
        // Its own out-of-fold record stacks each sample's predictions with weights refitted
        // without that sample, so the score and the interval judge the weighting too.
        let stackWeights = !fams.contains(.stack) ? [] : scored
            ? FamilyStack.weights(parts.map { oof[$0]! }, measured: y)
            : [Double](repeating: 1 / Double(parts.count), count: parts.count)
        if !stackWeights.isEmpty && scored {
            let columns = parts.map { oof[$0]! }
            let without = y.indices.map { i in
                FamilyStack.weights(columns.map { c in c.indices.filter { $0 != i }.map { c[$0] } },
                                    measured: y.indices.filter { $0 != i }.map { y[$0] })
            }
            func stacked(_ d: [Family: [Double]]) -> [Double] {
                y.indices.map { i in zip(parts, without[i]).reduce(0.0) { $0 + $1.1 * d[$1.0]![i] } }
            }
            for r in repeats.indices { repeats[r][.stack] = stacked(repeats[r]) }
            oof[.stack] = stacked(oof)
        }
        var scores: [(family: Family, cvSRCC: Double?)] = []
        var best: (family: Family, srcc: Double)?
        var bestMean: (family: Family, srcc: Double)?
        for f in fams {
            let s = oof[f].map { RankCorrelation.spearman($0, y) }.map { $0.isFinite ? $0 : -1 }
            scores.append((f, s))
            if let s, best == nil || s > best!.srcc { best = (f, s) }
            if let s, members(f) != nil, bestMean == nil || s > bestMean!.srcc { bestMean = (f, s) }
        }
        // A single family wins only by more than `meanPreference` over the best mean.
        if let b = best, let m = bestMean, members(b.family) == nil, b.srcc - m.srcc <= meanPreference, meanPreference > 0 { best = m }
        let chosen = stacking && !stackWeights.isEmpty ? .stack : best?.family ?? (fams.contains(.proxy) ? .proxy : fams[0])
        // Final fits on all samples.
        var fits: [Family: Fit] = [:]
        let resolvedAll = try resolve(samples)
        for f in parts {
            var one = try fit(f, samples, resolvedAll)
            // A family's own warnings (its inner choice) name the family: the result may be a mean of several.
            one.predictor.metrics.warnings = one.predictor.metrics.warnings.map { "\(f.rawValue) family: \($0)" }
            fits[f] = one
        }
        var result: Fit
        if chosen == .stack {
            result = stackFit(zip(parts, stackWeights).map { (fits[$0.0]!, $0.0, $0.1) }, id: id, targetName: targetName)
        } else if let m = members(chosen) {
            result = meanFit(m.map { fits[$0]! }, id: id, targetName: targetName)
            result.predictor.metrics.variant = chosen == .mean ? "mean" : "mean of \(m.map(\.rawValue).joined(separator: ", "))"
        } else {
            result = fits[chosen]!
        }
        // The base's own latencies under the same folds. Not a warning: when the chosen family
        // scores below them (21 of 150 draws of HELP's test devices at k = 20, `fewshot --wide-pool
        // --dump`), it still ranks the held-out cells as well or better in 16 of the 21.
        let baseCV: Double? = baseRepeats.isEmpty ? nil : {
            let m = y.indices.map { i in baseRepeats.reduce(0.0) { $0 + $1[i] } / Double(baseRepeats.count) }
            let s = RankCorrelation.spearman(m, y)
            return s.isFinite ? s : nil
        }()
        // The outer out-of-fold predictions are the honest record of the chosen procedure.
        var notes = result.predictor.notes
        notes["source"] = "adapt"
        notes["family"] = chosen.rawValue
        notes["base"] = resolvedBase.id
        // They also give its interval: their residual summary (replacing the chosen family's
        // own, which judged only its inner fits), calibrated by the table shipped for `adapt`.
        if let o = oof[chosen] {
            result.predictor.metrics.crossValidated = RegressionMetrics(predicted: o, actual: y)
            let residuals = FewSampleResiduals(predicted: o, actual: y, positions: try result.predictor.predict(archs: samples.map(\.arch)))
            notes[FewSampleResiduals.notesKey] = residuals?.encoded
            if let r = residuals {
                notes[ErrorProfile.notesKey] = r.profile(space: space.id, kind: Self.intervalKind).encoded
            } else if let profile = ErrorProfile(fewSamplesPredicted: o, actual: y) {
                notes[ErrorProfile.notesKey] = profile.encoded
            }
        }
        result.predictor.notes = notes
        let chosenPredictor = result.predictor
        let references = fullPool + (base.map { [ProxyLatencyModel.predictor($0, space: space)] } ?? [])
        result.predictor.metrics.warnings += SampleChecks.warnings(samples, space: space, references: references)
        if let w = ImplausiblyFastCells.warning(space: space, samples: samples, predict: { (a: [Architecture]) throws(NASError) in
            try chosenPredictor.predict(archs: a)
        }) {
            result.predictor.metrics.warnings.append(w)
        }
        result.predictor.id = id
        result.predictor.device = targetName
        return Outcome(predictor: result.predictor, family: chosen, base: resolvedBase.id, pool: pool.map(\.name),
                       scores: scores, weights: result.weights, variant: result.variant,
                       fits: fits.mapValues(\.predictor), outOfFold: oof, outOfFoldRepeats: repeats, measured: y,
                       baseCrossValidatedSRCC: baseCV)
    }

    /// The kind `adapt`'s interval tables are shipped under (`FewSampleIntervalTable.shipped`).
    public static let intervalKind = "adapt"

    /// How many fold assignments `adapt`'s outer cross-validation averages by default.
    public static let defaultCVRepeats = 3

    /// One family's fit.
    public struct Fit: Sendable {
        /// The fitted predictor.
        public var predictor: TrainedPredictor
        /// Blended members and weights (empty when it does not blend).
        public var weights: [(member: String, weight: Double)]
        /// The family's own description of what it chose.
        public var variant: String
    }

    /// Fits one family (not `mean`) on `samples`. `proxy` skips `adaptProxy`'s `moreSamples`
    /// learning curve, which a `Fit` does not carry (the same predictor, in about half the time).
    public static func fitFamily(_ family: Family, base: TrainedPredictor, pool: [ProxyLatencyModel], samples: [LatencySample],
                                 targetName: String, id: String, seed: UInt64, spareFastDeadPaths: Bool = false,
                                 control: JobControl) throws(NASError) -> Fit {
        let space = try SpaceRegistry.space(base.spaceID)
        switch family {
        case .finetune:
            var request = FineTuneRequest(base: base, samples: samples, seed: seed, device: targetName, id: id)
            request.spareFastDeadPaths = spareFastDeadPaths
            let p = try FineTuner.fineTune(request, control: control)
            return Fit(predictor: p, weights: [], variant: p.metrics.variant)
        case .blend:
            var bases = [base]
            for m in pool { bases.append(try m.asPredictor()) }
            let (blended, weights) = try FineTuner.blendedBaseWithWeights(bases, samples: samples, id: base.id,
                                                                          spareFastDeadPaths: spareFastDeadPaths)
            var request = FineTuneRequest(base: blended, samples: samples, seed: seed, device: targetName, id: id)
            request.spareFastDeadPaths = spareFastDeadPaths
            let p = try FineTuner.fineTune(request, control: control)
            return Fit(predictor: p, weights: weights, variant: "blend + \(p.metrics.variant)")
        case .proxy:
            let r = try ProxyAdaptation.adapt(proxy: .predictor(base, space: space), targetName: targetName, samples: samples,
                                              method: .auto, pool: pool, spareFastDeadPaths: spareFastDeadPaths,
                                              estimateMoreSamples: false, checkPlausibility: false, seed: seed, control: control)
            let p = try TrainedPredictor(adapted: r.predictor, base: base, id: id, sampleCount: samples.count, result: r)
            return Fit(predictor: p, weights: r.predictor.blendWeights,
                       variant: "\(r.predictor.method.rawValue): \(r.predictor.variant)")
        case .mean, .proxyMix, .blendProxyMix, .stack:
            throw NASError(.invalidParams, "\(family.rawValue) is not fitted on its own", field: "families")
        case .mix:
            var members = [ProxyLatencyModel.predictor(base, space: space)]
            members += pool
            let (model, weights) = try PoolMixture.fit(members, samples: samples, deviceNames: [base.device ?? base.id] + pool.map(\.name))
            let p = TrainedPredictor(id: id, spaceID: base.spaceID, device: targetName, model: model,
                                     metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: samples.count,
                                                               testCount: 0, variant: "mix"),
                                     notes: [:])
            return Fit(predictor: p, weights: weights, variant: "mix of \(weights.count) pool members")
        }
    }

    /// The weighted mean of the families' milliseconds as one fit (`stack`): a `blend` model of
    /// the families with non-zero weight, their members' blend weights averaged alike, their
    /// outliers and warnings kept.
    static func stackFit(_ parts: [(fit: Fit, family: Family, weight: Double)], id: String, targetName: String) -> Fit {
        let used = parts.filter { $0.weight > 0 }
        let total = used.reduce(0.0) { $0 + $1.weight }
        let first = used[0].fit.predictor
        var devices: [String: Double] = [:]
        var order: [String] = []
        for p in used {
            for (member, w) in p.fit.weights {
                if devices[member] == nil { order.append(member) }
                devices[member, default: 0] += w * p.weight / total
            }
        }
        let variant = "stack: " + used.map { "\($0.family.rawValue)×\(String(format: "%.3g", $0.weight))" }.joined(separator: " + ")
        var fit = Fit(predictor: TrainedPredictor(id: id, spaceID: first.spaceID, device: targetName, deviceSpec: first.deviceSpec,
                                                  model: .blend(used.map(\.fit.predictor.model), weights: used.map(\.weight), intercept: 0),
                                                  metrics: first.metrics, notes: [:]),
                      weights: order.map { ($0, devices[$0]!) }, variant: variant)
        fit.predictor.metrics.variant = variant
        fit.predictor.metrics.outliers = used.flatMap(\.fit.predictor.metrics.outliers)
        fit.predictor.metrics.warnings = used.flatMap(\.fit.predictor.metrics.warnings)
        return fit
    }

    /// The mean of `members`' milliseconds as one fit: a `blend` model with equal weights, the
    /// members' blend weights averaged, their outliers and warnings kept.
    static func meanFit(_ members: [Fit], id: String, targetName: String) -> Fit {
        let first = members[0].predictor
        var fit = Fit(predictor: TrainedPredictor(id: id, spaceID: first.spaceID, device: targetName, deviceSpec: first.deviceSpec,
                                                  model: .mean(members.map(\.predictor.model)), metrics: first.metrics, notes: [:]),
                      weights: ProxyEnsemble.averagedWeights(members.map(\.weights)),
                      variant: "mean of " + members.map(\.variant).joined(separator: " | "))
        fit.predictor.metrics.outliers = members.flatMap(\.predictor.metrics.outliers)
        fit.predictor.metrics.warnings = members.flatMap(\.predictor.metrics.warnings)
        return fit
    }
}

extension ProxyLatencyModel {
    /// This model as a per-device predictor (a pool member chosen as base, or blended as one);
    /// needs its latency model.
    public func asPredictor() throws(NASError) -> TrainedPredictor {
        guard let model else {
            throw NASError(.invalidParams, "pool member '\(name)' has no latency model to start from", field: "pool")
        }
        return TrainedPredictor(id: name, spaceID: space.id, device: name, model: model,
                                metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: 0, testCount: 0,
                                                          variant: model.kindName),
                                notes: ["source": "pool member"])
    }
}
