// `hwnas-bench fewshot [--quick] [--dump FILE] [--cv-repeats N] [--seeds N] [--first-seed S] [--ks 5,10,20]`: leave-devices-out few-shot adaptation on HELP's device split
// (issue 19). The pool (the base, proxies, blends, every choice) is HELP's meta-train and
// meta-valid devices that we ship; the test devices' data are used only for their k samples and
// for scoring. k = 5, 10, 20 random samples over 10 seeds, and HELP's 10 reference archs;
// SRCC on every other measured arch of the test device. `--dump FILE`: one JSON line per draw
// (every family's outer cross-validated SRCC, held-out SRCC, out-of-fold predictions per repeat,
// the samples' indices into the device's measurements, the base, each family's variant and
// held-out cells with a data path it prices below 10 % of the fastest such sample (`fastLive`),
// held-out SRCC of w · blend + (1 − w) · adaptProxy on a grid of w, the base's own SRCC held out
// (`held.base`) and under `adapt`'s outer cross-validation (`baseCV`), and the returned model's
// `warnings`), to study choice rules.
// `--cv-repeats N`: `adapt`'s outer cross-validation repeats (default: the daemon's). `--seeds N`
// (default 10) draws per k from seed `--first-seed` (default 0); `--ks`: the sample counts;
// `--spaces`, `--devices`: only those (comma-separated);
// `--families`, `--mean-preference`, `--validate`, `--validate-siblings-out`, `--validate-kind-out`, `--standard-screen`,
// `--dump-held`, `--wide-pool`, `--pool-cap M|Xk`, `--pool-min-cells N`, `--small-table-targets`, `--partial-tables all`: see below. `--live-path no`: pool models without
// the live-path copy (`FixturePool.models(livePathCopies:)`; the comparison before it shipped).
import Foundation
import NASCore
import NASData
import NASPredictors
import NASSpaces

/// HELP's split of one space (`script/run_meta_training_<space>.sh` of HayeonLee/HELP), and the
/// devices of it our fixtures lack.
private struct HELPSplit {
    var space: String
    /// Meta-train + meta-valid devices we ship: the pool.
    var pool: [String]
    /// Meta-test devices we ship.
    var test: [String]
    /// Devices of HELP's split not in our fixtures.
    var missing: [String]
}

private let helpSplits = [
    HELPSplit(space: "nb201",
              pool: ["1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "samsung_a50", "pixel3", "essential_ph_1",
                     "titanx_1", "titanx_32", "titanx_256", "gold_6240"],
              test: ["titan_rtx_256", "gold_6226", "pixel2", "raspi4", "eyeriss"],
              missing: ["silver_4210r (train)", "samsung_s7 (train)", "fpga (test)"]),
    HELPSplit(space: "fbnet",
              pool: ["1080ti_1", "1080ti_32", "1080ti_64", "silver_4114", "samsung_a50", "pixel3", "essential_ph_1",
                     "titanx_1", "titanx_32", "titanx_64", "gold_6240"],
              test: ["raspi4", "eyeriss"],
              missing: ["silver_4210r (train)", "samsung_s7 (train)", "fpga (test)"]),
]

/// Held-out SRCC of each method for one (device, k, draw).
private struct FewShotScores {
    var bestMember = 0.0, finetune = 0.0, blend = 0.0, proxy = 0.0, adapt = 0.0, blendProxy = 0.0
    /// The best of blend, adaptProxy and their mean on the held-out archs: a perfect chooser.
    var hindsight: Double { max(blend, proxy, blendProxy) }
    var chosen: FewShotAdaptation.Family = .proxy
}

