// `hwnas-bench suggest [--quick] [--spaces nb201,fbnet,ofa_mbv3] [--devices a,b] [--ks 5,10,20,50]
//                      [--seeds 10] [--criteria stratified,k-center,...] [--test-archs N] [--fixtures DIR]
//                      [--adaptation proxy|proxy-closest|proxy-topN|adapt|adapt-closest] [--cv-repeats 3]
//                      [--seed-offset 0] [--keep-twins yes] [--keep-copies yes] [--live-path no]
//                      [--selection-live-path yes] [--verbose]`
//
// Which architectures to measure on a new device (issue 16). Each fixture device with at least
// 1,000 measured architectures, and this machine (`onnxrt_epyc_zen4`), is held out in turn as
// the new device: its own data never enters the pool or the proxies (the other published
// devices of the space, a pairwise/LUT model each, less the device's twins, `MeasurementTwins`:
// NB201's rice_pixel3/rice_raspi4/rice_eyeriss hold pixel3's/raspi4's/eyeriss's latencies, and
// `--keep-twins yes` keeps them, the pool before issue 17's fix; of each set of twins one device stays, as in
// the daemon's pools, `MeasurementTwins.copies`, and `--keep-copies yes` keeps both). From k of its measured architectures the
// default adaptation (`SampleSuggester.adaptFromPool` = `ProxyEnsemble.adapt`: the mean of
// adaptProxy auto with each of the 3 pool members closest to the samples as proxy, what
// `adaptProxy` without a proxy and `hwnas new-device` return) is built, and scored on its other measured architectures (SRCC, RMSE
// in ms). Picks: (a) `suggestSamples`' criteria (the default one first), (b) HELP's 10
// reference architectures (k = 10, where the device measured them all), (c) random (mean over
// seeds). Degenerate NB201 cells are left out of candidates and test sets alike.
// `--adaptation` swaps the adaptation for an experiment (the same for every pick set; the
// estimate is then not computed): `proxy` (default, `adaptFromPool`), `proxy-topN` (the same
// ensemble of the N closest members), `proxy-closest` (= `proxy-top1`: adaptProxy auto with the
// closest member alone, the default before the ensemble), `adapt` (`FewShotAdaptation`, base
// chosen by it), `adapt-closest` (the same with the closest member as base).
// `moreSamples` is checked against what twice the samples actually gave (random picks).
// `--seed-offset N` draws a fresh split: other random pick sets (seeds N..N+seeds−1) and another
// test subsample; (a)'s picks are what `suggestSamples` returns (its default seed 0).
import Foundation
import NASCore
import NASData
import NASPredictors
import NASSpaces

