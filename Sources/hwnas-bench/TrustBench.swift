// `hwnas-bench trust`: the answers issue 17 (items 1 and 7) made trustworthy, each with and
// without the fix:
//  (1) NB201 degenerate cells (no data path): per device, the default recipe trained with them
//      (recipe 3) and without them (recipe 4), judged on held-out ordinary cells and on the
//      held-out degenerate ones;
//  (2) searches with the new default predictor, degenerate cells excluded (default) and
//      included: how many degenerate cells are best / fastest / on the front, and the fastest's
//      predicted and measured latency;
//  (3) proxy objectives: rank correlation of MACs and params with measured accuracy (OFA top-1,
//      NB201 CIFAR-10), and an FBNet search under 20 ms with max-macs vs the old -MACs;
//  (4) OFA: search under 12 ms on v100_32 with the resolution fixed at the measured 224 vs
//      extrapolating, and the accuracy predictor's train vs load time.
// Writes markdown to stdout and Benchmarks/results/trust.md.
import Foundation
import NASCore
import NASData
import NASPredictors
import NASSearch
import NASSpaces

/// Entry point of `hwnas-bench trust [--quick] [--fixtures DIR] [--out FILE] [--sections 1234]`.
func runTrustBench(arguments: [String]) throws {
    var quick = false, fixtures: String? = nil, out: String? = nil, sections = Set("1234")
    var i = 0
    while i < arguments.count {
        switch arguments[i] {
        case "--quick": quick = true
        case "--fixtures" where i + 1 < arguments.count: i += 1; fixtures = arguments[i]
        case "--out" where i + 1 < arguments.count: i += 1; out = arguments[i]
        case "--sections" where i + 1 < arguments.count: i += 1; sections = Set(arguments[i])
        default: throw NASError(.invalidParams, "unknown option \(arguments[i]); options: --quick --fixtures DIR --out FILE --sections 1234")
        }
        i += 1
    }
    var bench = TrustBench(catalog: DataCatalog(fixturesDirectory: try FixturesLocator.locate(fixtures)), quick: quick,
                           sections: sections)
    try bench.run()
    try writeBenchReport(bench.report, bench: "trust", results: "Benchmarks/results/trust.md", out: out,
                         whole: !quick && sections == Set("1234"))
}

private struct TrustBench {
    let catalog: DataCatalog
    let quick: Bool
    let sections: Set<Character>
    var report = ""

    mutating func emit(_ line: String = "") {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        report += line + "\n"
    }

    static func f(_ x: Double, _ d: Int = 3) -> String { String(format: "%.\(d)f", x) }

    mutating func run() throws {
        let t0 = Date()
        emit("# Trustworthy answers (hwnas-bench trust\(quick ? " --quick" : "")\(sections.count < 4 ? " --sections \(String(sections.sorted()))" : ""))")
        emit()
        emit("Release build; seed 0; \(ProcessInfo.processInfo.activeProcessorCount) cores visible.")
        if sections.contains("1") { try predictors() }
        if sections.contains("2") { try searches() }
        if sections.contains("3") { try proxies() }
        if sections.contains("4") { try ofa() }
        emit()
        emit("Total bench time: \(Self.f(Date().timeIntervalSince(t0), 0)) s.")
    }

    var nb201Devices: [String] {
        let all = catalog.deviceNames(space: "nb201")
        return quick ? all.filter { ["pixel3", "raspi4", "eyeriss", "2080ti_1"].contains($0) } : all
    }

    // MARK: (1) predictors with and without degenerate cells