func runFewShotBench(arguments: [String]) throws {
    let quick = arguments.contains("--quick")
    var cvRepeats = FewShotAdaptation.defaultCVRepeats
    if let i = arguments.firstIndex(of: "--cv-repeats"), i + 1 < arguments.count, let n = Int(arguments[i + 1]) { cvRepeats = n }
    var dump: FileHandle?
    if let i = arguments.firstIndex(of: "--dump"), i + 1 < arguments.count {
        guard FileManager.default.createFile(atPath: arguments[i + 1], contents: nil),
              let handle = FileHandle(forWritingAtPath: arguments[i + 1]) else {
            throw NASError(.invalidParams, "--dump: cannot write \(arguments[i + 1])")
        }
        dump = handle
    }
    let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
    let fixtures = try FixturesLocator.locate()
    func option(_ name: String) -> String? {
        arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }
    let seedCount = option("--seeds").flatMap { UInt64($0) } ?? (quick ? 3 : 10)
    let firstSeed = option("--first-seed").flatMap { UInt64($0) } ?? 0
    let seeds: [UInt64] = Array(firstSeed..<(firstSeed + seedCount))
    // `--standard-screen`: `adapt`'s families screen outliers as `finetune`/`adaptProxy` do (fast
    // dead-path samples not spared), to measure what sparing them changes.
    let spareDeadPaths = !arguments.contains("--standard-screen")
    // `--families a,b,…`: `adapt`'s candidates (default its own); `--mean-preference X`: its
    // `meanPreference` (default 0). E.g. `--families blend,proxy,mean,proxy+mix,blend+proxy+mix
    // --mean-preference 0.01` is the design measured against the default in fewshot.md.
    let families = try benchFamilies(arguments, "--families")
    let meanPreference = option("--mean-preference").flatMap { Double($0) } ?? 0
    let ks = option("--ks").map { $0.split(separator: ",").compactMap { Int($0) } } ?? [5, 10, 20]
    let clock = ContinuousClock()
    let start = clock.now
    func emit(_ s: String) { NewDeviceScenario.emit(s) }
    func f3(_ x: Double) -> String { String(format: "%.3f", x) }
    emit("# Few-shot adaptation, leave devices out on HELP's split (`hwnas-bench fewshot\(quick ? " --quick" : "")`)\n")
    emit("Pool = HELP's meta-train + meta-valid devices that we ship, one pairwise-interaction LUT each (`FixturePool`, fitted on all their measurements); test devices' data are used only for their k samples (the fit and every choice) and for scoring. SRCC on every other measured arch of the test device (NB201 15,625 − k, FBNet 5,000 − k), mean over \(seeds.count) random draws per k (seeds \(seeds.first!)…\(seeds.last!)), and on HELP's 10 reference archs (`reference_archs_help.csv`, k = 10, one draw).\n")
    emit("Methods (all from one `FewShotAdaptation.adapt` call; base = the pool device closest to the k samples: `SampleSuggester.closestMember`, jackknife log-latency Pearson): `best dev` = that device's values (the HELP-style affine baseline: an affine map keeps its ranking); `finetune` = today's `finetune` (auto) on it; `blend` = today's `finetune` with `blendWith` = the rest of the pool; `adaptProxy` = today's `adaptProxy` (auto) with the rest of the pool (both as `adapt` fits them: its outlier screen spares fast samples with dead operations\(spareDeadPaths ? "" : " — not in this run, `--standard-screen`")); `adapt` = the new method: the family with the best outer cross-validated SRCC on the k samples (out-of-fold predictions averaged over \(cvRepeats) fold assignments) among blend, adaptProxy and their mean; `hindsight` = the best of those three on the held-out archs per draw (what a perfect chooser would reach: a bound on choosing among them).\n")
    // `--validate`: the pool's own devices as targets, each adapted from the other pool devices
    // (the test devices' data unused): where choice rules can be compared without touching the
    // test devices.
    let validate = arguments.contains("--validate") || arguments.contains("--validate-siblings-out") || arguments.contains("--validate-kind-out")
    let siblingsOut = arguments.contains("--validate-siblings-out") || arguments.contains("--validate-kind-out")
    // `--validate-kind-out`: also without every pool device of the target's kind (GPU, server
    // CPU, phone), so each target is far from the whole pool, as eyeriss and fpga are in HELP's split.
    let kindOut = arguments.contains("--validate-kind-out")
    // `--dump-held`: the dump also holds every fitted family's predictions of every 5th held-out arch.
    let dumpHeld = arguments.contains("--dump-held")
    let spaces = option("--spaces").map { $0.split(separator: ",").map(String.init) }
    for var split in helpSplits where spaces?.contains(split.space) ?? true {
        // HELP's test devices never enter a pool, validation runs included.
        let helpTest = split.test
        if validate { split.test = split.pool }
        // `--small-table-targets` (with `--wide-pool`): the devices measured on fewer than 5,000 cells
        // (NB201: the OneProxy table's) as targets, each adapted from the wide pool less itself and
        // its twins: who a pool rule that drops such members would cost.
        let smallTargets = arguments.contains("--small-table-targets")
        if smallTargets {
            split.test = try catalog.publishedDeviceNames(space: split.space)
                .filter { try catalog.measurements(space: split.space, device: $0).archs.count < 5000 }
        }
        if let only = option("--devices")?.split(separator: ",").map(String.init) { split.test = split.test.filter { only.contains($0) } }
        if split.test.isEmpty { continue }
        let space = try SpaceRegistry.space(split.space)
        // `--wide-pool`: HELP's pool plus every other published device of the space the fixtures
        // fit (the daemon's default pool), less the test devices, their twins and batch-size
        // siblings (titan_rtx_1/32 for titan_rtx_256), and the copies among twins: what a user of the default pool gets,
        // outside HELP's protocol (its pool is the meta-train devices only).
        let widePool = arguments.contains("--wide-pool")
        // Without the wide pool the targets' twins (pixel3 for rice_pixel3) would stay in HELP's pool.
        if smallTargets && !widePool { throw NASError(.invalidParams, "--small-table-targets needs --wide-pool") }
        // `--pool-cap M`, or `--pool-cap Xk`: X times the sample count (`k` alone: once).
        let capText = option("--pool-cap")
        let poolCap: ((Int) -> Int)? = capText.flatMap { text in
            if let m = Int(text) { return { _ in m } }
            guard text.hasSuffix("k"), let x = text.dropLast().isEmpty ? 1 : Double(text.dropLast()), x > 0 else { return nil }
            return { k in max(1, Int((x * Double(k)).rounded())) }
        }
        var leftOut: Set<String> = [], testFamilies: Set<String> = []
        var targetTwins: [String: Set<String>] = [:]
        if widePool {
            let twins = try MeasurementTwins.twins(catalog: catalog, space: split.space)
            leftOut = MeasurementTwins.withTwins(Set(helpTest), twins: twins)
                .union(try MeasurementTwins.copies(catalog: catalog, space: split.space, twins: twins))
            testFamilies = Set(helpTest.map(deviceFamily))
            targetTwins = twins
            // `--pool-min-cells N`: wide-pool members measured on fewer cells are left out (a rule to judge).
            if let minCells = option("--pool-min-cells").flatMap({ Int($0) }) {
                for device in catalog.publishedDeviceNames(space: split.space)
                where try catalog.measurements(space: split.space, device: device).archs.count < minCells { leftOut.insert(device) }
            }
        }
        let livePath = option("--live-path") != "no"
        let keepPartialTables = option("--partial-tables") == "all"
        let allModels = try FixturePool.models(catalog: catalog, space: split.space, excluding: [], livePathCopies: livePath)
        let pool = allModels
            .filter { split.pool.contains($0.name) || (widePool && !leftOut.contains($0.name) && !testFamilies.contains(deviceFamily($0.name))) }
        emit("## \(split.space): pool \(pool.map(\.name).joined(separator: ", ")); test \(split.test.joined(separator: ", "))\n")
        emit(widePool ? "Wide pool (`--wide-pool`): HELP's pool plus every other published device the fixtures fit, less the test devices, their twins and batch-size siblings, and copies among twins; outside HELP's protocol. \(keepPartialTables ? "Every member in every call (`--partial-tables all`)." : "Per call, as the daemon's default pool: a member measured on a part of the space only where it measured at least half of the samples (`FixturePool.matching`).")\n"
             : "HELP devices we do not ship: \(split.missing.joined(separator: ", ")). Devices in neither of HELP's lists (2080ti_*, titan_rtx_1/32…) are not used.\n")
        let refArchs = try referenceArchs(fixtures: fixtures, space: space)
        // results[device][k] = per-draw scores; ref[device] = scores on the reference archs.
        var results: [String: [Int: [FewShotScores]]] = [:]
        var ref: [String: FewShotScores] = [:]
        var oracleRows: [String] = []
        // Seconds per `adapt` call, by k (random draws and the reference archs).
        var callSeconds: [Int: [Double]] = [:]
        for device in split.test {
            let m = try catalog.measurements(space: split.space, device: device)
            // The pool for this target: never the target itself; with `--validate-siblings-out`, also
            // not its batch-size siblings (1080ti_1 for 1080ti_32): no test device has one in the pool.
            let twinsOfTarget = MeasurementTwins.withTwins([device], twins: targetTwins)
            let targetPool = pool.filter { !twinsOfTarget.contains($0.name) && $0.name != device && !(siblingsOut && deviceFamily($0.name) == deviceFamily(device))
                && !(kindOut && deviceKind($0.name) == deviceKind(device)) }
            var index: [Architecture: Int] = [:]
            for (i, a) in m.archs.enumerated() { index[a] = i }
            func run(_ sampleIdx: [Int], seed: UInt64, refCall: Bool = false) throws -> FewShotScores {
                let inSample = Set(sampleIdx)
                let held = m.archs.indices.filter { !inSample.contains($0) }
                let heldArchs = held.map { m.archs[$0] }, heldY = held.map { m.latency[$0] }
                let samples = sampleIdx.map { LatencySample(arch: m.archs[$0], latencyMs: m.latency[$0]) }
                let callStart = clock.now
                // `--pool-cap M`: only the M pool members closest to the samples (a pool rule to judge).
                // The daemon's default pool for these samples: members measured on a part of the space only where
                // they measured most of the samples (`FixturePool.matching`; `--partial-tables all` keeps every one).
                let matched = keepPartialTables ? targetPool : FixturePool.matching(targetPool, samples: samples.map(\.arch))
                let callPool = try poolCap.map { cap throws in
                    try SampleSuggester.closestMembers(matched, samples: samples, count: min(cap(samples.count), matched.count))
                        .map { matched[$0] }
                } ?? matched
                let out = try FewShotAdaptation.adapt(base: nil, pool: callPool, samples: samples, targetName: device,
                                                      id: "fewshot-\(device)", families: families, seed: seed, cvRepeats: cvRepeats,
                                                      meanPreference: meanPreference, spareFastDeadPaths: spareDeadPaths)
                let callTime = clock.now - callStart
                callSeconds[sampleIdx.count, default: []].append(Double(callTime.components.seconds) + Double(callTime.components.attoseconds) * 1e-18)
                func srcc(_ p: TrainedPredictor) throws -> Double { RankCorrelation.spearman(try p.predict(archs: heldArchs), heldY) }
                var s = FewShotScores()
                let baseModel = pool.first { $0.name == out.base }!
                s.bestMember = RankCorrelation.spearman(try baseModel.predict(heldArchs), heldY)
                // Today's `finetune` on the same base (adapt's default leaves this family out when
                // the base is a pool device without a network).
                let ft = try out.fits[.finetune] ?? FewShotAdaptation.fitFamily(
                    .finetune, base: try baseModel.asPredictor(), pool: [], samples: samples, targetName: device,
                    id: "fewshot-\(device)", seed: seed, control: .none).predictor
                let pf = try ft.predict(archs: heldArchs)
                // `blend` and `proxy` as adapt fits them, also when `--families` leaves them out.
                func fitted(_ f: FewShotAdaptation.Family) throws -> TrainedPredictor {
                    try out.fits[f] ?? FewShotAdaptation.fitFamily(
                        f, base: try baseModel.asPredictor(), pool: matched.filter { $0.name != out.base }, samples: samples,
                        targetName: device, id: "fewshot-\(device)", seed: seed, spareFastDeadPaths: spareDeadPaths, control: .none).predictor
                }
                let pb = try fitted(.blend).predict(archs: heldArchs), pp = try fitted(.proxy).predict(archs: heldArchs)
                s.finetune = RankCorrelation.spearman(pf, heldY)
                s.blend = RankCorrelation.spearman(pb, heldY)
                s.proxy = RankCorrelation.spearman(pp, heldY)
                s.blendProxy = RankCorrelation.spearman(zip(pb, pp).map { $0 + $1 }, heldY)
                s.chosen = out.family
                switch out.family {
                case .finetune: s.adapt = s.finetune
                case .blend: s.adapt = s.blend
                case .proxy: s.adapt = s.proxy
                case .mean, .mix, .proxyMix, .blendProxyMix, .stack: s.adapt = try srcc(out.predictor)
                }
                if let dump {
                    // Per draw: every family's outer CV score and held-out SRCC (for studying choice rules).
                    var cv: [String: Double] = [:]
                    for (f, o) in out.outOfFold { cv[f.rawValue] = RankCorrelation.spearman(o, out.measured) }
                    if let a = out.outOfFold[.finetune], let b = out.outOfFold[.blend], let c = out.outOfFold[.proxy] {
                        cv["meanAll"] = RankCorrelation.spearman(a.indices.map { a[$0] + b[$0] + c[$0] }, out.measured)
                    }
                    let heldSRCC: [String: Double] = [
                        "finetune": s.finetune, "blend": s.blend, "proxy": s.proxy, "mean": s.blendProxy, "adapt": s.adapt,
                        "meanAll": RankCorrelation.spearman(pf.indices.map { pf[$0] + pb[$0] + pp[$0] }, heldY),
                        "base": s.bestMember]
                    // Held-out SRCC of w · blend + (1 − w) · adaptProxy (ms) on a grid of w, and the
                    // outer out-of-fold predictions, to study weighted combinations offline.
                    let grid = [0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0]
                    let mix = grid.map { w in RankCorrelation.spearman(pb.indices.map { w * pb[$0] + (1 - w) * pp[$0] }, heldY) }
                    var oof: [String: [Double]] = [:]
                    for (r, rep) in out.outOfFoldRepeats.enumerated() { for (f, o) in rep { oof["\(f.rawValue)#\(r)"] = o } }
                    var line: [String: Any] = ["space": split.space, "device": device, "k": sampleIdx.count, "seed": seed,
                                               "cv": cv, "held": heldSRCC, "chosen": out.family.rawValue, "mixGrid": grid,
                                               "mixHeld": mix, "oof": oof, "y": out.measured, "idx": sampleIdx, "base": out.base, "poolNames": [out.base] + out.pool, "ref": seed == 0 && sampleIdx.count == 10 && refCall,
                                               "warnings": out.predictor.metrics.warnings]
                    // The base's own latencies under `adapt`'s outer cross-validation (its warning compares them).
                    if let b = out.baseCrossValidatedSRCC { line["baseCV"] = b }
                    // Per family (`adapt` when it chose a mean): held-out cells with a data path priced below
                    // 10 % of the fastest such sample (`ImplausiblyFastCells`' test) and how many of them
                    // measure above that; and each fitted family's variant.
                    let liveSamples = samples.filter { !space.hasNoDataPath(space.canonical($0.arch)) }.map(\.latencyMs)
                    if let fastest = liveSamples.min() {
                        let liveHeld = heldArchs.indices.filter { !space.hasNoDataPath(heldArchs[$0]) }
                        let limit = ImplausiblyFastCells.ratio * fastest
                        var fast: [String: [Int]] = [:]
                        var preds: [String: [Double]] = ["finetune": pf, "blend": pb, "proxy": pp]
                        if preds[out.family.rawValue] == nil { preds["adapt"] = try out.predictor.predict(archs: heldArchs) }
                        for (f, p) in preds {
                            let low = liveHeld.filter { !(p[$0] >= limit) }
                            fast[f] = [low.count, low.filter { heldY[$0] >= limit }.count]
                        }
                        line["fastLive"] = fast
                        line["variants"] = Dictionary(uniqueKeysWithValues: out.fits.map { ($0.key.rawValue, $0.value.metrics.variant) })
                    }
                    if dumpHeld {
                        // Every 5th held-out arch's predictions of blend and adaptProxy (indices into
                        // the device's measurements), to score combinations with other families offline.
                        let pick = Array(stride(from: 0, to: held.count, by: 5))
                        line["heldIdx"] = pick.map { held[$0] }
                        var heldPred: [String: [Double]] = ["blend": pick.map { pb[$0] }, "proxy": pick.map { pp[$0] }]
                        // Every other family fitted (e.g. `mix` when a mix mean is a candidate).
                        let pickArchs = pick.map { heldArchs[$0] }
                        for (f, p) in out.fits where heldPred[f.rawValue] == nil { heldPred[f.rawValue] = try p.predict(archs: pickArchs) }
                        line["heldPred"] = heldPred
                    }
                    if let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) {
                        dump.write(data + Data("\n".utf8))
                    }
                }
                return s
            }
            for k in ks {
                for seed in seeds {
                    var order = Array(m.archs.indices)
                    var rng = SeededGenerator(seed: seed &* 7919 &+ UInt64(k))
                    for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(i + 1)) }
                    results[device, default: [:]][k, default: []].append(try run(Array(order.prefix(k)), seed: seed))
                }
            }
            let refIdx = refArchs.compactMap { index[space.canonical($0)] }
            if validate { continue }
            if refIdx.count == refArchs.count && ks.contains(10) { ref[device] = try run(refIdx, seed: 0, refCall: true) }
            // Bounds: the pool's pairwise model family fitted on ALL of this device's data (scored
            // in-sample: what that family can represent at best), a LUT likewise, and the ceiling
            // tied measurements put on any strictly ordered prediction.
            let oracle = allModels.first { $0.name == device }!
            let oracleSRCC = RankCorrelation.spearman(try oracle.predict(m.archs), m.latency)
            let enc = ActiveOneHot(space: space)
            let lut = try LUTModel.fit(archs: m.archs, latency: m.latency, space: space, encoding: enc)
            let lutSRCC = RankCorrelation.spearman(try LatencyModel.lut(lut).predict(m.archs, space: space, encoding: enc), m.latency)
            let tieBroken = m.latency.indices.map { m.latency[$0] + 1e-9 * Double($0) / Double(m.latency.count) }
            let tieCeiling = RankCorrelation.spearman(tieBroken, m.latency)
            let distinct = Set(m.latency).count
            // The pool blend (`blend`'s base) fitted on all of the device's measurements: the best
            // ranking any non-negative blend of the pool reaches.
            let all = m.archs.indices.map { LatencySample(arch: m.archs[$0], latencyMs: m.latency[$0]) }
            let (allBlend, _) = try FineTuner.blendedBaseWithWeights(try pool.map { try $0.asPredictor() }, samples: all)
            let blendSRCC = RankCorrelation.spearman(try allBlend.predict(archs: m.archs), m.latency)
            oracleRows.append("| \(device) | \(m.archs.count) | \(distinct) | \(f3(tieCeiling)) | \(f3(oracleSRCC)) | \(f3(lutSRCC)) | \(f3(blendSRCC)) |")
        }
        // Tables.
        func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }
        emit("### Mean SRCC per test device (random draws)\n")
        emit("| device | k | best dev | finetune | blend | adaptProxy | blend+adaptProxy mean | **adapt** | hindsight | adapt's choices |")
        emit("|---|---|---|---|---|---|---|---|---|---|")
        for device in split.test {
            for k in ks {
                let r = results[device]![k]!
                var counts: [String: Int] = [:]
                for s in r { counts[s.chosen.rawValue, default: 0] += 1 }
                emit("| \(device) | \(k) | \(f3(mean(r.map(\.bestMember)))) | \(f3(mean(r.map(\.finetune)))) | \(f3(mean(r.map(\.blend)))) | \(f3(mean(r.map(\.proxy)))) | \(f3(mean(r.map(\.blendProxy)))) | **\(f3(mean(r.map(\.adapt))))** | \(f3(mean(r.map(\.hindsight)))) | \(counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) |")
            }
        }
        emit("\n### Mean over the test devices\n")
        emit("| devices | k | best dev | finetune | blend | adaptProxy | blend+adaptProxy mean | **adapt** | hindsight | SE of adapt's mean |")
        emit("|---|---|---|---|---|---|---|---|---|---|")
        let groups: [(String, [String])] = [("all \(split.test.count)", split.test),
                                            ("without pixel2, raspi4", split.test.filter { $0 != "pixel2" && $0 != "raspi4" })]
        for (label, devices) in groups where !devices.isEmpty {
            for k in ks {
                func col(_ f: (FewShotScores) -> Double) -> String {
                    f3(mean(devices.map { d in mean(results[d]![k]!.map(f)) }))
                }
                // Standard error of the device-mean over the draws (draw d's device-mean, d = seed).
                let perDraw = seeds.indices.map { d in mean(devices.map { results[$0]![k]![d].adapt }) }
                let m = mean(perDraw)
                let se = (perDraw.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(perDraw.count - 1, 1)) / Double(perDraw.count)).squareRoot()
                emit("| \(label) | \(k) | \(col(\.bestMember)) | \(col(\.finetune)) | \(col(\.blend)) | \(col(\.proxy)) | \(col(\.blendProxy)) | **\(col(\.adapt))** | \(col(\.hindsight)) | \(String(format: "%.4f", se)) |")
            }
        }
        if !ref.isEmpty {
            emit("\n### HELP's 10 reference archs as the samples (k = 10, one draw)\n")
            emit("| device | best dev | finetune | blend | adaptProxy | **adapt** | choice |")
            emit("|---|---|---|---|---|---|---|")
            for d in split.test { if let s = ref[d] {
                emit("| \(d) | \(f3(s.bestMember)) | \(f3(s.finetune)) | \(f3(s.blend)) | \(f3(s.proxy)) | **\(f3(s.adapt))** | \(s.chosen.rawValue) |")
            } }
            let rs = split.test.compactMap { ref[$0] }
            emit("| mean | \(f3(mean(rs.map(\.bestMember)))) | \(f3(mean(rs.map(\.finetune)))) | \(f3(mean(rs.map(\.blend)))) | \(f3(mean(rs.map(\.proxy)))) | **\(f3(mean(rs.map(\.adapt))))** | |")
        }
        let timing = callSeconds.keys.sorted().map { k in
            let t = callSeconds[k]!
            return "k = \(k) \(String(format: "%.2f", t.reduce(0, +) / Double(t.count))) s (max \(String(format: "%.2f", t.max()!)), \(t.count) calls)"
        }
        emit("\nTime per `adapt` call (release, one thread, under this machine's load): \(timing.joined(separator: "; ")).")
        emit("\n### What bounds each test device (its own data, not available to a few-shot method)\n")
        emit("tie ceiling = SRCC of the measurements against themselves with ties broken (the best any strictly ordered prediction can score; < 1 where timings are whole ms); pairwise / LUT = that model fitted on ALL of the device's measurements, scored in-sample; pool blend = the non-negative blend of the pool (`blend`'s base, before its residual step) fitted on all of them.\n")
        emit("| device | archs | distinct latencies | tie ceiling | pairwise, all data | LUT, all data | pool blend, all data |")
        emit("|---|---|---|---|---|---|---|")
        for r in oracleRows { emit(r) }
        emit("")
    }
    emit("Wall time \(String(format: "%.0f", Double((clock.now - start).components.seconds))) s (release build; timing under load is an upper bound).")
}

/// A device's name without its batch-size suffix (`1080ti_32` → `1080ti`): GPUs measured at
/// several batch sizes are one device family.
private func deviceFamily(_ name: String) -> String {
    guard let i = name.lastIndex(of: "_"), Int(name[name.index(after: i)...]) != nil else { return name }
    return String(name[..<i])
}

/// A pool device's kind for `--validate-kind-out`: GPU, server CPU or phone (HELP's pool devices).
private func deviceKind(_ name: String) -> String {
    if ["1080ti", "titanx", "titan_rtx", "2080ti"].contains(deviceFamily(name)) { return "gpu" }
    if name.hasPrefix("silver_") || name.hasPrefix("gold_") { return "cpu" }
    return "phone"
}

/// HELP's reference architectures of a space (`<space>/reference_archs_help.csv`, last column).
private func referenceArchs(fixtures: String, space: any SearchSpace) throws -> [Architecture] {
    let path = "\(fixtures)/\(space.id)/reference_archs_help.csv"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return try text.split(separator: "\n").dropFirst().compactMap { line -> Architecture? in
        guard let field = line.split(separator: ",").last else { return nil }
        return try space.parse(String(field).trimmingCharacters(in: .whitespaces))
    }
}
