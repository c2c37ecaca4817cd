// `hwnas-bench search [--quick] [--fixtures DIR] [--seeds N] [--margin-quantile Q] [--no-peer] [--speed-only] [--no-speed] [--data-floor] [--out FILE]`
//
// 1. Regret on NB201: for 8 devices × budgets at the 10/25/50/75/90th percentiles of measured
//    latency, the true optimum (CIFAR-10 test accuracy, measured) by enumerating all 15,625
//    cells with measured latencies; evolution and random search with the daemon's DEFAULT
//    latency predictor (`PredictorStore.defaultPredictor`: LUT / MLP / LUT+residual MLP chosen
//    by validation, trained on the literature's 1,000 cells) at 1,000 and 5,000 queries; the
//    chosen cell is then checked against its MEASURED latency. Safety margin: what `search`
//    with `confidence: Q` applies, from the predictor's own held-out error profile near the
//    budget (`ErrorProfile`, saved by the trainer from its 14,284 held-out cells: the 15,284
//    with a data path less the 1,000 it trained on; searches never answer degenerate cells).
// 2. Pareto: NSGA-II (and random) with 5,000 predictor queries per device; the searched front's
//    cells are re-measured and its hypervolume is divided by the true front's. Reference point:
//    the largest measured latency and the smallest accuracy of the space.
// 3. Speed: one 500-generation evolution on ofa_mbv3 (MLP latency predictor + MLP accuracy
//    predictor trained on the 2,223 real ImageNet top-1 values) vs the Python/numpy peer.
// --data-floor adds, per device, the exhaustive pick with a default predictor trained on 10,000
// measured cells instead of 1,000 (about 2–3 minutes more).
import Foundation
import NASCore
import NASData
import NASPredictors
import NASSearch
import NASSpaces
import Synchronization

/// A latency predictor trained on measured cells, as a batch objective, with its margin.
private struct BenchPredictor {
    var regressor: NeuralRegressor
    var space: any SearchSpace
    var margin: Double
    var heldOut: RegressionMetrics

    var objective: BatchObjective {
        let r = regressor, s = space
        return { archs throws(NASError) in r.predict(try s.encode(archs), threads: Kernels.defaultThreads) }
    }

    /// Trains on `trainCount` measured architectures; calibrates the margin on `calibrationCount` others.
    static func train(archs: [Architecture], latency: [Double], space: any SearchSpace, trainCount: Int,
                      calibrationCount: Int, quantile: Double, seed: UInt64,
                      config: MLPTrainingConfig = MLPTrainingConfig()) throws -> BenchPredictor {
        var order = Array(0..<archs.count)
        var rng = SeededGenerator(seed: seed)
        order.seededShuffle(using: &rng)
        let tr = Array(order.prefix(trainCount))
        let cal = Array(order.dropFirst(trainCount).prefix(calibrationCount))
        var cfg = config
        cfg.seed = seed
        // Both target transforms; keep the one with the lower RMSE on the calibration cells (log
        // targets suffer on devices with near-zero degenerate cells, e.g. pixel3 and raspi4).
        let xTrain = try space.encode(tr.map { archs[$0] }), xCal = try space.encode(cal.map { archs[$0] })
        let actual = cal.map { latency[$0] }
        var best: (NeuralRegressor, [Double], Double)?
        for transform in [TargetTransform.logStandardized, .standardized] {
            let (reg, _) = try NeuralRegressor.train(x: xTrain, y: tr.map { latency[$0] }, validation: nil,
                                                     transform: transform, config: cfg, control: .none)
            let pred = reg.predict(xCal)
            let rmse = RegressionMetrics(predicted: pred, actual: actual).rmse
            if best.map({ rmse < $0.2 }) ?? true { best = (reg, pred, rmse) }
        }
        let (reg, pred, _) = best!
        let ratios = zip(actual, pred).map { $0 / max($1, 1e-9) - 1 }.sorted()
        let q = ratios.isEmpty ? 0 : ratios[min(ratios.count - 1, Int(Double(ratios.count) * quantile))]
        return BenchPredictor(regressor: reg, space: space, margin: min(max(q, 0), 0.5),
                              heldOut: RegressionMetrics(predicted: pred, actual: actual))
    }
}