    mutating func predictors() throws {
        let space = try SpaceRegistry.space("nb201")
        emit()
        emit("## 1. Default NB201 predictors trained with / without the 341 degenerate cells")
        emit()
        emit("1,000 training cells drawn as the default trainer draws them (seed 0); judged on the other 14,625 measured cells.")
        emit("`r3` = recipe 3 (degenerate cells in training, modelled apart where that lowers a LUT's CV RMSE by 5%);")
        emit("`excl` = the same trainer without the degenerate cells; `r4` = recipe 4: `excl` with predictions floored at half the")
        emit("fastest training latency (`notes.floorMs`). RMSE in ms; `deg ~0` = held-out degenerate cells measured > 0.5 ms but")
        emit("predicted < 0.01 ms; `min ordinary` = lowest prediction over all 15,284 ordinary cells (the lowest measured in brackets).")
        emit()
        emit("| device | RMSE ordinary r3 | excl | r4 | SRCC ordinary r3 | excl | r4 | RMSE degenerate r3 | r4 | deg ~0 r3 | r4 | min ordinary r3 | r4 (measured) |")
        emit("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for device in nb201Devices {
            let m = try catalog.measurements(space: "nb201", device: device)
            var order = Array(0..<m.archs.count)
            var rng = SeededGenerator(seed: 0 ^ 0x5EED_0001)
            order.seededShuffle(using: &rng)
            let train = Array(order.prefix(1000)), test = Array(order.dropFirst(1000))
            let ordinary = test.filter { !space.isDegenerate(m.archs[$0]) }, degenerate = test.filter { space.isDegenerate(m.archs[$0]) }
            let allOrdinary = space.nonDegenerateIndices(m.archs)
            var rmseO: [String] = [], srccO: [String] = [], rmseD: [String] = [], zeros: [String] = [], mins: [String] = []
            for variant in ["r3", "excl", "r4"] {
                let idx = variant == "r3" ? train : train.filter { !space.isDegenerate(m.archs[$0]) }
                let fit = try PredictorTrainer.fit(kind: .auto, archs: idx.map { m.archs[$0] }, latency: idx.map { m.latency[$0] },
                                                   space: space, config: { var c = MLPTrainingConfig(); c.seed = 0; return c }(),
                                                   control: .none)
                let floor = variant == "r4" ? 0.5 * (idx.map { m.latency[$0] }.min() ?? 0) : 0
                let enc = ActiveOneHot(space: space)
                func predict(_ i: [Int]) throws -> [Double] {
                    try fit.model.predict(i.map { m.archs[$0] }, space: space, encoding: enc).map { max($0, floor) }
                }
                let pO = try predict(ordinary)
                let mo = RegressionMetrics(predicted: pO, actual: ordinary.map { m.latency[$0] })
                rmseO.append(Self.f(mo.rmse)); srccO.append(Self.f(mo.spearman))
                guard variant != "excl" else { continue }
                let pD = try predict(degenerate)
                rmseD.append(Self.f(RegressionMetrics(predicted: pD, actual: degenerate.map { m.latency[$0] }).rmse))
                zeros.append("\(zip(pD, degenerate).filter { $0.0 < 0.01 && m.latency[$0.1] > 0.5 }.count)/\(degenerate.count)")
                mins.append(String(format: "%.3g", try predict(allOrdinary).min() ?? .nan))
            }
            mins[1] += String(format: " (%.3g)", allOrdinary.map { m.latency[$0] }.min() ?? .nan)
            emit("| " + ([device] + rmseO + srccO + rmseD + zeros + mins).joined(separator: " | ") + " |")
        }
    }

    // MARK: (2) searches

