// `hwnas-bench generate [--quick] [--fixtures DIR] [--iterations N] [--samples-per-budget M]
//                       [--entropy E] [--no-ofa]`
//
// PNAG (issue 7) with the daemon's DEFAULT latency predictors (`PredictorStore.defaultPredictor`,
// what `trainGenerator`/`generate` use) for the generator and for the searches it is compared with:
// - nb201: true CIFAR-10 test accuracy (NAS-Bench-201); devices 2080ti_1 (GPU), gold_6226 (CPU),
//   pixel3 (mobile). Answers are judged on MEASURED latency; optimum by enumerating 15,625 cells.
// - ofa_mbv3: ImageNet top-1 predicted by `OFAAccuracyPredictor`; devices 2080ti_1, v100_32 and
//   note10_lut (ofa_mbv3_seed). No enumeration and no measurement of new archs: answers are
//   judged by the predictors, against the searches.
// 20 budgets log-spaced over the 5th..95th percentile of the device's measured latencies.
// 1. Regret of the generated architecture vs the exact optimum (nb201) and vs 20 independent
//    evolution searches (OFA evolution, 5,000 predictor queries each, one per budget).
// 2. Queries and wall time: one generator training vs the 20 searches; hypervolume of the 20
//    generated points vs the 20 searched points (reference: the largest budget and the median
//    accuracy of the space, so only the competitive region counts).
// 3. Generalization: a generator trained on the 10 even budgets only, answering the 10 odd ones
//    by argmax and by the daemon's default (best of 16 samples + archive, re-ranked by the predictors).
// Writes markdown to stdout and Benchmarks/results/generate.md.
import Foundation
import NASCore
import NASData
import NASGenerator
import NASPredictors
import NASSearch
import NASSpaces


