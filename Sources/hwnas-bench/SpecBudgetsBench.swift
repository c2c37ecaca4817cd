// `hwnas-bench budgets --sections s [--confidence C]`: budgets that hold on a GPU the daemon never
// measured, given to `search {spec, confidence}` by its spec (issue 17), judged leave-one-chip-out
// on NB201's GPUs (minutes: one mlp-hw fit per chip).
import Foundation
import NASCore
import NASData
import NASPredictors
import NASSearch

/// Per NB201 GPU setting (chip and batch size), its chip left out of everything: the cells
/// `leaveOneChipOut` draws for it (≤ 3,000), 20 budgets at the 2.5th…97.5th percentiles of their
/// measured latency, and the exhaustive pick at `confidence` (the most accurate cell, CIFAR-10
/// measured, with answer ≤ budget × (1 − margin)) for each model `search {spec}` can answer with:
/// *mlp*: mlp-hw fitted without the chip, its margin from the unseen-GPU profile of the OTHER
/// chips' left-out errors (what `specModel: mlp` uses, and what a spec got before `search` took
/// `predict`'s default); *nearest*: the nearest GPU of another chip at the same batch (its
/// measurement, else its default's estimate, as `predict {spec}` answers), its margin
/// `NearestGPUInterval.margin` calibrated on the other chips only; *nearest span*: feasible when
/// `predict {spec, interval: C}`'s upper bound (the span of both answers × e^q) is ≤ the budget,
/// a per-architecture rule `search`'s one margin cannot express, shown for comparison.
func runSpecBudgets(_ s: NewDeviceScenario, confidence: Double) throws {
    func f(_ x: Double) -> String { NewDeviceScenario.f(x) }
    let space = s.space
    let gpus = try HardwareGeneralizedTrainer(catalog: s.catalog).gpuDevices(space: space.id)
    var config = HardwareGeneralizedTrainer.defaultConfig
    config.seed = 0
    let start = Date()
    let loco = try HardwareGeneralizedTrainer(catalog: s.catalog).leaveOneChipOut(
        space: space, devices: gpus, perDevice: PredictorTrainer.defaultTrainSize(space: space.id), config: config, control: .none)
    let fits = Date().timeIntervalSince(start)
    let accuracySource = try AccuracySources.nb201(dataset: "cifar10", catalog: s.catalog, space: space)
    NewDeviceScenario.emit("\n## Spec budgets on a GPU never measured (`search {spec, confidence: \(confidence)}`), leave-one-chip-out\n")
    NewDeviceScenario.emit("\(loco.count) NB201 GPU settings of \(Set(loco.map(\.chip)).count) chips; mlp-hw fitted without each chip (\(f(fits)) s of fits, load \(benchLoadAverage())). Exhaustive pick over the setting's ≤ 3,000 judged cells, 20 budgets each; regret as above (CIFAR-10 points, an answer over its budget losing the optimum's whole accuracy).\n")
    struct Tally { var within = 0, n = 0, regret = 0.0, regretWithin = 0.0, plain = 0 }
    let kinds = ["mlp", "nearest", "nearest span"]
    var tallies = [Tally](repeating: Tally(), count: kinds.count)
    var rows: [String] = []
    for e in loco {
        let d = gpus.first { $0.name == e.device }!
        let m = try s.catalog.measurements(space: space.id, device: d.name)
        let archs = e.cells.map { m.archs[$0] }
        let actual = e.actual
        let accuracy = try accuracySource.objective(archs)
        let others = gpus.filter { NearestGPUInterval.chip(of: $0) != e.chip }
        guard let n = try NearestGPUModel.nearest(to: DeviceSpecVector.values(of: d), among: others),
              let band = try NearestGPUInterval.calibrate(catalog: s.catalog, space: space.id, excludingChip: e.chip),
              let unseen = HardwareGeneralizedTrainer.unseenGPUProfile(loco.filter { $0.chip != e.chip }) else { continue }
        var nearest = try s.store.defaultPredictor(space: space.id, device: n.name).predict(archs: archs)
        NearestGPUModel.overlay(&nearest, archs: archs, lookup: NearestGPUModel.measurementLookup(try s.catalog.measurements(space: space.id, device: n.name)))
        let q = band.halfWidth(level: confidence)
        let upper = archs.indices.map { band.interval(prediction: nearest[$0], alongside: e.predicted[$0], level: confidence).upper }
        let finite = actual.filter(\.isFinite).sorted()
        let budgets: [Double] = (0..<20).map { (k: Int) -> Double in
            let q: Double = (Double(k) * 5 + 2.5) / 100
            return finite[min(finite.count - 1, Int(q * Double(finite.count)))]
        }
        var row = "| \(d.name) | \(n.name) |"
        for (k, kind) in kinds.enumerated() {
            var t = Tally()
            for b in budgets {
                var optimum = -Double.infinity
                for i in archs.indices where actual[i] <= b && accuracy[i].isFinite { optimum = max(optimum, accuracy[i]) }
                func pick(_ feasible: (Int) -> Bool) -> Int? {
                    var best: Int?
                    for i in archs.indices where feasible(i) && accuracy[i].isFinite {
                        if best.map({ accuracy[i] > accuracy[$0] }) ?? true { best = i }
                    }
                    return best
                }
                let chosen: Int?, plain: Int?
                switch kind {
                case "mlp":
                    let limit = b * (1 - unseen.margin(budget: b, confidence: confidence))
                    chosen = pick { e.predicted[$0] <= limit }
                    plain = pick { e.predicted[$0] <= b }
                case "nearest":
                    let limit = b * (1 - band.margin(confidence: confidence))
                    chosen = pick { nearest[$0] <= limit }
                    plain = pick { nearest[$0] <= b }
                default:
                    chosen = pick { upper[$0] <= b }
                    plain = pick { nearest[$0] <= b }
                }
                let within = chosen.map { actual[$0] <= b } ?? true
                let regret = chosen.map { within ? optimum - accuracy[$0] : optimum } ?? optimum
                t.n += 1
                if within { t.within += 1; t.regretWithin += regret }
                t.regret += regret
                if let p = plain, actual[p] <= b { t.plain += 1 }
            }
            row += " \(t.within)/\(t.n) | \(f(t.regret / Double(t.n))) |"
            tallies[k].within += t.within; tallies[k].n += t.n; tallies[k].regret += t.regret
            tallies[k].regretWithin += t.regretWithin; tallies[k].plain += t.plain
        }
        rows.append(row + " \(f(band.margin(confidence: confidence))) (q \(f(q))) |")
    }
    NewDeviceScenario.emit("| model | within the measured budget | target ≥ 95% | mean regret | mean regret of the answers within | no margin: within |")
    NewDeviceScenario.emit("|---|---|---|---|---|---|")
    for (k, kind) in kinds.enumerated() {
        let t = tallies[k], share = Double(t.within) / Double(max(t.n, 1))
        NewDeviceScenario.emit("| \(kind) | \(f(100 * share)) % (\(t.within)/\(t.n)) | \(share >= 0.95 ? "met" : "**missed**") | \(f(t.regret / Double(max(t.n, 1)))) | \(f(t.regretWithin / Double(max(t.within, 1)))) | \(t.plain)/\(t.n) |")
    }
    NewDeviceScenario.emit("\nPer GPU setting (within / mean regret):\n")
    NewDeviceScenario.emit("| GPU | answered by | " + kinds.map { "\($0) within | \($0) regret |" }.joined(separator: " ") + " nearest margin |")
    NewDeviceScenario.emit("|---|---|" + String(repeating: "---|---|", count: kinds.count) + "---|")
    for r in rows { NewDeviceScenario.emit(r) }
}