    mutating func searches() throws {
        let space = try SpaceRegistry.space("nb201")
        let trainer = PredictorTrainer(catalog: catalog)
        let accuracy = try AccuracySources.nb201(catalog: catalog, space: space)
        emit()
        emit("## 2. NB201 searches, degenerate cells excluded (default) / included")
        emit()
        emit("Default predictor of recipe 4 (trained without degenerate cells, floored); CIFAR-10 measured accuracy; Pareto mode")
        emit("(NSGA-II, 50 generations of 100) and budget mode (evolution, 50 generations, budget 0.0001 ms).")
        emit("`deg` columns count degenerate cells among the front / the fastest; `fastest` = predicted (measured) ms.")
        emit()
        emit("| device | front deg excl | incl | front[0] ms excl | incl | fastest excl | fastest incl | budget 0.0001 ms excl | incl |")
        emit("|---|---:|---:|---:|---:|---|---|---|---|")
        let devices = quick ? ["pixel3", "raspi4"] : ["pixel3", "raspi4", "pixel2", "samsung_a50", "eyeriss", "gold_6226", "2080ti_1", "titanx_32"]
        for device in devices {
            var request = TrainRequest(space: "nb201", device: device)
            request.excludeDegenerate = true
            let predictor = try trainer.train(request)
            let m = try catalog.measurements(space: "nb201", device: device)
            var measured: [Architecture: Double] = [:]
            for (a, l) in zip(m.archs, m.latency) { measured[a] = l }
            let latency: BatchObjective = { archs throws(NASError) in try predictor.predict(archs: archs) }
            var cells = [device]
            var fronts: [String] = [], firsts: [String] = [], fastest: [String] = [], budgets: [String] = []
            for include in [false, true] {
                var problem = SearchProblem(space: space, latency: latency, accuracy: accuracy)
                problem.includeDegenerate = include
                var config = SearchConfig(goal: .pareto, algorithm: .nsga2, generations: 50)
                config.seed = 0
                let r = try ArchitectureSearch.run(problem, config: config)
                fronts.append("\(r.front.filter { space.isDegenerate($0.arch) }.count)/\(r.front.count)")
                firsts.append(r.front.first.map { String(format: "%.3g", $0.latencyMs) } ?? "-")
                if let f = r.fastest {
                    fastest.append(String(format: "%.3g (%.3g)%@", f.latencyMs, measured[f.arch] ?? .nan, space.isDegenerate(f.arch) ? " deg" : ""))
                } else {
                    fastest.append("-")
                }
                do {
                    let b = try ArchitectureSearch.run(problem, config: SearchConfig(goal: .latencyBudget(ms: 0.0001), generations: 50))
                    budgets.append("answered " + String(format: "%.3g ms", b.best?.latencyMs ?? .nan))
                } catch {
                    budgets.append(error.kind == .infeasibleBudget ? "infeasible" : "error \(error.kind)")
                }
            }
            cells += fronts + firsts + fastest + budgets
            emit("| " + cells.joined(separator: " | ") + " |")
        }
    }

    // MARK: (3) proxies

    mutating func proxies() throws {
        emit()
        emit("## 3. Proxy objectives for spaces without measured accuracy")
        emit()
        let ofa = try catalog.ofaAccuracy()
        emit("Spearman rank correlation with measured accuracy (the case for maximizing compute within a budget):")
        emit()
        emit("| data | MACs | params |")
        emit("|---|---:|---:|")
        emit("| OFA MobileNetV3, ImageNet top-1, 2,223 subnets | \(Self.f(RankCorrelation.spearman(ofa.macs, ofa.top1))) | \(Self.f(RankCorrelation.spearman(ofa.params, ofa.top1))) |")
        let nb = try SpaceRegistry.space("nb201")
        let cells = nb.enumerateAll()!
        let acc = try catalog.nb201Accuracy().map { $0[0] }
        let ordinary = nb.nonDegenerateIndices(cells)
        let costs = ordinary.map { nb.cost(of: cells[$0]) }
        let a = ordinary.map { acc[$0] }
        emit("| NB201, CIFAR-10 test accuracy, 15,284 ordinary cells | \(Self.f(RankCorrelation.spearman(costs.map(\.macs), a))) | \(Self.f(RankCorrelation.spearman(costs.map(\.params), a))) |")
        emit()
        let fb = try SpaceRegistry.space("fbnet")
        let skip = fb.optionLabels(ofDecision: 0).firstIndex { $0.contains("skip") }
        let devices = quick ? ["pixel3"] : ["pixel3", "raspi4", "samsung_a50", "gold_6226"]
        emit("FBNet search under 20 ms (evolution, 50 generations) and Pareto front (NSGA-II, 50 generations), default predictor:")
        emit()
        emit("| device | objective | best MMACs | best skip layers (of 22) | best predicted ms | front size |")
        emit("|---|---|---:|---:|---:|---:|")
        for device in devices {
            let predictor = try PredictorTrainer(catalog: catalog).train(TrainRequest(space: "fbnet", device: device))
            let latency: BatchObjective = { archs throws(NASError) in try predictor.predict(archs: archs) }
            for (name, maximize) in [("macs (old default, -MACs)", false), ("max-macs (new default)", true)] {
                let problem = SearchProblem(space: fb, latency: latency, accuracy: AccuracySources.proxy(.macs, maximize: maximize, space: fb))
                let p = try ArchitectureSearch.run(problem, config: SearchConfig(goal: .pareto, algorithm: .nsga2, generations: 50))
                var found: SearchResult? = nil, why = ""
                do {
                    found = try ArchitectureSearch.run(problem, config: SearchConfig(goal: .latencyBudget(ms: 20), generations: 50))
                } catch {
                    why = String(error.message.prefix(90))
                }
                guard let r = found else {
                    emit("| \(device) | \(name) | 20 ms infeasible: \(why) | | | \(p.front.count) |")
                    continue
                }
                let best = r.best!.arch
                let skips = skip.map { s in best.genes.filter { Int($0) == s }.count } ?? 0
                emit("| \(device) | \(name) | \(Self.f(fb.cost(of: best).macs / 1e6, 1)) | \(skips) | \(Self.f(r.best!.latencyMs, 2)) | \(p.front.count) |")
            }
        }
    }