func runSuggestBench(arguments: [String]) throws {
    let quick = arguments.contains("--quick")
    let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate(benchOption(arguments, "--fixtures")))
    let list = { (flag: String) -> [String]? in benchOption(arguments, flag).map { $0.split(separator: ",").map(String.init) } }
    let spaces = list("--spaces") ?? ["nb201", "fbnet", "ofa_mbv3"]
    let ks = list("--ks")?.compactMap { Int($0) } ?? (quick ? [10] : [5, 10, 20, 50])
    let seeds = Int(benchOption(arguments, "--seeds") ?? "") ?? (quick ? 3 : 10)
    let defaultOrder = [SampleSuggester.defaultCriterion] + SampleCriterion.allCases.filter { $0 != SampleSuggester.defaultCriterion && $0 != .random }
    let criteria = try (list("--criteria") ?? defaultOrder.map(\.rawValue))
        .map { name throws -> SampleCriterion in
            guard let c = SampleCriterion(rawValue: name) else { throw NASError(.invalidParams, "unknown criterion \(name)") }
            return c
        }
    let testArchs = Int(benchOption(arguments, "--test-archs") ?? "") ?? (quick ? 2000 : 0)
    let adaptation = benchOption(arguments, "--adaptation") ?? "proxy"
    guard ["proxy", "proxy-closest", "adapt", "adapt-closest"].contains(adaptation) || (adaptation.hasPrefix("proxy-top") && Int(adaptation.dropFirst(9)).map { $0 >= 1 } == true) else {
        throw NASError(.invalidParams, "unknown --adaptation \(adaptation) (proxy, proxy-closest, proxy-topN, adapt, adapt-closest)")
    }
    // Members of the `ProxyEnsemble` for the proxy adaptations (nil: a FewShotAdaptation variant).
    let ensembleMembers: Int? = switch adaptation {
    case "proxy": ProxyEnsemble.defaultMembers
    case "proxy-closest": 1
    case let a where a.hasPrefix("proxy-top"): Int(a.dropFirst("proxy-top".count))!
    default: nil
    }
    let seedOffset = Int(benchOption(arguments, "--seed-offset") ?? "") ?? 0
    let cvRepeats = Int(benchOption(arguments, "--cv-repeats") ?? "") ?? FewShotAdaptation.defaultCVRepeats
    let emit = NewDeviceScenario.emit
    let f = { (x: Double) -> String in NewDeviceScenario.f(x) }
    emit("# hwnas-bench suggest\n")
    emit("Run: `swift run -c release hwnas-bench suggest \(arguments.joined(separator: " "))`, \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(benchLoadAverage()).\n")
    if adaptation != "proxy" { emit("Adaptation for this run: `--adaptation \(adaptation)` (not the default path; see the source's header).\n") }
    emit("Adaptation: `ProxyEnsemble.adapt` (what `adaptProxy` without a proxy returns): the mean of adaptProxy auto with, as proxy, each of the \(ensembleMembers.map(String.init) ?? "—") pool members closest to the k samples (`SampleSuggester.closeness`: jackknife minimum of the log-latency Pearson) and the rest of the held-out device's pool (every other published device of the space). Test: the device's other measured architectures\(testArchs > 0 ? " (a seeded subsample of \(testArchs) per device)" : "") (degenerate cells left out). Random: mean over \(seeds) seeds\(seedOffset != 0 ? " (seeds \(seedOffset)…\(seedOffset + seeds - 1), test subsample seed offset \(seedOffset): a fresh split)" : ""). (a) = \(criteria[0].rawValue).\n")
    for spaceID in spaces {
        let space = try SpaceRegistry.space(spaceID)
        // `--live-path no`: pool models without the live-path copy (the pool before it shipped).
        let pool = try FixturePool.models(catalog: catalog, space: spaceID, excluding: [],
                                          livePathCopies: benchOption(arguments, "--live-path") != "no")
        let twins = benchOption(arguments, "--keep-twins") == "yes" ? [:] : try MeasurementTwins.twins(catalog: catalog, space: spaceID)
        let copies = benchOption(arguments, "--keep-copies") == "yes" ? [] : try MeasurementTwins.copies(catalog: catalog, space: spaceID, twins: twins)
        var targets = catalog.publishedDeviceNames(space: spaceID).filter {
            ((try? catalog.measurements(space: spaceID, device: $0).archs.count) ?? 0) >= 1000
        }
        let measuredHere = catalog.deviceNames(space: spaceID).filter { d in
            (try? catalog.tableName(space: spaceID, device: d)).map { DataCatalog.isMeasuredHere(table: $0) } ?? false
        }
        targets += measuredHere
        if let only = list("--devices") { targets = targets.filter { only.contains($0) } }
        if quick && list("--devices") == nil { targets = Array(targets.prefix(4)) + measuredHere }
        guard !targets.isEmpty, pool.count >= 2 else { continue }
        let refs = helpReferences(catalog: catalog, space: space)
        // Each pool member's values over every architecture any target measured, computed once.
        var union: [Architecture] = [], unionIndex: [Architecture: Int] = [:]
        var measuredBy: [String: (archs: [Architecture], latency: [Double])] = [:]
        for t in targets {
            let m = try catalog.measurements(space: spaceID, device: t)
            var archs: [Architecture] = [], lat: [Double] = [], seen = Set<Architecture>()
            for (a, l) in zip(m.archs, m.latency) {
                let c = space.canonical(a)
                guard l > 0, !space.isDegenerate(c), seen.insert(c).inserted else { continue }
                archs.append(c)
                lat.append(l)
                if unionIndex[c] == nil { unionIndex[c] = union.count; union.append(c) }
            }
            measuredBy[t] = (archs, lat)
        }
        let cachedPool = try pool.map { m throws -> ProxyLatencyModel in .cached(m, archs: union, values: try m.predict(union)) }
        // The criteria's proxies are fitted without the live-path copy, as the daemon's
        // (`DomainServices.suggestionProxies`); `--selection-live-path yes` gives them the pool's.
        // Only the members with the copy are refitted (and cached like the pool's).
        let refit = Set(pool.filter(\.hasLivePathCopy).map(\.name))
        let cachedSelection = benchOption(arguments, "--selection-live-path") == "yes" || refit.isEmpty ? cachedPool
            : try FixturePool.models(catalog: catalog, space: spaceID, excluding: [], livePathCopies: false, reusing: cachedPool)
                .map { m throws -> ProxyLatencyModel in refit.contains(m.name) ? .cached(m, archs: union, values: try m.predict(union)) : m }
        let others = criteria.dropFirst().map(\.rawValue).joined(separator: " / ")
        emit("## \(spaceID): \(targets.count) held-out devices, pool of up to \(pool.count)\n")
        emit("| device | k | (a) SRCC | (b) HELP refs | (c) random | (a) − (c) | \(others.isEmpty ? "other criteria" : others) | (a) RMSE | (b) RMSE | (c) RMSE |")
        emit("|---|---|---|---|---|---|---|---|---|---|")
        var perK: [Int: [(a: Double, b: Double?, c: Double, aR: Double, bR: Double?, cR: Double, others: [Double])]] = [:]
        var more: [(device: String, k: Int, predictedNow: Double, predicted: Double, curve: Double, actualNow: Double, actual: Double)] = []
        // Per k, per device: how many random draws fell > 0.01 below the draws' mean (a fixed
        // choice as variable as one draw would lose that often).
        var unluckyDraws: [Int: [Double]] = [:]
        var estimates: [(device: String, expected: Double, actual: Double)] = []
        for t in targets {
            let (archs, lat) = measuredBy[t]!
            let left = MeasurementTwins.withTwins([t], twins: twins).union(copies)
            let members = cachedPool.filter { !left.contains($0.name) }
            let selectionMembers = cachedSelection.filter { !left.contains($0.name) }
            var testOrder = Array(archs.indices)
            var rng = SeededGenerator(seed: 0x7E57 ^ (UInt64(seedOffset) &* 0x9E37_79B9_7F4A_7C15))
            testOrder.seededShuffle(using: &rng)
            func score(_ picks: [Int], seed: UInt64) throws -> (srcc: Double, rmse: Double, more: MoreSamplesEstimate?, note: String) {
                let taken = Set(picks)
                var test = testOrder.filter { !taken.contains($0) }
                if testArchs > 0 { test = Array(test.prefix(testArchs)) }
                let samples = picks.map { LatencySample(arch: archs[$0], latencyMs: lat[$0]) }
                // The daemon's default pool for these samples (`FixturePool.matching`).
                let members = FixturePool.matching(members, samples: samples.map(\.arch))
                let pred: [Double], more: MoreSamplesEstimate?, note: String
                if let n = ensembleMembers {
                    let r = try SampleSuggester.adaptFromPool(members, samples: samples, seed: seed, members: n)
                    pred = try r.predict(test.map { archs[$0] })
                    more = r.moreSamples
                    note = "proxies \(r.members.map(\.proxy.name).joined(separator: ",")); cv \(f(r.srccAfter)); outliers \(r.outliers.count); variant \(r.variant.prefix(120))"
                } else {
                    var base: TrainedPredictor?, pool = members
                    if adaptation == "adapt-closest" {
                        base = try pool.remove(at: SampleSuggester.closestMember(members, samples: samples)).asPredictor()
                    }
                    let o = try FewShotAdaptation.adapt(base: base, pool: pool, samples: samples, targetName: t, id: "bench", seed: seed,
                                                        cvRepeats: cvRepeats)
                    pred = try o.predictor.predict(archs: test.map { archs[$0] })
                    more = nil
                    note = "base \(o.base), family \(o.family.rawValue)"
                }
                let actual = test.map { lat[$0] }
                return (RankCorrelation.spearman(pred, actual), RegressionMetrics(predicted: pred, actual: actual).rmse, more, note)
            }
            func randomPicks(_ k: Int, _ seed: Int) -> [Int] {
                var order = Array(archs.indices)
                var rng = SeededGenerator(seed: 0xBE4C4 ^ UInt64(seed + seedOffset) &* 0x9E37_79B9)
                order.seededShuffle(using: &rng)
                return Array(order.prefix(k))
            }
            let refIdx = refs.compactMap { r in archs.firstIndex(of: r) }
            for k in ks {
                var crit: [Double] = [], critR: [Double] = []
                for (ci, c) in criteria.enumerated() {
                    let s = try SampleSuggester.suggest(space: space, candidates: archs, proxies: selectionMembers, count: k, criterion: c,
                                                        seed: 0, estimate: ci == 0 && k == 10 && adaptation == "proxy")
                    let idx = s.archs.map { a in archs.firstIndex(of: a)! }
                    let sc = try score(idx, seed: 0)
                    if arguments.contains("--verbose") {
                        let dead = idx.filter { !SampleSuggester.runsEveryOperation(archs[$0], space: space) }.count
                        emit("    \(t) k=\(k) \(c.rawValue): SRCC \(f(sc.srcc)), \(dead) picks with dead ops; \(sc.note); picks ms " + idx.map { String(format: "%.3g", lat[$0]) }.joined(separator: " "))
                    }
                    crit.append(sc.srcc)
                    critR.append(sc.rmse)
                    if let e = s.expectedSRCC { estimates.append((t, e, sc.srcc)) }
                }
                var rs = 0.0, rr = 0.0, draws: [Double] = []
                for seed in 0..<seeds {
                    let sc = try score(randomPicks(k, seed), seed: UInt64(seed + seedOffset))
                    draws.append(sc.srcc)
                    if arguments.contains("--verbose") {
                        emit("    \(t) k=\(k) random \(seed): SRCC \(f(sc.srcc)); \(sc.note)")
                    }
                    rs += sc.srcc / Double(seeds)
                    rr += sc.rmse / Double(seeds)
                    if k == 10 || k == 20, let m = sc.more {
                        let twice = try score(randomPicks(2 * k, seed), seed: UInt64(seed + seedOffset))
                        more.append((t, k, m.currentSRCC, m.expectedSRCC, m.curveSRCC, sc.srcc, twice.srcc))
                    }
                }
                unluckyDraws[k, default: []].append(Double(draws.filter { $0 < rs - 0.01 }.count) / Double(max(seeds, 1)))
                var hb: (Double, Double)?
                if k == 10 && refIdx.count == 10 && !refs.isEmpty {
                    let sc = try score(refIdx, seed: 0)
                    hb = (sc.srcc, sc.rmse)
                }
                perK[k, default: []].append((crit[0], hb?.0, rs, critR[0], hb?.1, rr, Array(crit.dropFirst())))
                emit("| \(t) | \(k) | \(f(crit[0])) | \(hb.map { f($0.0) } ?? "—") | \(f(rs)) | \(f(crit[0] - rs)) | \(crit.dropFirst().map(f).joined(separator: " / ")) | \(f(critR[0])) | \(hb.map { f($0.1) } ?? "—") | \(f(rr)) |")
            }
        }
        emit("\n### \(spaceID): mean over devices\n")
        emit("| k | devices | (a) SRCC | (b) HELP refs SRCC (devices), (a) on them | (c) random SRCC | (a) beats (c) | (a) worse than (c) by > 0.01 | worst (a) − (c) | one random draw worse than (c) by > 0.01 (devices, mean over draws) | \(others.isEmpty ? "other criteria" : others) | (a) RMSE | (c) RMSE |")
        emit("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for k in ks {
            let v = perK[k] ?? []
            guard !v.isEmpty else { continue }
            let mean = { (xs: [Double]) -> Double in xs.reduce(0, +) / Double(max(xs.count, 1)) }
            let helps = v.compactMap(\.b), aOnHelp = v.filter { $0.b != nil }.map(\.a)
            let unlucky = (unluckyDraws[k] ?? []).reduce(0, +)
            let otherMeans = (0..<(criteria.count - 1)).map { i in f(mean(v.map { $0.others[i] })) }.joined(separator: " / ")
            emit("| \(k) | \(v.count) | \(f(mean(v.map(\.a)))) | \(helps.isEmpty ? "—" : "\(f(mean(helps))) (\(helps.count)), \(f(mean(aOnHelp)))") | \(f(mean(v.map(\.c)))) | \(v.filter { $0.a > $0.c }.count)/\(v.count) | \(v.filter { $0.a < $0.c - 0.01 }.count) | \(f(v.map { $0.a - $0.c }.min()!)) | \(String(format: "%.1f", unlucky)) | \(otherMeans) | \(f(mean(v.map(\.aR)))) | \(f(mean(v.map(\.cR)))) |")
        }
        if !estimates.isEmpty {
            let e = estimates.reduce(0) { $0 + $1.expected } / Double(estimates.count)
            let a = estimates.reduce(0) { $0 + $1.actual } / Double(estimates.count)
            emit("\n`expectedSRCC` of suggestSamples at k = 10 (leave-one-proxy-out) vs the held-out SRCC reached: mean \(f(e)) vs \(f(a)); per device: " +
                 estimates.map { "\($0.device) \(f($0.expected))/\(f($0.actual))" }.joined(separator: ", ") + "\n")
        }
        if !more.isEmpty {
            emit("\n### \(spaceID): `moreSamples` (random picks, every seed) vs what twice the samples gave\n")
            emit("| k → 2k | fits | curve at k (mean) | held-out SRCC at k | curve at 2k | held-out SRCC at 2k | curve's gain | predicted gain (shrunk ×\(LearningCurve.gainShrinkage)) | actual gain | mean abs error: curve / shrunk |")
            emit("|---|---|---|---|---|---|---|---|---|---|")
            for k in Set(more.map(\.k)).sorted() {
                let v = more.filter { $0.k == k }
                let n = Double(v.count)
                let m = { (g: (device: String, k: Int, predictedNow: Double, predicted: Double, curve: Double, actualNow: Double, actual: Double)) -> Double in g.predicted - g.predictedNow }
                let mc = { (g: (device: String, k: Int, predictedNow: Double, predicted: Double, curve: Double, actualNow: Double, actual: Double)) -> Double in g.curve - g.predictedNow }
                let mae = v.reduce(0) { $0 + abs(m($1) - ($1.actual - $1.actualNow)) } / n
                let maeCurve = v.reduce(0) { $0 + abs(mc($1) - ($1.actual - $1.actualNow)) } / n
                emit("| \(k) → \(2 * k) | \(v.count) | \(f(v.reduce(0) { $0 + $1.predictedNow } / n)) | \(f(v.reduce(0) { $0 + $1.actualNow } / n)) | \(f(v.reduce(0) { $0 + $1.curve } / n)) | \(f(v.reduce(0) { $0 + $1.actual } / n)) | \(f(v.reduce(0) { $0 + mc($1) } / n)) | \(f(v.reduce(0) { $0 + m($1) } / n)) | \(f(v.reduce(0) { $0 + $1.actual - $1.actualNow } / n)) | \(f(maeCurve)) / \(f(mae)) |")
            }
        }
        emit("")
    }
}

/// HELP's 10 reference architectures of a space (`fixtures/<space>/reference_archs_help.csv`,
/// last column), canonical; empty when the space has none.
func helpReferences(catalog: DataCatalog, space: any SearchSpace) -> [Architecture] {
    guard let text = try? String(contentsOfFile: "\(catalog.directory)/\(space.id)/reference_archs_help.csv", encoding: .utf8) else { return [] }
    return text.split(separator: "\n").dropFirst().compactMap { line in
        guard let field = line.split(separator: ",").last else { return nil }
        return (try? space.parse(String(field).trimmingCharacters(in: .whitespaces))).map { space.canonical($0) }
    }
}

