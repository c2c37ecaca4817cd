// `hwnas-bench monotonicity [--quick] [--live-path no]`: latency monotonicity (SRCC matrices), proxy adaptation
// with k target samples against baselines, and Pareto-front reuse on NB201 (issue 5, OneProxy).
import Foundation
import NASCore
import NASData
import NASPredictors
import NASSearch
import NASSpaces

/// One proxy → target evaluation: SRCC on every measured arch not used for adaptation.
private struct AdaptationRow {
    var table: String, proxy: String, target: String, raw: Double
    var adapted: [Double] = [], pooled: [Double] = [], scratch: [Double] = [], bestProxy: [Double] = [], affine: [Double] = []
}

func runMonotonicityBench(arguments: [String]) throws {
    let quick = arguments.contains("--quick")
    let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
    let analysis = MonotonicityAnalysis(catalog: catalog)
    let space = try SpaceRegistry.space("nb201")
    let ks = [10, 20, 50]
    let seeds: [UInt64] = quick ? [1] : [1, 2]
    var md = "# Latency monotonicity and proxy adaptation (`hwnas-bench monotonicity\(quick ? " --quick" : "")`)\n\n"
    func emit(_ s: String) { print(s); md += s + "\n" }
    let clock = ContinuousClock()
    let start = clock.now

    // 1. Matrices.
    var weak: [(table: String, a: String, b: String, value: Double)] = []
    var matrices: [String: MonotonicityMatrix] = [:]
    for table in ["nb201_oneproxy", "nb201"] {
        let m = try analysis.matrix(table: table)
        matrices[table] = m
        emit("## SRCC matrix: \(table) (\(m.devices.count) devices, measured data)\n")
        emit("| | " + m.devices.indices.map { "d\($0)" }.joined(separator: " | ") + " |")
        emit("|---|" + String(repeating: "---|", count: m.devices.count))
        for i in m.devices.indices {
            emit("| d\(i) \(m.devices[i]) | " + m.devices.indices.map { String(format: "%.2f", m[i, $0]) }.joined(separator: " | ") + " |")
        }
        let pairs = m.pairs(below: 0.8)
        weak += pairs.map { (table, $0.a, $0.b, $0.value) }
        emit("\n\(pairs.count) of \(m.devices.count * (m.devices.count - 1) / 2) pairs have SRCC < 0.8. Weakest: "
             + pairs.prefix(8).map { "\($0.a)–\($0.b) \(String(format: "%.2f", $0.value))" }.joined(separator: ", ") + "\n")
    }

    // 2. Adaptation. Cases: every weak pair in both directions, plus eyeriss/raspi4 targets from
    // their best and worst proxy. --quick: the 12 weakest pairs and the eyeriss/raspi4 cases.
    var cases: [(table: String, proxy: String, target: String)] = []
    let chosenWeak = quick ? Array(weak.sorted { $0.value < $1.value }.prefix(12)) : weak
    for w in chosenWeak {
        cases.append((w.table, w.a, w.b))
        cases.append((w.table, w.b, w.a))
    }
    for (table, targets) in [("nb201", ["eyeriss", "raspi4"]), ("nb201_oneproxy", ["rice_eyeriss", "rice_raspi4"])] {
        let m = matrices[table]!
        for t in targets {
            let others = m.devices.filter { $0 != t }
            let best = m.bestProxy(for: t)!.device
            let worst = others.min { m.value(t, $0)! < m.value(t, $1)! }!
            for p in [best, worst] where !cases.contains(where: { $0.table == table && $0.proxy == p && $0.target == t }) {
                cases.append((table, p, t))
            }
        }
    }
    var rows: [AdaptationRow] = []
    // The pool the daemon gives `adaptProxy`: a pairwise model per fixture device of the space, fitted on
    // all its measurements. For a fair test the target and its aliases (another table's copy of
    // the same measurements, e.g. rice_pixel3 = pixel3: SRCC ≥ 0.999 on shared archs) are left out.
    // `--live-path no`: without the live-path copy (`FixturePool.models(livePathCopies:)`), the pool before it shipped.
    let fullPool = try FixturePool.models(catalog: catalog, space: "nb201", excluding: [],
                                          livePathCopies: benchOption(arguments, "--live-path") != "no")
    var measuredByDevice: [String: [Architecture: Double]] = [:]
    for d in catalog.deviceNames(space: "nb201") {
        let m = try catalog.measurements(space: "nb201", device: d)
        measuredByDevice[d] = Dictionary(zip(m.archs, m.latency), uniquingKeysWith: { a, _ in a })
    }
    var aliasCache: [String: Set<String>] = [:]
    func aliases(of target: String) -> Set<String> {
        if let a = aliasCache[target] { return a }
        let t = measuredByDevice[target]!
        var out: Set<String> = [target]
        for (d, m) in measuredByDevice where d != target {
            let shared = t.keys.filter { m[$0] != nil }
            guard shared.count >= 50 else { continue }
            if RankCorrelation.spearman(shared.map { t[$0]! }, shared.map { m[$0]! }) >= 0.999 { out.insert(d) }
        }
        aliasCache[target] = out
        return out
    }
    var proxyCache: [String: ProxyLatencyModel] = [:]
    func proxyModel(_ d: String) throws -> ProxyLatencyModel {
        if let p = proxyCache[d] { return p }
        let p = try ProxyLatencyModel.measured(catalog: catalog, space: "nb201", device: d)
        proxyCache[d] = p
        return p
    }
    for (ci, c) in cases.enumerated() {
        let table = try catalog.latencyTable(c.table)
        let pcol = try table.column(c.proxy), tcol = try table.column(c.target)
        let usable = table.archs.indices.filter { !pcol[$0].isNaN && !tcol[$0].isNaN }
        var row = AdaptationRow(table: c.table, proxy: c.proxy, target: c.target,
                                raw: RankCorrelation.spearman(usable.map { pcol[$0] }, usable.map { tcol[$0] }))
        let proxy = try proxyModel(c.proxy)
        let excluded = aliases(of: c.target)
        let fixtureProxies = try table.devices.filter { !excluded.contains($0) }.map { try proxyModel($0) }
        let pool = fullPool.filter { !excluded.contains($0.name) && $0.name != c.proxy }
        for k in ks {
            var a = 0.0, pa = 0.0, s = 0.0, b = 0.0, f = 0.0
            for seed in seeds {
                var order = usable
                var rng = SeededGenerator(seed: seed &* 7919 &+ UInt64(ci))
                for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(i + 1)) }
                let train = order.prefix(k).map { LatencySample(arch: table.archs[$0], latencyMs: tcol[$0]) }
                let held = Array(order.dropFirst(k))
                let heldArchs = held.map { table.archs[$0] }, heldY = held.map { tcol[$0] }
                // Adapted proxy (auto: CV-chosen among affine / residual).
                let r = try ProxyAdaptation.adapt(proxy: proxy, targetName: c.target, samples: Array(train), seed: seed)
                a += RankCorrelation.spearman(try r.predictor.predict(heldArchs), heldY)
                // Adapted with the fixture pool (auto: also the pool candidates).
                let rp = try ProxyAdaptation.adapt(proxy: proxy, targetName: c.target, samples: Array(train), pool: pool, seed: seed)
                pa += RankCorrelation.spearman(try rp.predictor.predict(heldArchs), heldY)
                // (b) MLP from scratch on the k samples.
                let enc = ActiveOneHot(space: space)
                let cfg = MLPTrainingConfig(hidden: [64, 64], learningRate: 1e-3, batchSize: 16, maxEpochs: 300,
                                            patience: 300, validationFraction: 0, seed: seed)
                let (net, _) = try NeuralRegressor.train(x: enc.encode(train.map(\.arch), space: space), y: train.map(\.latencyMs),
                                                         validation: nil, transform: .logStandardized, config: cfg, control: .none)
                s += RankCorrelation.spearman(net.predict(enc.encode(heldArchs, space: space)), heldY)
                // (c) HELP-style: this proxy + per-target affine fit (monotone: the raw proxy's ranking).
                let map = AffineLogMap.fit(source: try proxy.predict(train.map(\.arch)), target: train.map(\.latencyMs))
                f += RankCorrelation.spearman(held.map { map.apply(pcol[$0]) }, heldY)
                // Baseline: best fixture proxy by SRCC on the k samples, affine-fitted. Proxies
                // lacking a measurement of some sample (rice_edgetpu) are skipped.
                let candidates = fixtureProxies.filter { (try? $0.predict(train.map(\.arch))) != nil }
                let bp = try ProxyAdaptation.bestProxyAffine(proxies: candidates, samples: Array(train))
                let bcol = try table.column(bp.proxy.name)
                b += RankCorrelation.spearman(held.map { bcol[$0].isNaN ? 0 : bp.map.apply(bcol[$0]) }, heldY)
            }
            let n = Double(seeds.count)
            row.adapted.append(a / n); row.pooled.append(pa / n); row.scratch.append(s / n); row.affine.append(f / n); row.bestProxy.append(b / n)
        }
        rows.append(row)
    }
    func f2(_ x: Double) -> String { String(format: "%.3f", x) }
    emit("## Proxy adaptation: SRCC vs the target's measurements on all archs not used for adaptation (mean of \(seeds.count) seed(s))\n")
    emit("adapted = `ProxyAdaptation.adapt(method: auto)` with the proxy alone (OneProxy); +pool = the same with the daemon's fixture pool (a pairwise-interaction LUT per other nb201 fixture device, the target and its aliases left out), as `adaptProxy` runs by default; scratch = MLP [64,64] trained on the k samples only; affine = this proxy + per-target log-affine fit (HELP-style); best-proxy = best measured device of the target's table (aliases left out) by SRCC on the k samples, affine-fitted.\n")
    emit("| cases | raw | adapted k=10 / 20 / 50 | adapted+pool k=10 / 20 / 50 | scratch k=10 / 20 / 50 | affine k=10 / 20 / 50 | best-proxy k=10 / 20 / 50 |")
    emit("|---|---|---|---|---|---|---|")
    func summary(_ label: String, _ rs: [AdaptationRow]) {
        guard !rs.isEmpty else { return }
        func mean(_ f: (AdaptationRow) -> Double) -> String { f2(rs.map(f).reduce(0, +) / Double(rs.count)) }
        func trio(_ f: @escaping (AdaptationRow) -> [Double]) -> String { (0..<ks.count).map { i in mean { f($0)[i] } }.joined(separator: " / ") }
        emit("| \(label) (\(rs.count)) | \(mean { $0.raw }) | \(trio { $0.adapted }) | \(trio { $0.pooled }) | \(trio { $0.scratch }) | \(trio { $0.affine }) | \(trio { $0.bestProxy }) |")
    }
    let weakRows = rows.filter { $0.raw < 0.8 }
    summary("all weak ordered pairs", weakRows)
    summary("weak, nb201_oneproxy", weakRows.filter { $0.table == "nb201_oneproxy" })
    summary("weak, HELP nb201", weakRows.filter { $0.table == "nb201" })
    for t in ["eyeriss", "raspi4", "rice_eyeriss", "rice_raspi4", "pixel3", "rice_pixel3"] {
        summary("target \(t)", rows.filter { $0.target == t })
    }
    let eligible = rows.filter { $0.raw >= 0.5 && $0.raw < 0.8 }
    for (label, get) in [("adapted", { (r: AdaptationRow) in r.adapted[1] }), ("adapted+pool", { (r: AdaptationRow) in r.pooled[1] })] {
        let met = eligible.filter { get($0) >= 0.9 }
        emit("\nTarget (\(label) SRCC ≥ 0.9 at k = 20 where raw ≥ 0.5): met for \(met.count) of \(eligible.count) weak ordered pairs; mean at k=20 \(f2(eligible.map(get).reduce(0, +) / Double(max(eligible.count, 1)))), worst: "
             + eligible.sorted { get($0) < get($1) }.prefix(5).map { "\($0.proxy)→\($0.target) \(f2(get($0)))" }.joined(separator: ", "))
        var byTarget: [String: (met: Int, all: Int)] = [:]
        for r in eligible { byTarget[r.target, default: (0, 0)].all += 1; if get(r) >= 0.9 { byTarget[r.target]!.met += 1 } }
        emit("Per target (met/eligible): " + byTarget.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.met)/\($0.value.all)" }.joined(separator: ", ") + "\n")
        guard label == "adapted+pool", !quick else { continue }
        // How far each missed target is from what its own data allow: the daemon's default
        // predictor trained on 1,500 of the target's OWN measured archs (75% of nb201_oneproxy's
        // 1,999), SRCC on the rest. A target whose ceiling is near 0.9 (measurement noise,
        // whole-millisecond timings) cannot reach 0.9 from 20 samples by any method.
        let missed = byTarget.filter { $0.value.met < $0.value.all }.keys.sorted()
        emit("Ceiling of the targets with a missed pair: the default predictor (variant by validation) on 1,500 of the target's own measured archs, SRCC on the rest (seed 0):\n")
        emit("| target | met/eligible | adapted+pool k=20 / 50 (mean over its eligible pairs) | own LUT, 1,500 archs | own default, 1,500 archs | distinct latency values |")
        emit("|---|---|---|---|---|---|")
        for t in missed {
            let own = try PredictorTrainer(catalog: catalog).train(TrainRequest(space: "nb201", device: t, trainSize: 1500, seed: 0))
            let rs = eligible.filter { $0.target == t }
            let k20 = rs.map { $0.pooled[1] }.reduce(0, +) / Double(rs.count), k50 = rs.map { $0.pooled[2] }.reduce(0, +) / Double(rs.count)
            let distinct = Set(try catalog.measurements(space: "nb201", device: t).latency).count
            emit("| \(t) | \(byTarget[t]!.met)/\(byTarget[t]!.all) | \(f2(k20)) / \(f2(k50)) | \(f2(own.metrics.lutBaseline?.spearman ?? .nan)) | \(f2(own.metrics.heldOut?.spearman ?? .nan)) (\(own.metrics.variant)) | \(distinct) |")
        }
        emit("")
    }
    var detail = "\n### Every case\n\n| table | proxy → target | raw | adapted 10/20/50 | adapted+pool 10/20/50 | scratch 10/20/50 | affine 10/20/50 | best-proxy 10/20/50 |\n|---|---|---|---|---|---|---|---|\n"
    for r in rows {
        detail += "| \(r.table) | \(r.proxy) → \(r.target) | \(f2(r.raw)) | \(r.adapted.map(f2).joined(separator: " / ")) | \(r.pooled.map(f2).joined(separator: " / ")) | \(r.scratch.map(f2).joined(separator: " / ")) | \(r.affine.map(f2).joined(separator: " / ")) | \(r.bestProxy.map(f2).joined(separator: " / ")) |\n"
    }

    // 3. Reuse on NB201 (exact enumeration, CIFAR-10 test accuracy).
    emit("## Reuse: NB201 Pareto front (CIFAR-10 accuracy vs target latency), proxy-chosen vs true\n")
    emit("`reuse` (`ParetoReuse`): recovered = fraction of the target's true Pareto archs on the proxy's front; HV ratio = hypervolume of the proxy's front measured with the target's latencies / the true front's (reference: worst latency and accuracy of the space). adapted: k = 20 target samples, auto.\n")
    emit("| target | proxy | SRCC raw | true front | recovered raw | HV raw | recovered adapted | HV adapted |")
    emit("|---|---|---|---|---|---|---|---|")
    let nb = try catalog.latencyTable("nb201")
    let acc = try catalog.nb201Accuracy()
    let c10 = nb.archIDs.map { acc[$0][0] }
    let m201 = matrices["nb201"]!
    for t in ["eyeriss", "raspi4", "pixel3"] {
        let tcol = try nb.column(t)
        let trueFront = ParetoFront.nonDominated(latency: tcol, accuracy: c10)
        // What the daemon's `reuse` reports.
        func score(_ predicted: [Double]) -> (Double, Double) {
            let r = ParetoReuse.evaluate(proxyLatency: predicted, targetLatency: tcol, accuracy: c10)
            return (r.recovered, r.hypervolumeRatio)
        }
        let worst = m201.devices.filter { $0 != t }.min { m201.value(t, $0)! < m201.value(t, $1)! }!
        for p in [m201.bestProxy(for: t)!.device, worst] {
            let pcol = try nb.column(p)
            let (rr, hr) = score(pcol)
            var rng = SeededGenerator(seed: 11)
            var order = Array(0..<nb.archs.count)
            for i in 0..<20 { order.swapAt(i, i + rng.nextInt(order.count - i)) }
            let train = order.prefix(20).map { LatencySample(arch: nb.archs[$0], latencyMs: tcol[$0]) }
            let r = try ProxyAdaptation.adapt(proxy: try proxyModel(p), targetName: t, samples: Array(train), seed: 11)
            let (ra, ha) = score(try r.predictor.predict(nb.archs))
            emit("| \(t) | \(p) | \(f2(m201.value(t, p)!)) | \(trueFront.count) | \(f2(rr)) | \(f2(hr)) | \(f2(ra)) | \(f2(ha)) |")
        }
    }
    let elapsed = clock.now - start
    emit("\n\(cases.count) adaptation cases × k ∈ \(ks) × \(seeds.count) seed(s); wall time \(elapsed.components.seconds) s.")
    md += detail
    let dir = FileManager.default.currentDirectoryPath + "/Benchmarks/results"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try md.write(toFile: dir + "/monotonicity\(quick ? "-quick" : "").md", atomically: true, encoding: .utf8)
    print("written to Benchmarks/results/monotonicity\(quick ? "-quick" : "").md")
}