    // MARK: (4) OFA

    mutating func ofa() throws {
        let space = try SpaceRegistry.space("ofa_mbv3")
        emit()
        emit("## 4. OFA: accuracy only where it was measured")
        emit()
        let data = try catalog.ofaAccuracy()
        let fixed = AccuracySource.constantDecisions(of: data.archs)
        emit("Decisions constant over the 2,223 measured subnets: " + fixed.sorted { $0.key < $1.key }.map {
            "\(space.decisionNames[$0.key]) = \(space.optionLabels(ofDecision: $0.key)[Int($0.value)])"
        }.joined(separator: ", ") + ".")
        let dir = NSTemporaryDirectory() + "hwnas-bench-trust-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var t = Date()
        let (model, trained) = try OFAAccuracyPredictor.loadOrTrain(catalog: catalog, space: space, directory: dir)
        let trainS = Date().timeIntervalSince(t)
        t = Date()
        let (_, trainedAgain) = try OFAAccuracyPredictor.loadOrTrain(catalog: catalog, space: space, directory: dir)
        let loadS = Date().timeIntervalSince(t)
        emit("Accuracy predictor: trained in \(Self.f(trainS, 1)) s (\(trained.rawValue)), loaded from the state directory in \(Self.f(loadS, 2)) s (\(trainedAgain.rawValue)); held-out RMSE \(Self.f(model.heldOut.rmse)) top-1 points, SRCC \(Self.f(model.heldOut.spearman)).")
        emit()
        let device = "v100_32"
        let predictor = try PredictorTrainer(catalog: catalog).train(TrainRequest(space: "ofa_mbv3", device: device))
        let latency: BatchObjective = { archs throws(NASError) in try predictor.predict(archs: archs) }
        let rGene = space.decisionNames.firstIndex { $0.hasPrefix("r") } ?? space.decisionCount - 1
        emit("Search under 12 ms on \(device) (evolution, 100 generations), seeds 0-2:")
        emit()
        emit("| mode | seed | resolution | predicted top-1 % | predicted ms | warning |")
        emit("|---|---:|---:|---:|---:|---|")
        for extrapolate in [false, true] {
            for seed in UInt64(0)..<3 {
                let problem = SearchProblem(space: space, latency: latency, accuracy: model.source, extrapolate: extrapolate)
                let r = try ArchitectureSearch.run(problem, config: SearchConfig(goal: .latencyBudget(ms: 12), generations: 100, seed: seed))
                let b = r.best!
                let warn = problem.extrapolationWarning(for: [b.arch]) == nil ? "" : "extrapolated"
                emit("| \(extrapolate ? "extrapolate" : "default (r fixed)") | \(seed) | \(space.optionLabels(ofDecision: rGene)[Int(b.arch.genes[rGene])]) | \(Self.f(b.accuracy, 2)) | \(Self.f(b.latencyMs, 2)) | \(warn) |")
            }
        }
    }
}
