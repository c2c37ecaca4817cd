import NASCore
import NASSpaces

/// The architectures to measure next on a new device, with why, and what ranking quality
/// adapting from them reached when each proxy in turn played the new device.
public struct SampleSuggestion: Sendable {
    /// The architectures to measure, in the order they were picked.
    public var archs: [Architecture]
    /// The criterion used.
    public var criterion: SampleCriterion
    /// One sentence: how they were chosen, from what.
    public var reason: String
    /// Mean held-out SRCC of `SampleSuggester.adaptFromPool` on the suggested architectures
    /// when each of a few proxies in turn is held out as the target (the others as pool); nil
    /// when not estimated.
    public var expectedSRCC: Double?
    /// The proxies held out for `expectedSRCC`, each with its SRCC.
    public var estimate: [(proxy: String, srcc: Double)] = []
    /// The proxies used, in order, with their weight in the distance (equal unless samples
    /// were measured: then proxies that match them poorly are left out).
    public var proxies: [(name: String, weight: Double)]
    /// With 3 or more measured samples: the proxy whose log-latencies correlate best with them
    /// (`closeness`), and its SRCC with them.
    public var bestProxy: (name: String, srcc: Double)?
}

/// `suggestSamples`'s domain logic: the proxies' latencies of the candidates, member weights
/// from samples already measured, the selection (`SampleSelection`), and the leave-one-proxy-out
/// estimate of the SRCC the default adaptation reaches from the picks.
public enum SampleSuggester {
    /// The criterion `suggestSamples` uses unless told (chosen by `hwnas-bench suggest`).
    public static let defaultCriterion: SampleCriterion = .stratified
    /// Proxies held out in turn for `expectedSRCC` (at most), and candidates it is scored on.
    public static let estimateProxies = 6
    static let estimateArchs = 2000

    /// Suggests `count` of `candidates` (canonical, distinct) to measure next.
    ///
    /// - Parameters:
    ///   - proxies: other devices' models (at least 1); their latencies place the candidates.
    ///   - measured: samples already measured on the new device: their architectures are never
    ///     suggested again and the picks keep away from them; with 3 or more, proxies that match
    ///     them poorly (`closeness` more than 0.1 below the best proxy's) are left out of the distance.
    ///   - estimate: compute `expectedSRCC` (up to 6 simulated devices × 3 adaptations: the ensemble `adaptFromPool` builds).
    public static func suggest(space: any SearchSpace, candidates: [Architecture], proxies: [ProxyLatencyModel],
                               count: Int, measured: [LatencySample] = [], criterion: SampleCriterion = defaultCriterion,
                               seed: UInt64 = 0, estimate: Bool = true,
                               control: JobControl = .none) throws(NASError) -> SampleSuggestion {
        guard !proxies.isEmpty else {
            throw NASError(.invalidParams, "no proxies: give fixture devices or predictor ids of \(space.id)", field: "proxies")
        }
        guard count >= 1 else { throw NASError(.invalidParams, "count must be ≥ 1, got \(count)", field: "count") }
        // Candidates plus the measured architectures (fixed points).
        var all = candidates
        var index: [Architecture: Int] = [:]
        for (i, a) in all.enumerated() { index[a] = i }
        var fixed: [Int] = []
        for s in measured {
            let a = space.canonical(s.arch)
            if let i = index[a] { fixed.append(i); continue }
            index[a] = all.count
            fixed.append(all.count)
            all.append(a)
        }
        guard all.count > fixed.count else {
            throw NASError(.invalidParams, "no candidate left to suggest: every candidate is measured or excluded", field: "count")
        }
        control.report(ProgressReport(step: 0, total: proxies.count, message: "predicting candidates with the proxies"))
        var logValues: [[Double]] = []
        for (m, proxy) in proxies.enumerated() {
            try control.checkCancelled()
            logValues.append(try proxy.predict(all).map { log(max($0, 1e-6)) })
            control.report(ProgressReport(step: m + 1, total: proxies.count, message: "predicting candidates with the proxies"))
        }
        var weights = [Double](repeating: 1, count: proxies.count)
        var bestProxy: (name: String, srcc: Double)?
        if measured.count >= 3 {
            let y = measured.map(\.latencyMs)
            let logY = y.map { log(max($0, 1e-9)) }
            let fit = logValues.map { v in closeness(fixed.map { exp(v[$0]) }, logY) }
            let best = fit.indices.max { fit[$0] < fit[$1] }!
            bestProxy = (proxies[best].name, RankCorrelation.spearman(fixed.map { logValues[best][$0] }, y))
            weights = fit.map { $0 >= fit[best] - 0.1 ? 1 : 0 }
        }
        let oneHot = ActiveOneHot(space: space)
        let rows = criterion == .dOptimal ? all.map { oneHot.activeColumns($0, space: space) } : nil
        let picks = SampleSelection.select(count: count, logValues: logValues, weights: weights, oneHot: rows,
                                           oneHotWidth: oneHot.dimension, fixed: fixed, criterion: criterion, seed: seed)
        let used = weights.filter { $0 > 0 }.count
        var reason = "\(picks.count) of \(all.count - fixed.count) candidates by \(criterion.rawValue) in the log-latency space of \(used) prox\(used == 1 ? "y" : "ies")"
        if !fixed.isEmpty { reason += ", away from the \(fixed.count) measured" }
        if let b = bestProxy, used < proxies.count {
            reason += " (\(proxies.count - used) left out: their log-latencies correlate with the measured ones > 0.1 worse than \(b.name))"
        }
        var suggestion = SampleSuggestion(archs: picks.map { all[$0] }, criterion: criterion, reason: reason,
                                          proxies: zip(proxies, weights).map { ($0.0.name, $0.1) }, bestProxy: bestProxy)
        if estimate && proxies.count >= 3 && picks.count + fixed.count >= 3 {
            let scores = try leaveOneProxyOut(all: all, logValues: logValues, proxies: proxies, count: count, fixed: fixed,
                                              rows: rows, width: oneHot.dimension, criterion: criterion, seed: seed,
                                              control: control)
            suggestion.estimate = scores
            suggestion.expectedSRCC = scores.isEmpty ? nil : scores.reduce(0) { $0 + $1.srcc } / Double(scores.count)
        }
        return suggestion
    }