/// The daemon's default latency predictor of an NB201 device as a batch objective, with a
/// safety margin from its own held-out error.
private struct DefaultPredictorObjective {
    var predictor: TrainedPredictor
    var margin: Double
    var heldOut: RegressionMetrics
    /// Held-out (predicted, measured/predicted − 1), sorted by predicted latency.
    var residuals: [(predicted: Double, ratio: Double)]
    var quantile: Double

    /// The margin for one budget: the `quantile` of measured/predicted − 1 over the held-out
    /// cells predicted within ±10% of the budget (widened until 200 cells), in [0, 0.5]. Local,
    /// because the chosen cell sits near the budget and the error is not the same at every latency.
    func margin(budget: Double) -> Double { margin(budget: budget, quantile: quantile) }

    /// The same with another quantile: what `search` with `confidence: quantile` uses (the
    /// predictor's saved `ErrorProfile`) when the predictor has one, else the local window.
    func margin(budget: Double, quantile: Double) -> Double {
        if let profile = predictor.errorProfile { return profile.margin(budget: budget, confidence: quantile) }
        var width = 0.1
        var near: [Double] = []
        while true {
            near = residuals.filter { abs($0.predicted / budget - 1) <= width }.map(\.ratio)
            if near.count >= 200 || width > 4 { break }
            width *= 1.5
        }
        near.sort()
        guard !near.isEmpty else { return margin }
        return min(max(near[min(near.count - 1, Int(Double(near.count) * quantile))], 0), 0.5)
    }

    var objective: BatchObjective {
        let p = predictor
        return { archs throws(NASError) in try p.predict(archs: archs) }
    }

    /// The store's default for (nb201, device); margin = `quantile` of measured/predicted − 1 on
    /// the cells the trainer held out (same shuffle as `PredictorTrainer.train`, seed 0), capped to [0, 0.5].
    static func make(store: PredictorStore, device: String, archs: [Architecture], latency: [Double],
                     quantile: Double) throws -> DefaultPredictorObjective {
        try make(predictor: try store.defaultPredictor(space: "nb201", device: device), archs: archs, latency: latency,
                 quantile: quantile)
    }

    /// The same for any predictor `PredictorTrainer` trained on this device with seed 0 (its
    /// held-out cells are the ones after its `trainCount` in the trainer's shuffle). `archs` and
    /// `latency` must be the data the trainer shuffled: without the degenerate cells for a
    /// predictor trained with `TrainRequest.excludeDegenerate` (every default since recipe 5).
    static func make(predictor p: TrainedPredictor, archs: [Architecture], latency: [Double],
                     quantile: Double) throws -> DefaultPredictorObjective {
        let order = PredictorTrainer.splitOrder(count: archs.count, seed: 0)
        let held = Array(order.dropFirst(p.metrics.trainCount))
        let pred = try p.predict(archs: held.map { archs[$0] })
        let actual = held.map { latency[$0] }
        let ratios = zip(actual, pred).map { $0 / max($1, 1e-9) - 1 }.sorted()
        let q = ratios.isEmpty ? 0 : ratios[min(ratios.count - 1, Int(Double(ratios.count) * quantile))]
        return DefaultPredictorObjective(predictor: p, margin: min(max(q, 0), 0.5),
                                         heldOut: RegressionMetrics(predicted: pred, actual: actual),
                                         residuals: zip(pred, ratios0(actual, pred)).map { ($0, $1) }.sorted { $0.0 < $1.0 },
                                         quantile: quantile)
    }
}

private func ratios0(_ actual: [Double], _ pred: [Double]) -> [Double] {
    zip(actual, pred).map { $0 / max($1, 1e-9) - 1 }
}