private func g3(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

private func milliseconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

/// One (space, device) case: the problem the generator and searches see, and how answers are judged.
private struct GenerateCase {
    var space: String
    var device: String
    var problem: SearchProblem
    /// Latency an answer is judged by (measured for nb201, the predictor for ofa_mbv3).
    var judgeLatency: ([Architecture]) throws -> [Double]
    /// Accuracy an answer is judged by.
    var judgeAccuracy: ([Architecture]) throws -> [Double]
    /// The exact optimum under a budget (nb201 only).
    var optimum: ((Double) -> Double)?
    var lo: Double
    var hi: Double
    var referenceAccuracy: Double
}

private struct GenerateTables {
    var rows: [String] = []
    var costRows: [String] = []
    var generalRows: [String] = []
    var timingRows: [String] = []
}

func runGenerateBench(arguments: [String]) throws {
    let quick = arguments.contains("--quick")
    let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate(benchOption(arguments, "--fixtures")))
    let store = try PredictorStore(directory: nil, catalog: catalog)
    var config = GeneratorConfig()
    config.iterations = Int(benchOption(arguments, "--iterations") ?? "") ?? (quick ? 150 : 400)
    if let m = Int(benchOption(arguments, "--samples-per-budget") ?? "") { config.samplesPerBudget = m }
    if let e = Double(benchOption(arguments, "--entropy") ?? "") { config.entropyWeight = e }
    let searchQueries = quick ? 1000 : 5000
    var md = "# hwnas-bench generate\n\n"
    func emit(_ s: String) {
        print(s)
        md += s + "\n"
    }
    emit("Run: `swift run -c release hwnas-bench generate \(arguments.joined(separator: " "))`, \(ProcessInfo.processInfo.activeProcessorCount) cores.")
    emit("Latency seen by the generator and by the searches: the daemon's default predictor of the device (`PredictorStore.defaultPredictor`, trained on 1,000 nb201 / 900 ofa_mbv3 measured archs). nb201: the predicted latency is divided by (1 − margin), margin = q0.95 of measured/predicted − 1 over the predictor's held-out cells predicted within the budget range (the same conservative latency for generator and searches); ofa_mbv3: no margin (answers are judged by the predictor).")
    emit("nb201: accuracy = CIFAR-10 test % (NAS-Bench-201); answers judged on MEASURED latency (over budget = regret of the optimum's accuracy). ofa_mbv3: accuracy = ImageNet top-1 predicted by `OFAAccuracyPredictor`; answers judged by the predictors (no measurement of new archs exists).")
    emit("Generator: \(config.iterations) iterations × \(config.budgetsPerStep) budgets × \(config.samplesPerBudget) samples, entropy \(config.entropyWeight)→\(config.finalEntropyWeight), seed \(config.seed); searches: OFA evolution, \(searchQueries) queries each, seed = budget index.\n")

    var cases: [() throws -> GenerateCase] = []
    var margins: [String: Double] = [:]
    // nb201.
    let nb = try SpaceRegistry.space("nb201")
    let all = nb.enumerateAll()!
    let nbAccuracy = try AccuracySources.nb201(dataset: "cifar10", catalog: catalog, space: nb)
    let acc = try nbAccuracy.objective(all)
    let nbMedian = acc.filter(\.isFinite).sorted()[acc.count / 2]
    for device in quick ? ["gold_6226"] : ["2080ti_1", "gold_6226", "pixel3"] {
        cases.append {
            let m = try catalog.measurements(space: "nb201", device: device)
            var measured = [Double](repeating: .nan, count: all.count)
            for (a, l) in zip(m.archs, m.latency) { if let i = nb.officialIndex(of: a) { measured[i] = l } }
            let p = try store.defaultPredictor(space: "nb201", device: device)
            let sorted = measured.filter(\.isFinite).sorted()
            let lo = sorted[sorted.count * 5 / 100], hi = sorted[sorted.count * 95 / 100]
            // Safety margin from the predictor's own held-out error: q0.95 of measured/predicted − 1
            // over the held-out cells (trainer's split, seed 0) predicted within the budget range.
            var order = Array(0..<m.archs.count)
            var rng = SeededGenerator(seed: 0 ^ 0x5EED_0001)
            order.seededShuffle(using: &rng)
            let held = Array(order.dropFirst(p.metrics.trainCount))
            let pred = try p.predict(archs: held.map { m.archs[$0] })
            let ratios = held.indices.filter { pred[$0] >= lo && pred[$0] <= hi }
                .map { m.latency[held[$0]] / pred[$0] - 1 }.sorted()
            let margin = min(max(ratios[Int(Double(ratios.count) * 0.95)], 0), 0.5)
            margins[device] = margin
            let problem = SearchProblem(space: nb, latency: { archs throws(NASError) in try p.predict(archs: archs).map { $0 / (1 - margin) } },
                                        accuracy: nbAccuracy.objective, accuracyLabel: nbAccuracy.label)
            return GenerateCase(
                space: "nb201", device: device, problem: problem,
                judgeLatency: { archs in archs.map { measured[nb.officialIndex(of: $0)!] } },
                judgeAccuracy: { archs in try nbAccuracy.objective(archs) },
                optimum: { b in (0..<all.count).filter { measured[$0] <= b }.map { acc[$0] }.max() ?? .nan },
                lo: lo, hi: hi, referenceAccuracy: nbMedian)
        }
    }
    // ofa_mbv3.
    if !arguments.contains("--no-ofa") {
        let ofa = try SpaceRegistry.space("ofa_mbv3")
        var accCfg = MLPTrainingConfig(hidden: [400, 400, 400])
        accCfg.maxEpochs = quick ? 60 : 300
        let ofaAccuracy = try OFAAccuracyPredictor.train(catalog: catalog, space: ofa, holdOutFraction: 0.2, config: accCfg, seed: 5)
        emit("ofa_mbv3 accuracy predictor: MLP 400×3 on \(ofaAccuracy.trainingCount) of 2,223 real top-1 values; held-out RMSE \(g3(ofaAccuracy.heldOut.rmse, 3)) points, SRCC \(g3(ofaAccuracy.heldOut.spearman, 3)).\n")
        let ofaMedian = try ofaAccuracy.predict(ofa.sample(count: 2000, seed: 42)).sorted()[1000]
        for device in quick ? ["note10_lut"] : ["2080ti_1", "v100_32", "note10_lut"] {
            cases.append {
                let m = try catalog.measurements(space: "ofa_mbv3", device: device)
                let p = try store.defaultPredictor(space: "ofa_mbv3", device: device)
                let latency: BatchObjective = { archs throws(NASError) in try p.predict(archs: archs) }
                let sorted = m.latency.filter(\.isFinite).sorted()
                return GenerateCase(
                    space: "ofa_mbv3", device: device,
                    problem: SearchProblem(space: ofa, latency: latency, accuracy: ofaAccuracy.source.objective,
                                           accuracyLabel: ofaAccuracy.source.label),
                    judgeLatency: { try latency($0) }, judgeAccuracy: { try ofaAccuracy.predict($0) }, optimum: nil,
                    lo: sorted[sorted.count * 5 / 100], hi: sorted[sorted.count * 95 / 100], referenceAccuracy: ofaMedian)
            }
        }
    }

    var t = GenerateTables()
    for make in cases {
        let c = try make()
        emit(c.predictorLine + (c.space == "nb201" ? ", safety margin \(g3(100 * margins[c.device]!, 1)) %" : ""))
        try runGenerateCase(c, config: config, searchQueries: searchQueries, tables: &t)
        FileHandle.standardError.write(Data("generate bench: \(c.space) \(c.device) done\n".utf8))
    }
    emit("\n## 1. Regret (accuracy points), 20 budgets\n")
    emit("vs optimum: nb201 only (enumeration, measured latency). vs searches: generator's judged accuracy − the search's, per budget (positive = the generator is worse). An answer over its budget (nb201: measured; ofa_mbv3: predicted) counts as regret = the optimum's (or the search's) accuracy.\n")
    emit("| space | device | method | mean regret vs optimum | worst | mean regret vs searches | within budget | exact optimum |")
    emit("|---|---|---|---|---|---|---|---|")
    t.rows.forEach { emit($0) }
    emit("\n## 2. Cost: one generator training vs 20 searches; hypervolume ratio (generator / searches, judged values)\n")
    emit("| space | device | generator queries | generator wall | 20-search queries | 20-search wall | HV ratio argmax | HV ratio best-of-16 + archive |")
    emit("|---|---|---|---|---|---|---|---|")
    t.costRows.forEach { emit($0) }
    emit("\n## 3. Generalization: trained on the 10 even budgets only, answering the 10 odd (unseen) ones\n")
    emit("Regret vs the optimum on nb201, vs the per-budget search on ofa_mbv3.\n")
    emit("| space | device | argmax, seen | within | argmax, unseen | within | best-of-16 + archive, unseen | within | queries |")
    emit("|---|---|---|---|---|---|---|---|---|")
    t.generalRows.forEach { emit($0) }
    emit("\n## Generation time per budget\n")
    emit("| space | device | argmax (one forward pass) | generate best-of-16 with the default predictors |")
    emit("|---|---|---|---|")
    t.timingRows.forEach { emit($0) }
    let path = quick ? "Benchmarks/results/generate-quick.md" : "Benchmarks/results/generate.md"
    try AtomicFile.write(Array(md.utf8), to: path)
    print("written to \(path)")
}