    /// The proxies other than `held` less its `twins` nearest (Pearson of log-latencies over the
    /// candidates): a new device rarely has a batch-size sibling among the proxies. At least
    /// two remain.
    static func twinFreePool(held h: Int, logValues: [[Double]], twins: Int = 2) -> [Int] {
        let r = logValues.indices.map { RankCorrelation.pearson(logValues[$0], logValues[h]) }
        let nearest = logValues.indices.filter { $0 != h }.sorted { r[$0] > r[$1] }
        return Array(nearest.dropFirst(min(twins, max(nearest.count - 2, 0))))
    }

    /// Proxy `held` as the new device: its latencies at `picks` are the samples, `pool` (proxy
    /// indices) the pool, and the SRCC of `adaptFromPool` is taken on up to `estimateArchs`
    /// other candidates; nil when undefined.
    static func simulate(held h: Int, pool others: [Int], picks: [Int], all: [Architecture], logValues: [[Double]],
                         cached: [ProxyLatencyModel], seed: UInt64) throws(NASError) -> Double? {
        let truth = logValues[h].map { exp($0) }
        let samples = picks.map { LatencySample(arch: all[$0], latencyMs: truth[$0]) }
        let taken = Set(picks)
        var rest = all.indices.filter { !taken.contains($0) }
        if rest.count > estimateArchs {
            var rng = SeededGenerator(seed: seed ^ 0xE57)
            rest.seededShuffle(using: &rng)
            rest = Array(rest.prefix(estimateArchs))
        }
        // The pool the daemon's default would give these samples (`FixturePool.matching`).
        let r = try adaptFromPool(FixturePool.matching(others.map { cached[$0] }, samples: samples.map(\.arch)),
                                  samples: samples, seed: seed, predictionOnly: true, control: .none)
        let s = RankCorrelation.spearman(try r.predict(rest.map { all[$0] }), rest.map { truth[$0] })
        return s.isFinite ? s : nil
    }

    /// Each of up to `estimateProxies` proxies (spread over the list) plays the new device:
    /// the selection is rerun without it, and `simulate` adapts the proxies other than it and
    /// its two nearest twins (`twinFreePool`) to its latencies at the picks (and the fixed points).
    static func leaveOneProxyOut(all: [Architecture], logValues: [[Double]], proxies: [ProxyLatencyModel], count: Int,
                                 fixed: [Int], rows: [[Int]]?, width: Int, criterion: SampleCriterion,
                                 seed: UInt64, control: JobControl) throws(NASError) -> [(proxy: String, srcc: Double)] {
        let m = proxies.count
        let held = Array(Set((0..<min(m, estimateProxies)).map { $0 * m / min(m, estimateProxies) })).sorted()
        let cached = proxies.indices.map { j in
            ProxyLatencyModel.cached(proxies[j], archs: all, values: logValues[j].map { exp($0) })
        }
        var out: [(proxy: String, srcc: Double)] = []
        for (step, h) in held.enumerated() {
            try control.checkCancelled()
            control.report(ProgressReport(step: step, total: held.count, message: "estimating: \(proxies[h].name) as the new device"))
            let picks = SampleSelection.select(count: count, logValues: (0..<m).filter { $0 != h }.map { logValues[$0] }, oneHot: rows,
                                               oneHotWidth: width, fixed: fixed, criterion: criterion, seed: seed)
            if let s = try simulate(held: h, pool: twinFreePool(held: h, logValues: logValues), picks: fixed + picks, all: all,
                                    logValues: logValues, cached: cached, seed: seed) {
                out.append((proxies[h].name, s))
            }
        }
        return out
    }