private func option(_ name: String, in args: [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

private func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

func runSearchBench(arguments: [String]) throws {
    let quick = arguments.contains("--quick")
    let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate(option("--fixtures", in: arguments)))
    let seeds = Int(option("--seeds", in: arguments) ?? "") ?? (quick ? 1 : 3)
    let quantile = Double(option("--margin-quantile", in: arguments) ?? "") ?? 0.95
    var md = "# hwnas-bench search\n\n"
    func emit(_ s: String) {
        print(s)
        md += s + "\n"
    }
    emit("Run: `swift run -c release hwnas-bench search \(arguments.joined(separator: " "))`, \(ProcessInfo.processInfo.activeProcessorCount) cores.\n")

    // ---- NB201 regret and Pareto ----
    let space = try SpaceRegistry.space("nb201")
    let all = space.enumerateAll()!
    let accuracy = try AccuracySources.nb201(dataset: "cifar10", catalog: catalog, space: space)
    let acc = try accuracy.objective(all)
    let live = all.map { !space.isDegenerate($0) }  // by official index: cells with a data path
    let speedOnly = arguments.contains("--speed-only")
    let store = try PredictorStore(directory: nil, catalog: catalog)
    let devices = speedOnly ? [] : quick ? ["1080ti_1", "pixel3"]
        : ["1080ti_1", "2080ti_32", "titan_rtx_256", "gold_6226", "silver_4114", "pixel3", "samsung_a50", "raspi4"]
    let percentiles = [10, 25, 50, 75, 90]
    let queryLevels = [1000, 5000]
    let algorithms: [SearchAlgorithm] = [.evolution, .random]
    struct Cell { var regret = 0.0, within = 0, n = 0, worst = 0.0, infeasible = 0 }
    var cells: [String: Cell] = [:]
    var predictorRows: [String] = []
    var paretoRows: [String] = []
    var largeRows: [String] = []
    let dataFloor = arguments.contains("--data-floor")
    let sweepQuantiles = [0.5, 0.7, 0.8, 0.9, 0.95, 0.99]
    let noiseQuantiles = [0.8, 0.9, 0.95]
    var residualsByDevice: [String: [Double]] = [:]
    var noiseRows: [String: String] = [:]
    for device in devices {
        let m = try catalog.measurements(space: "nb201", device: device)
        var measured = [Double](repeating: .nan, count: all.count)
        for (a, l) in zip(m.archs, m.latency) { if let i = space.officialIndex(of: a) { measured[i] = l } }
        // What searches see and the default predictors are trained and judged on (recipe 5): the
        // cells with a data path. Before, the held-out split here was drawn from all 15,625 cells,
        // so it mixed training cells and degenerate ones into "held out" (pixel3 MAPE 412 %).
        let liveIndices = space.nonDegenerateIndices(m.archs)
        let liveArchs = liveIndices.map { m.archs[$0] }, liveLatency = liveIndices.map { m.latency[$0] }
        let predictor = try DefaultPredictorObjective.make(store: store, device: device, archs: liveArchs, latency: liveLatency,
                                                           quantile: quantile)
        let problem = SearchProblem(space: space, latency: predictor.objective, accuracy: accuracy)
        let oracle = SearchProblem(space: space, latency: LookupObjective.officialIndex(measured, space: space), accuracy: accuracy)
        let sorted = measured.filter { !$0.isNaN }.sorted()
        // Every cell priced by the same predictor: the floor of any search with this predictor and margin.
        let predictedAll = try predictor.predictor.predict(archs: all)
        // --data-floor: the same default trainer on 10,000 measured cells instead of 1,000; if the
        // regret floor were the predictor's training data, it would fall here.
        var large: (objective: DefaultPredictorObjective, predicted: [Double])?
        if dataFloor {
            var request = TrainRequest(space: "nb201", device: device, trainSize: 10_000, seed: 0)
            request.excludeDegenerate = true  // as the defaults
            let p = try PredictorTrainer(catalog: catalog).train(request)
            let o = try DefaultPredictorObjective.make(predictor: p, archs: liveArchs, latency: liveLatency, quantile: quantile)
            large = (o, try p.predict(archs: all))
            largeRows.append("| \(device) | \(p.metrics.variant) | \(f(predictor.heldOut.rmse)) → \(f(o.heldOut.rmse)) | \(f(predictor.heldOut.spearman)) → \(f(o.heldOut.spearman)) |")
        }
        // --data-floor, noise floor: a pairwise LUT fitted on ALL measured cells and judged on the
        // same cells (in-sample). It is as close to each cell's noise-free latency as a model of
        // the architecture gets; what it still misses is per-cell measurement noise, and its
        // regret under the same margin rule bounds any predictor of the architecture alone.
        var noiseFloor: (objective: DefaultPredictorObjective, predicted: [Double])?
        if dataFloor {
            let enc = ActiveOneHot(space: space)
            let model = try PairwiseModel.fit(archs: liveArchs, latency: liveLatency, space: space, encoding: enc,
                                              pairs: PairwiseModel.interactionPairs(cardinalities: enc.cardinalities))
            let p = TrainedPredictor(id: "noise-floor-\(device)", spaceID: "nb201", device: device, model: .pairwise(model),
                                     metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: 0, testCount: liveArchs.count,
                                                               variant: "pairwise, all cells"), notes: [:])
            let o = try DefaultPredictorObjective.make(predictor: p, archs: liveArchs, latency: liveLatency, quantile: quantile)
            let fitted = try p.predict(archs: all)
            noiseFloor = (o, fitted)
            residualsByDevice[device] = all.indices.filter { live[$0] }.map { measured[$0] - fitted[$0] }  // by official index, like every device
            noiseRows[device] = "| \(device) | \(f(predictor.heldOut.rmse)) | \(f(o.heldOut.rmse)) |"
        }
        var margins: [Int: Double] = [:]
        for p in percentiles {
            let budget = sorted[min(sorted.count - 1, sorted.count * p / 100)]
            let optimum = (0..<all.count).filter { measured[$0] <= budget }.map { acc[$0] }.max()!
            margins[p] = predictor.margin(budget: budget)
            // Exhaustive: the most accurate cell the predictor (with the margin) calls feasible.
            func exhaustive(_ predictedAll: [Double], margin: Double, key: String) {
                let limit = budget * (1 - margin)
                var pick = -1
                for i in 0..<all.count where live[i] && predictedAll[i] <= limit && (pick < 0 || acc[i] > acc[pick]) { pick = i }
                var c = cells[key] ?? Cell()
                var d = cells["\(key)|\(device)"] ?? Cell()
                c.n += 1; d.n += 1
                if pick < 0 {
                    c.infeasible += 1; d.infeasible += 1
                    c.regret += optimum; d.regret += optimum
                } else {
                    let regret = optimum - acc[pick]
                    c.regret += regret; d.regret += regret
                    c.worst = max(c.worst, regret); d.worst = max(d.worst, regret)
                    if measured[pick] <= budget { c.within += 1; d.within += 1 }
                }
                cells[key] = c
                cells["\(key)|\(device)"] = d
            }
            exhaustive(predictedAll, margin: margins[p]!, key: "exhaustive")
            exhaustive(predictedAll, margin: 0, key: "sweep none")
            for q in sweepQuantiles {
                exhaustive(predictedAll, margin: predictor.margin(budget: budget, quantile: q), key: "sweep \(q)")
            }
            if let large { exhaustive(large.predicted, margin: large.objective.margin(budget: budget), key: "exhaustive10k") }
            if let noiseFloor {
                for q in noiseQuantiles {
                    exhaustive(noiseFloor.predicted, margin: noiseFloor.objective.margin(budget: budget, quantile: q), key: "noise \(q)")
                }
            }
            // The search's own share of the regret: the same evolution on the MEASURED latencies.
            for s in 0..<seeds {
                let r = try ArchitectureSearch.run(oracle, config: SearchConfig(goal: .latencyBudget(ms: budget), generations: 2000,
                                                                               maxQueries: 5000, seed: UInt64(1000 * p + s)))
                let regret = optimum - acc[space.officialIndex(of: r.best!.arch)!]
                var c = cells["oracle"] ?? Cell()
                c.n += 1
                c.regret += regret
                c.worst = max(c.worst, regret)
                c.within += 1
                cells["oracle"] = c
            }
            for alg in algorithms {
                for q in queryLevels {
                    for s in 0..<seeds {
                        let cfg = SearchConfig(goal: .latencyBudget(ms: budget), algorithm: alg, generations: 2000,
                                               maxQueries: q, seed: UInt64(1000 * p + s), safetyMargin: margins[p]!)
                        let key = "\(alg.rawValue)|\(q)"
                        var c = cells[key] ?? Cell()
                        c.n += 1
                        do {
                            let r = try ArchitectureSearch.run(problem, config: cfg)
                            let i = space.officialIndex(of: r.best!.arch)!
                            let regret = optimum - acc[i]
                            c.regret += regret
                            c.worst = max(c.worst, regret)
                            if alg == .evolution && q == 5000 {
                                var d = cells["evolution|\(device)"] ?? Cell()
                                d.n += 1
                                d.regret += regret
                                d.worst = max(d.worst, regret)
                                if measured[i] <= budget { d.within += 1 }
                                cells["evolution|\(device)"] = d
                            }
                            if measured[i] <= budget {
                                c.within += 1
                            } else if arguments.contains("--verbose") {
                                FileHandle.standardError.write(Data("over budget: \(device) p\(p) \(key) budget \(f(budget)) predicted \(f(r.best!.latencyMs)) measured \(f(measured[i])) regret \(f(regret))\n".utf8))
                            }
                        } catch {
                            guard error.kind == .infeasibleBudget else { throw error }
                            c.infeasible += 1
                            c.regret += optimum
                        }
                        cells[key] = c
                    }
                }
            }
        }
        let local = percentiles.map { f(margins[$0]! * 100, 1) }.joined(separator: " / ")
        predictorRows.append("| \(device) | \(predictor.predictor.metrics.variant) | \(f(predictor.heldOut.rmse)) | \(f(predictor.heldOut.mape * 100, 1)) | \(f(predictor.heldOut.spearman)) | \(f(predictor.margin * 100, 1)) | \(local) |")
        // Pareto mode.
        let refL = sorted.last!, refA = acc.min()!
        // The true front of what a search may answer: cells with a data path (a degenerate cell
        // measured near 0 ms on pixel3/raspi4 would otherwise sit on it, out of every search's reach).
        let liveCells = all.indices.filter { live[$0] }
        let trueHV = ParetoFront.hypervolume(latency: liveCells.map { measured[$0] }, accuracy: liveCells.map { acc[$0] },
                                             referenceLatency: refL, referenceAccuracy: refA)
        var row = "| \(device) |"
        for alg in [SearchAlgorithm.nsga2, .random] {
            var ratios: [Double] = []
            for s in 0..<seeds {
                let r = try ArchitectureSearch.run(problem, config: SearchConfig(goal: .pareto, algorithm: alg, generations: 2000,
                                                                               maxQueries: 5000, seed: UInt64(77 + s)))
                let idx = r.front.map { space.officialIndex(of: $0.arch)! }
                let hv = ParetoFront.hypervolume(latency: idx.map { measured[$0] }, accuracy: idx.map { acc[$0] },
                                                 referenceLatency: refL, referenceAccuracy: refA)
                ratios.append(hv / trueHV)
            }
            row += " \(f(ratios.reduce(0, +) / Double(ratios.count), 4)) (min \(f(ratios.min()!, 4))) |"
        }
        paretoRows.append(row)
        FileHandle.standardError.write(Data("search bench: \(device) done\n".utf8))
    }
    emit("## NB201 latency predictors: the daemon's default (`PredictorStore.defaultPredictor`, 1,000 measured cells, variant chosen by validation); metrics on the 14,284 held-out cells (the 15,284 with a data path less the 1,000 trained on)\n")
    emit("Safety margin used by each search: what `search` with `confidence: \(f(quantile, 2))` applies. The trainer saves the predictor's held-out error profile (`ErrorProfile`: its held-out cells sorted by prediction in ≤ 32 equal-count bins of ≥ 200 cells, each with quantiles of measured/predicted − 1); the margin is the bin reaching the budget, its q\(f(quantile, 2)), capped to [0, 50%]. The global quantile is shown for comparison.\n")
    emit("| device | variant | RMSE ms | MAPE % | SRCC | global q\(f(quantile, 2)) margin % | margin % used at p10 / p25 / p50 / p75 / p90 |")
    emit("|---|---|---|---|---|---|---|")
    predictorRows.forEach { emit($0) }
    emit("\n## 1. Regret vs the enumerated optimum (CIFAR-10 test accuracy, points), \(devices.count) devices × budgets at p10/25/50/75/90 × \(seeds) seeds\n")
    emit("Search sees predicted latency; \"within budget\" checks the chosen cell's MEASURED latency.\n")
    emit("| algorithm | queries | mean regret | worst regret | within budget (measured) | no feasible found |")
    emit("|---|---|---|---|---|---|")
    for alg in algorithms {
        for q in queryLevels {
            guard let c = cells["\(alg.rawValue)|\(q)"] else { continue }
            emit("| \(alg.rawValue) | \(q) | \(f(c.regret / Double(c.n))) | \(f(c.worst)) | \(f(100 * Double(c.within) / Double(c.n), 1)) % (\(c.within)/\(c.n)) | \(c.infeasible) |")
        }
    }
    if let c = cells["oracle"] {
        emit("| evolution on MEASURED latency (no predictor, no margin: the search's own regret) | 5000 | \(f(c.regret / Double(c.n))) | \(f(c.worst)) | \(f(100 * Double(c.within) / Double(c.n), 1)) % | 0 |")
    }
    if let c = cells["exhaustive"] {
        emit("| exhaustive: all 15,284 cells with a data path priced by the same predictor and margin (the floor of any search with this predictor) | 15625 | \(f(c.regret / Double(c.n))) | \(f(c.worst)) | \(f(100 * Double(c.within) / Double(c.n), 1)) % (\(c.within)/\(c.n)) | \(c.infeasible) |")
        emit("\nPer device (mean regret over the 5 budgets; evolution: 5,000 queries × \(seeds) seeds):\n")
        emit("| device | evolution regret | evolution within | exhaustive regret | exhaustive within |")
        emit("|---|---|---|---|---|")
        for d in devices {
            guard let e = cells["evolution|\(d)"], let x = cells["exhaustive|\(d)"] else { continue }
            emit("| \(d) | \(f(e.regret / Double(e.n))) | \(e.within)/\(e.n) | \(f(x.regret / Double(x.n))) | \(x.within)/\(x.n) |")
        }
    }
    emit("\nRegret against within-budget for the exhaustive pick as `confidence` moves (same predictor and error profile; no margin is `search`'s default; the quantile trades one target for the other):\n")
    let sweepKeys = ["none"] + sweepQuantiles.map { "\($0)" }
    emit("| margin quantile (`confidence`) | no margin (default) | " + sweepQuantiles.map { f($0, 2) }.joined(separator: " | ") + " |")
    emit("|---|---|" + sweepQuantiles.map { _ in "---|" }.joined())
    emit("| mean regret | " + sweepKeys.map { q in cells["sweep \(q)"].map { f($0.regret / Double($0.n)) } ?? "-" }.joined(separator: " | ") + " |")
    emit("| within budget | " + sweepKeys.map { q in cells["sweep \(q)"].map { "\($0.within)/\($0.n)" } ?? "-" }.joined(separator: " | ") + " |")
    if let c = cells["exhaustive10k"] {
        emit("\nData floor (`--data-floor`): the default trainer on 10,000 measured cells instead of 1,000 (margin from its 5,284 held-out cells, same rule), exhaustive pick: mean regret \(f(c.regret / Double(c.n))), within budget \(c.within)/\(c.n).\n")
        emit("| device | variant (10,000) | held-out RMSE ms 1,000 → 10,000 | SRCC 1,000 → 10,000 | exhaustive regret 1,000 → 10,000 | within 1,000 → 10,000 |")
        emit("|---|---|---|---|---|---|")
        for (d, row) in zip(devices, largeRows) {
            guard let x = cells["exhaustive|\(d)"], let y = cells["exhaustive10k|\(d)"] else { continue }
            emit(row + " \(f(x.regret / Double(x.n))) → \(f(y.regret / Double(y.n))) | \(x.within)/\(x.n) → \(y.within)/\(y.n) |")
        }
    }
    if cells["noise 0.95"] != nil {
        emit("\nNoise floor (`--data-floor`): a pairwise LUT (per-option costs + a cost per option pair of every two edges) fitted by least squares on ALL 15,284 measured cells with a data path and judged on those same cells, margin from its own residuals near the budget (q of the ≥ 200 cells predicted within ±10% of it, window widened until there are), exhaustive pick. It is as close to each cell's noise-free latency as a model of the architecture gets, so its regret bounds any predictor of the architecture alone:\n")
        emit("| margin quantile | " + noiseQuantiles.map { f($0, 2) }.joined(separator: " | ") + " |")
        emit("|---|" + noiseQuantiles.map { _ in "---|" }.joined())
        emit("| mean regret | " + noiseQuantiles.map { q in cells["noise \(q)"].map { f($0.regret / Double($0.n)) } ?? "-" }.joined(separator: " | ") + " |")
        emit("| within budget | " + noiseQuantiles.map { q in cells["noise \(q)"].map { "\($0.within)/\($0.n)" } ?? "-" }.joined(separator: " | ") + " |")
        emit("\nThe same cells are measured on every device, independently. On gold_6226 and silver_4114, which carry most of the regret, the residuals (measured − fitted) are uncorrelated with every other device's: per-cell measurement noise that no model of the architecture can learn. pixel3 and raspi4 share some residual structure: structure beyond pairwise terms that both ARM CPUs show.\n")
        emit("| device | default RMSE ms (held out) | all-cells pairwise RMSE ms (in-sample) | largest \\|corr\\| of its residuals with another device's | regret at q0.95 |")
        emit("|---|---|---|---|---|")
        for d in devices {
            guard let r = residualsByDevice[d], let row = noiseRows[d], let x = cells["noise 0.95|\(d)"] else { continue }
            let others = devices.filter { $0 != d }.compactMap { residualsByDevice[$0] }.map { abs(RankCorrelation.pearson(r, $0)) }
            emit(row + " \(f(others.max() ?? .nan, 2)) | \(f(x.regret / Double(x.n))) |")
        }
    }
    emit("\n## 2. Pareto: hypervolume(searched front, re-measured) / hypervolume(true front), 5,000 predictor queries, mean over \(seeds) seeds\n")
    emit("Reference point: the largest measured latency of the device and the smallest CIFAR-10 accuracy of the space. The true front is over the cells with a data path (searches never answer degenerate ones).\n")
    emit("| device | nsga2 | random |")
    emit("|---|---|---|")
    paretoRows.forEach { emit($0) }

    // ---- Speed on ofa_mbv3 ----
    if !arguments.contains("--no-speed") { try runSearchSpeed(catalog: catalog, quick: quick, runPeer: !arguments.contains("--no-peer"), emit: emit) }

    // --quick has a results file of its own; leaving out a section (speed, its peer, the NB201 part) is a partial run.
    let whole = !arguments.contains("--no-speed") && !arguments.contains("--no-peer") && !speedOnly
    if let out = try writeBenchReport(md, bench: "search", results: "Benchmarks/results/search\(quick ? "-quick" : "").md",
                                      out: benchOption(arguments, "--out"), whole: whole) {
        print("\nwritten to \(out)")
    }
}