extension GenerateCase {
    var predictorLine: String { "- \(space) \(device): budgets \(g3(lo, 3))…\(g3(hi, 3)) ms" }
}

private func runGenerateCase(_ c: GenerateCase, config: GeneratorConfig, searchQueries: Int, tables t: inout GenerateTables) throws {
    let budgets = (0..<20).map { exp(log(c.lo) + Double($0) / 19 * (log(c.hi) - log(c.lo))) }
    let optima = c.optimum.map { o in budgets.map(o) }
    let problem = c.problem

    let t0 = DispatchTime.now().uptimeNanoseconds
    let gen = try GeneratorTrainer.train(problem: problem, budgets: .range(c.lo...c.hi), config: config,
                                         metadata: ["device": c.device])
    let trainMs = milliseconds(since: t0)
    let argmax = try gen.generate(budgets: budgets, problem: problem)
    let sampled = try gen.generate(budgets: budgets, samples: 16, problem: problem, seed: 1)

    let t1 = DispatchTime.now().uptimeNanoseconds
    var searchQ = 0
    var searched: [Architecture?] = []
    for (i, b) in budgets.enumerated() {
        let cfg = SearchConfig(goal: .latencyBudget(ms: b), generations: 100_000, maxQueries: searchQueries, seed: UInt64(i))
        do {
            let r = try ArchitectureSearch.run(problem, config: cfg)
            searchQ += r.queries
            searched.append(r.best?.arch)
        } catch {
            guard error.kind == .infeasibleBudget else { throw error }
            searched.append(nil)
        }
    }
    let searchMs = milliseconds(since: t1)

    /// Judged (latency, accuracy) of answers; nil when there is no answer.
    func judge(_ archs: [Architecture?]) throws -> [(lat: Double, acc: Double)?] {
        let present = archs.compactMap { $0 }
        let l = try c.judgeLatency(present), a = try c.judgeAccuracy(present)
        var k = 0
        return archs.map { x in
            guard x != nil else { return nil }
            defer { k += 1 }
            return (l[k], a[k])
        }
    }
    let argmaxPts = try judge(argmax.map(\.arch)), sampledPts = try judge(sampled.map(\.arch))
    let searchPts = try judge(searched)
    func accWithin(_ p: (lat: Double, acc: Double)?, _ i: Int) -> Double? {
        guard let p, p.lat <= budgets[i] else { return nil }
        return p.acc
    }
    func stats(_ pts: [(lat: Double, acc: Double)?], _ idx: [Int]) -> (mean: String, worst: String, vsSearch: Double, within: Int, exact: String) {
        var sum = 0.0, worst = 0.0, vs = 0.0, within = 0, exact = 0
        for (k, p) in pts.enumerated() {
            let i = idx[k]
            let a = accWithin(p, i)
            if a != nil { within += 1 }
            let ref = accWithin(searchPts[i], i) ?? 0
            vs += ref - (a ?? 0)
            if let o = optima?[i] {
                let r = o - (a ?? 0)
                sum += r
                worst = max(worst, r)
                if r <= 1e-9 { exact += 1 }
            }
        }
        let n = Double(pts.count)
        return optima == nil ? ("—", "—", vs / n, within, "—")
            : (g3(sum / n, 3), g3(worst), vs / n, within, "\(exact)/\(pts.count)")
    }
    let all20 = Array(0..<20)
    for (name, pts) in [("generator argmax", argmaxPts), ("generator best of 16 + archive", sampledPts), ("20 × evolution", searchPts)] {
        let s = stats(pts, all20)
        t.rows.append("| \(c.space) | \(c.device) | \(name) | \(s.mean) | \(s.worst) | \(g3(s.vsSearch, 3)) | \(s.within)/20 | \(s.exact) |")
    }
    func hv(_ pts: [(lat: Double, acc: Double)?]) -> Double {
        let ok = pts.enumerated().compactMap { i, p in p.flatMap { $0.lat <= budgets[i] ? $0 : nil } }
        return ParetoFront.hypervolume(latency: ok.map(\.lat), accuracy: ok.map(\.acc), referenceLatency: c.hi * 1.0001,
                                       referenceAccuracy: c.referenceAccuracy)
    }
    let hvSearch = hv(searchPts)
    t.costRows.append("| \(c.space) | \(c.device) | \(gen.stats.queries) | \(g3(trainMs / 1000)) s | \(searchQ) | \(g3(searchMs / 1000)) s | \(g3(hv(argmaxPts) / hvSearch, 3)) | \(g3(hv(sampledPts) / hvSearch, 3)) |")

    // Generation speed: argmax (no objective), then the daemon's default (16 samples re-ranked).
    let reps = 2000
    let t2 = DispatchTime.now().uptimeNanoseconds
    var sink = 0
    for r in 0..<reps { sink &+= Int(gen.argmax(budgetMs: budgets[r % 20]).arch.genes[0]) }
    let perArgmaxUs = milliseconds(since: t2) * 1000 / Double(reps)
    let t3 = DispatchTime.now().uptimeNanoseconds
    for r in 0..<200 { sink &+= try gen.generate(budgets: [budgets[r % 20]], samples: 16, problem: problem, seed: UInt64(r)).count }
    let perGenerateUs = milliseconds(since: t3) * 1000 / 200
    t.timingRows.append("| \(c.space) | \(c.device) | \(g3(perArgmaxUs, 1)) µs | \(g3(perGenerateUs, 1)) µs\(sink > -1 ? "" : "") |")

    // Generalization: train on the even budgets, answer the odd ones.
    let evenIdx = Array(stride(from: 0, to: 20, by: 2)), oddIdx = Array(stride(from: 1, to: 20, by: 2))
    let genList = try GeneratorTrainer.train(problem: problem, budgets: .list(evenIdx.map { budgets[$0] }), config: config)
    let seen = try judge(try genList.generate(budgets: evenIdx.map { budgets[$0] }, problem: problem).map(\.arch))
    let unseen = try judge(try genList.generate(budgets: oddIdx.map { budgets[$0] }, problem: problem).map(\.arch))
    let unseenBest = try judge(try genList.generate(budgets: oddIdx.map { budgets[$0] }, samples: 16, problem: problem, seed: 1).map(\.arch))
    func regret(_ pts: [(lat: Double, acc: Double)?], _ idx: [Int]) -> String {
        let s = stats(pts, idx)
        return optima == nil ? "\(g3(s.vsSearch, 3)) | \(s.within)/10" : "\(s.mean) | \(s.within)/10"
    }
    t.generalRows.append("| \(c.space) | \(c.device) | \(regret(seen, evenIdx)) | \(regret(unseen, oddIdx)) | \(regret(unseenBest, oddIdx)) | \(genList.stats.queries) |")
}