    /// Whether every operation of `arch` lies on a path from input to output (always, in a
    /// chain space). A dead operation (an NB201 edge whose source the input never reaches, or
    /// whose output reaches no output) runs on some runtimes and is pruned by others (TFLite,
    /// the Eagle devices). Measured (`hwnas-bench suggest`): leaving such candidates out of
    /// the picks loses on the pruning devices, which need them to learn what is pruned.
    public static func runsEveryOperation(_ arch: Architecture, space: any SearchSpace) -> Bool {
        guard let live = space.dataPathDecisions(arch) else { return true }
        return !zip(live, arch.genes).contains { !$0.0 && $0.1 != 0 }
    }

    /// How well a proxy's latencies `values` match measured log-latencies `logY`: the Pearson
    /// correlation of the logs (the R² of a log-affine fit, as HELP's and `adaptProxy`'s affine
    /// map): on a handful of samples it uses their magnitudes, steadier than the samples' ranks.
    /// With 5 or more samples, the least of it over the samples left out one at a time
    /// (jackknife): a proxy whose correlation rests on one sample (one far-off network, or one
    /// whose dead operations this runtime prunes) is not elected over one that follows them all
    /// (NB201 raspi4 at k = 10: held-out SRCC 0.812 → 0.972, mean over 36 devices 0.961 → 0.965,
    /// `hwnas-bench suggest`).
    static func closeness(_ values: [Double], _ logY: [Double]) -> Double {
        let x = values.map { log(max($0, 1e-9)) }
        var r = RankCorrelation.pearson(x, logY)
        if x.count >= 5 {
            for i in x.indices {
                let idx = x.indices.filter { $0 != i }
                r = min(r, RankCorrelation.pearson(idx.map { x[$0] }, idx.map { logY[$0] }))
            }
        }
        return r.isFinite ? r : -1
    }

    /// The adaptation the estimate, `hwnas-bench suggest` and `adaptProxy` without a proxy
    /// (`hwnas new-device`) use: `ProxyEnsemble.adapt`, the mean of `adaptProxy` `auto` with
    /// each of the `members` pool members closest to the samples (`closestMembers`) as proxy.
    /// `predictionOnly`: see `ProxyEnsemble.adapt` (the estimate's simulations only predict).
    public static func adaptFromPool(_ pool: [ProxyLatencyModel], samples: [LatencySample], seed: UInt64,
                                     members: Int = ProxyEnsemble.defaultMembers, predictionOnly: Bool = false,
                                     control: JobControl = .none) throws(NASError) -> ProxyEnsemble.Result {
        try ProxyEnsemble.adapt(pool: pool, samples: samples, members: members, targetName: "new-device", id: "new-device",
                                predictionOnly: predictionOnly, seed: seed, control: control)
    }

    /// The index of the member of `pool` whose log-latencies correlate best with the samples'
    /// (`closeness`; the first on ties).
    public static func closestMember(_ pool: [ProxyLatencyModel], samples: [LatencySample]) throws(NASError) -> Int {
        try closestMembers(pool, samples: samples, count: 1)[0]
    }

    /// The indices of the `count` members of `pool` whose log-latencies correlate best with the
    /// samples' (`closeness`), closest first (the earlier member on ties); fewer when the pool is smaller.
    public static func closestMembers(_ pool: [ProxyLatencyModel], samples: [LatencySample], count: Int) throws(NASError) -> [Int] {
        guard !pool.isEmpty else { throw NASError(.invalidParams, "no proxies", field: "proxies") }
        let logY = samples.map { log(max($0.latencyMs, 1e-9)) }
        var fit: [Double] = []
        for m in pool { fit.append(closeness(try m.predict(samples.map(\.arch)), logY)) }
        return Array(pool.indices.sorted { fit[$0] > fit[$1] || (fit[$0] == fit[$1] && $0 < $1) }.prefix(max(count, 1)))
    }
}

extension ProxyLatencyModel {
    /// `model` with its values for `archs` looked up instead of recomputed (other
    /// architectures still go to `model`): for repeated adaptations over one candidate set.
    public static func cached(_ model: ProxyLatencyModel, archs: [Architecture], values: [Double]) -> ProxyLatencyModel {
        var table: [Architecture: Double] = [:]
        table.reserveCapacity(archs.count)
        for (a, v) in zip(archs, values) { table[a] = v }
        let lookup = table, inner = model.predict
        var cached = ProxyLatencyModel(name: model.name, space: model.space, network: model.network, model: model.model) {
            (archs: [Architecture]) throws(NASError) -> [Double] in
            var out = [Double](repeating: 0, count: archs.count)
            var missing: [Int] = []
            for (i, a) in archs.enumerated() {
                if let v = lookup[a] { out[i] = v } else { missing.append(i) }
            }
            if !missing.isEmpty {
                let v = try inner(missing.map { archs[$0] })
                for (k, i) in missing.enumerated() { out[i] = v[k] }
            }
            return out
        }
        cached.partialTable = model.partialTable
        return cached
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