/// Writes an MLP regressor as a little JSON header plus raw float32 weights for the peer.
private func exportRegressor(_ r: NeuralRegressor, to base: String) throws {
    var floats: [Float] = []
    for l in 0..<r.network.weights.count {
        floats += r.network.weights[l]
        floats += r.network.biases[l]
    }
    let bin = floats.withUnsafeBytes { Array($0) }
    try AtomicFile.write(bin, to: base + ".bin")
    let header: [String: Any] = ["layerSizes": r.network.layerSizes, "mean": r.mean, "std": r.std,
                                 "transform": r.transform.rawValue]
    try AtomicFile.write(Array(try JSONSerialization.data(withJSONObject: header)), to: base + ".json")
}

func runSearchSpeed(catalog: DataCatalog, quick: Bool, runPeer: Bool, emit: (String) -> Void) throws {
    let space = try SpaceRegistry.space("ofa_mbv3")
    let device = "2080ti_1"
    let m = try catalog.measurements(space: "ofa_mbv3", device: device)
    var cfg = MLPTrainingConfig()
    cfg.maxEpochs = quick ? 40 : 150
    let latency = try BenchPredictor.train(archs: m.archs, latency: m.latency, space: space, trainCount: 4000,
                                           calibrationCount: 1000, quantile: 0.9, seed: 3, config: cfg)
    var accCfg = MLPTrainingConfig(hidden: [400, 400, 400])
    accCfg.maxEpochs = quick ? 60 : 300
    let accuracy = try OFAAccuracyPredictor.train(catalog: catalog, space: space, holdOutFraction: 0.2, config: accCfg, seed: 5)
    emit("\n## 3. Speed: 500-generation evolution on ofa_mbv3 (OFA parameters: population 100, parents 25, mutation probability 0.1, mutate ratio 0.5)\n")
    emit("Latency predictor: MLP 256×3 on 4,000 measured \(device) archs, held-out RMSE \(f(latency.heldOut.rmse)) ms, SRCC \(f(latency.heldOut.spearman)).")
    emit("Accuracy predictor: MLP 400×3 on \(accuracy.trainingCount) of the 2,223 real ImageNet top-1 values; held-out (\(accuracy.heldOut.count)) RMSE \(f(accuracy.heldOut.rmse)) points, SRCC \(f(accuracy.heldOut.spearman)).\n")
    let budget = m.latency.sorted()[m.latency.count / 2]
    // Time spent inside the two predictors (encode + forward), to separate it from the search itself.
    let predictorNanos = Atomic<Int>(0)
    let timed: (@escaping BatchObjective) -> BatchObjective = { inner in
        { archs throws(NASError) in
            let t0 = ContinuousClock.now
            defer {
                let d = ContinuousClock.now - t0
                predictorNanos.add(Int(d.components.seconds) * 1_000_000_000 + Int(d.components.attoseconds / 1_000_000_000),
                                   ordering: .relaxed)
            }
            return try inner(archs)
        }
    }
    let problem = SearchProblem(space: space, latency: timed(latency.objective), accuracy: timed(accuracy.source.objective),
                                accuracyLabel: accuracy.source.label)
    let config = SearchConfig(goal: .latencyBudget(ms: budget), generations: 500, seed: 11)
    _ = try ArchitectureSearch.run(problem, config: SearchConfig(goal: .latencyBudget(ms: budget), generations: 5, seed: 1))
    var times: [Double] = []
    var last: SearchResult?
    for _ in 0..<(quick ? 1 : 3) {
        predictorNanos.store(0, ordering: .relaxed)
        let t0 = ContinuousClock.now
        last = try ArchitectureSearch.run(problem, config: config)
        let d = ContinuousClock.now - t0
        times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }
    let swiftS = times.min()!
    let predictorS = Double(predictorNanos.load(ordering: .relaxed)) * 1e-9
    let r = last!
    emit("| implementation | seconds (best of runs) | queries | best predicted top-1 | its predicted latency ms (budget \(f(budget))) |")
    emit("|---|---|---|---|---|")
    emit("| hwnasd (Swift, release) | \(f(swiftS)) | \(r.queries) | \(f(r.best?.accuracy ?? .nan, 2)) | \(f(r.best?.latencyMs ?? .nan)) |")
    let split = "\nSwift, last run: \(f(predictorS)) s inside the two predictors (encode + MLP forward), the rest in the search itself."
    guard runPeer else { return emit(split) }
    let dir = NSTemporaryDirectory() + "hwnas-search-peer-\(getpid())"
    try exportRegressor(latency.regressor, to: dir + "/latency")
    try exportRegressor(accuracy.regressor, to: dir + "/accuracy")
    // A few archs with Swift's predictions, so the peer can check its encoding and forward pass.
    let check = space.sample(count: 20, seed: 99)
    let checkJSON: [String: Any] = [
        "archs": check.map { space.format($0) },
        "latency": try latency.objective(check),
        "accuracy": try accuracy.predict(check),
        "budget": budget, "generations": 500, "seed": 11, "runs": 1,
    ]
    try AtomicFile.write(Array(try JSONSerialization.data(withJSONObject: checkJSON)), to: dir + "/check.json")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [peerPython(), "Benchmarks/peers/search_peer.py", dir]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
    guard p.terminationStatus == 0, let lastLine = lines.last,
          let obj = try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any],
          let peerS = obj["seconds"] as? Double else {
        emit("| Python peer | failed (exit \(p.terminationStatus)) | | | |")
        return emit(split)
    }
    emit("| Python peer (numpy \(obj["numpy"] ?? "?"), peak RSS \(obj["peak_rss_mib"] ?? "?") MiB) | \(f(peerS)) | \(obj["queries"] ?? "?") | \(f(obj["bestAccuracy"] as? Double ?? .nan, 2)) | \(f(obj["bestLatency"] as? Double ?? .nan)) |")
    emit(split)
    emit("\nSpeed-up: \(f(peerS / swiftS, 1))×. Peer prediction check vs Swift on 20 archs: max |Δlatency| \(obj["maxLatencyDiff"] ?? "?") ms, max |Δtop-1| \(obj["maxAccuracyDiff"] ?? "?").")
    try? FileManager.default.removeItem(atPath: dir)
}
