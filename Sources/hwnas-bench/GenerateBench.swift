// `hwnas-bench generate [--quick] [--fixtures DIR] [--iterations N]`
//
// PNAG (issue 7) on NB201: true CIFAR-10 test accuracy (NAS-Bench-201) and MEASURED latency
// lookup on 3 devices (GPU 2080ti_1, CPU gold_6226, mobile pixel3). 20 budgets log-spaced over
// the 5th..95th percentile of the device's measured latencies.
// 1. Regret of the generated architecture vs the exact optimum (enumeration of 15,625 cells) and
//    vs 20 independent evolution searches (OFA evolution, 5,000 queries each, one per budget).
// 2. Queries and wall time: one generator training vs the 20 searches; hypervolume of the 20
//    generated points vs the 20 searched points (reference: the largest budget and the median
//    accuracy of the space, so only the competitive region counts).
// 3. Generalization: a generator trained on the 10 even budgets only, answering the 10 odd ones.
// Writes markdown to stdout and Benchmarks/results/generate.md.
import Foundation
import NASCore
import NASData
import NASGenerator
import NASSearch
import NASSpaces

private func genOption(_ name: String, in args: [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

private func g3(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

private func milliseconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

func runGenerateBench(arguments: [String]) throws {
    let quick = arguments.contains("--quick")
    let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate(genOption("--fixtures", in: arguments)))
    var config = GeneratorConfig()
    config.iterations = Int(genOption("--iterations", in: arguments) ?? "") ?? (quick ? 150 : 400)
    let searchQueries = quick ? 1000 : 5000
    let devices = quick ? ["gold_6226"] : ["2080ti_1", "gold_6226", "pixel3"]
    var md = "# hwnas-bench generate\n\n"
    func emit(_ s: String) {
        print(s)
        md += s + "\n"
    }
    emit("Run: `swift run -c release hwnas-bench generate \(arguments.joined(separator: " "))`, \(ProcessInfo.processInfo.activeProcessorCount) cores.")
    emit("NB201, accuracy: CIFAR-10 test % (NAS-Bench-201, measured); latency: measured lookup (HELP / HW-NAS-Bench) for the generator, the searches and the optimum.")
    emit("Generator: \(config.iterations) iterations × \(config.budgetsPerStep) budgets × \(config.samplesPerBudget) samples, seed \(config.seed); searches: OFA evolution, \(searchQueries) queries each, seed = budget index.\n")

    let space = try SpaceRegistry.space("nb201")
    let all = space.enumerateAll()!
    let accuracy = try AccuracySources.nb201(dataset: "cifar10", catalog: catalog, space: space)
    let acc = try accuracy.objective(all)
    let medianAcc = acc.filter(\.isFinite).sorted()[acc.count / 2]

    var rows: [String] = []
    var costRows: [String] = []
    var generalRows: [String] = []
    var timingRows: [String] = []
    for device in devices {
        let table = try catalog.latencyTable("nb201")
        let column = try table.column(device)
        var measured = [Double](repeating: .nan, count: all.count)
        for (r, id) in table.archIDs.enumerated() where id >= 0 && id < measured.count { measured[id] = column[r] }
        let problem = SearchProblem(space: space, latency: LookupObjective.officialIndex(measured, space: space),
                                    accuracy: accuracy.objective, accuracyLabel: accuracy.label)
        let sorted = measured.filter(\.isFinite).sorted()
        let lo = sorted[sorted.count * 5 / 100], hi = sorted[sorted.count * 95 / 100]
        let budgets = (0..<20).map { exp(log(lo) + Double($0) / 19 * (log(hi) - log(lo))) }
        func optimum(_ b: Double) -> Double { (0..<all.count).filter { measured[$0] <= b }.map { acc[$0] }.max() ?? .nan }
        let optima = budgets.map(optimum)

        // Generator, trained once over the whole range.
        let t0 = DispatchTime.now().uptimeNanoseconds
        let gen = try GeneratorTrainer.train(problem: problem, budgets: .range(lo...hi), config: config,
                                             metadata: ["device": device])
        let trainMs = milliseconds(since: t0)
        let argmax = try gen.generate(budgets: budgets, problem: problem)
        let sampled = try gen.generate(budgets: budgets, samples: 16, problem: problem, seed: 1)

        // 20 independent searches.
        let t1 = DispatchTime.now().uptimeNanoseconds
        var searchQ = 0
        var searched: [SearchCandidate?] = []
        for (i, b) in budgets.enumerated() {
            let cfg = SearchConfig(goal: .latencyBudget(ms: b), generations: 100_000, maxQueries: searchQueries, seed: UInt64(i))
            do {
                let r = try ArchitectureSearch.run(problem, config: cfg)
                searchQ += r.queries
                searched.append(r.best)
            } catch {
                guard error.kind == .infeasibleBudget else { throw error }
                searched.append(nil)
            }
        }
        let searchMs = milliseconds(since: t1)

        func stats(_ answers: [(lat: Double, acc: Double)?]) -> (mean: Double, worst: Double, within: Int, exact: Int) {
            var sum = 0.0, worst = 0.0, within = 0, exact = 0
            for (i, a) in answers.enumerated() {
                guard let a, a.lat <= budgets[i] else { sum += optima[i]; worst = max(worst, optima[i]); continue }
                let r = optima[i] - a.acc
                sum += r
                worst = max(worst, r)
                within += 1
                if r <= 1e-9 { exact += 1 }
            }
            return (sum / Double(answers.count), worst, within, exact)
        }
        let argmaxPts = argmax.map { Optional(($0.latencyMs!, $0.accuracy!)) }
        let sampledPts = sampled.map { Optional(($0.latencyMs!, $0.accuracy!)) }
        let searchPts = searched.map { $0.map { ($0.latencyMs, $0.accuracy) } }
        for (name, pts) in [("generator argmax", argmaxPts), ("generator best of 16 + archive", sampledPts), ("20 × evolution", searchPts)] {
            let s = stats(pts)
            rows.append("| \(device) | \(name) | \(g3(s.mean, 3)) | \(g3(s.worst)) | \(s.within)/20 | \(s.exact)/20 |")
        }
        func hv(_ pts: [(lat: Double, acc: Double)?]) -> Double {
            let ok = pts.enumerated().compactMap { i, p in p.flatMap { $0.lat <= budgets[i] ? $0 : nil } }
            return ParetoFront.hypervolume(latency: ok.map(\.lat), accuracy: ok.map(\.acc), referenceLatency: hi * 1.0001,
                                           referenceAccuracy: medianAcc)
        }
        let hvSearch = hv(searchPts)
        costRows.append("| \(device) | \(gen.stats.queries) | \(g3(trainMs / 1000)) s | \(searchQ) | \(g3(searchMs / 1000)) s | \(g3(hv(argmaxPts) / hvSearch, 3)) | \(g3(hv(sampledPts) / hvSearch, 3)) |")

        // Generation speed (argmax, no objective; then with the lookup objective).
        let reps = 2000
        let t2 = DispatchTime.now().uptimeNanoseconds
        var sink = 0
        for r in 0..<reps { sink &+= Int(gen.argmax(budgetMs: budgets[r % 20]).arch.genes[0]) }
        let perArgmaxUs = milliseconds(since: t2) * 1000 / Double(reps)
        let t3 = DispatchTime.now().uptimeNanoseconds
        for r in 0..<200 { sink &+= try gen.generate(budgets: [budgets[r % 20]], problem: problem).count }
        let perGenerateUs = milliseconds(since: t3) * 1000 / 200
        timingRows.append("| \(device) | \(g3(perArgmaxUs, 1)) µs | \(g3(perGenerateUs, 1)) µs | \(sink > -1 ? "" : "") |")

        // Generalization: train on the even budgets, answer the odd ones.
        let even = stride(from: 0, to: 20, by: 2).map { budgets[$0] }
        let oddIdx = Array(stride(from: 1, to: 20, by: 2))
        let genList = try GeneratorTrainer.train(problem: problem, budgets: .list(even), config: config)
        let seen = try genList.generate(budgets: even, problem: problem)
        let unseen = try genList.generate(budgets: oddIdx.map { budgets[$0] }, problem: problem)
        let unseenBest = try genList.generate(budgets: oddIdx.map { budgets[$0] }, samples: 16, problem: problem, seed: 1)
        func regretOf(_ answers: [GeneratedArchitecture], _ idx: [Int]) -> (Double, Int) {
            var s = 0.0, within = 0
            for (k, a) in answers.enumerated() {
                let o = optima[idx[k]]
                if a.feasible == true { s += o - a.accuracy!; within += 1 } else { s += o }
            }
            return (s / Double(answers.count), within)
        }
        let (rs, ws) = regretOf(seen, Array(stride(from: 0, to: 20, by: 2)))
        let (ru, wu) = regretOf(unseen, oddIdx)
        let (rb, wb) = regretOf(unseenBest, oddIdx)
        generalRows.append("| \(device) | \(g3(rs, 3)) | \(ws)/10 | \(g3(ru, 3)) | \(wu)/10 | \(g3(rb, 3)) | \(wb)/10 | \(genList.stats.queries) |")
    }
    emit("## Regret vs the exact optimum (accuracy points, CIFAR-10 %), 20 budgets")
    emit("Infeasible answers (measured latency over budget) count as regret = the optimum's accuracy.\n")
    emit("| device | method | mean regret | worst | within budget | exact optimum |")
    emit("|---|---|---|---|---|---|")
    rows.forEach { emit($0) }
    emit("\n## Cost: one generator training vs 20 searches; hypervolume ratio (generator / searches)\n")
    emit("| device | generator queries | generator wall | 20-search queries | 20-search wall | HV ratio argmax | HV ratio best-of-16 |")
    emit("|---|---|---|---|---|---|---|")
    costRows.forEach { emit($0) }
    emit("\n## Generalization: trained on the 10 even budgets only\n")
    emit("| device | argmax regret, seen budgets | within | argmax regret, unseen (in between) | within | best-of-16 regret, unseen | within | queries |")
    emit("|---|---|---|---|---|---|---|---|")
    generalRows.forEach { emit($0) }
    emit("\n## Generation time per budget\n")
    emit("| device | argmax (one forward pass) | generate with lookup objective | |")
    emit("|---|---|---|---|")
    timingRows.forEach { emit($0) }
    let path = quick ? "Benchmarks/results/generate-quick.md" : "Benchmarks/results/generate.md"
    try AtomicFile.write(Array(md.utf8), to: path)
    print("written to \(path)")
}
