// `hwnas-bench intervals [--fixtures DIR] [--state DIR] [--seeds N]`
//
// Coverage of `predict {interval}` on data the predictor and its error profile never saw, per
// NB201 fixture device:
// - defaults: the trainer's own held-out cells (14,625), cut in two halves; the profile built
//   on one half (as the trainer builds it on all of them) is judged on the other, and back;
// - fine-tuned and adapted predictors from 20 samples of the device (base: the device that
//   ranks it best): their cross-validated profile, judged on the 15,605 cells not sampled;
// - the hardware-generalized model: per GPU, the profile of the OTHER GPUs' held-out cells
//   judged on this GPU's held-out cells.
import Foundation
import NASCore
import NASPredictors

func runIntervalsBench(arguments: [String]) throws {
    let s = try NewDeviceScenario(arguments: arguments)
    let seeds = UInt64(benchOption(arguments, "--seeds") ?? "") ?? 1
    let levels = [0.8, 0.9, 0.95]
    func f(_ x: Double) -> String { NewDeviceScenario.f(x) }
    NewDeviceScenario.emit("# hwnas-bench intervals\n")
    NewDeviceScenario.emit("Run: `swift run -c release hwnas-bench intervals \(arguments.joined(separator: " "))`, \(ProcessInfo.processInfo.activeProcessorCount) cores.\n")
    NewDeviceScenario.emit("Coverage = share of held-out cells whose measured latency lies in [lower, upper] of `predict {interval}`; target: within ±0.03 of the level at 0.9. Width = median (upper − lower) / prediction at 0.9.\n")

    /// (coverage per level, median relative width at 0.9) of `profile` on (predicted, measured) pairs.
    func judge(_ profile: ErrorProfile, _ pred: [Double], _ actual: [Double]) -> ([Double], Double) {
        var cover = [Double](repeating: 0, count: levels.count), widths: [Double] = []
        for i in pred.indices {
            for (l, level) in levels.enumerated() {
                let b = profile.interval(prediction: pred[i], level: level)!
                if actual[i] >= b.lower && actual[i] <= b.upper { cover[l] += 1 }
                if level == 0.9 { widths.append((b.upper - b.lower) / max(pred[i], 1e-9)) }
            }
        }
        let n = Double(pred.count)
        return (cover.map { $0 / n }, widths.sorted()[widths.count / 2])
    }
    func verdict(_ c: Double) -> String { abs(c - 0.9) <= 0.03 ? "yes" : "**no**" }

    NewDeviceScenario.emit("## Defaults (the daemon's `default-nb201-<device>`: 1,000 cells trained, profile from the held-out cells)\n")
    NewDeviceScenario.emit("| device | variant | held-out cells | coverage 0.8 | coverage 0.9 | coverage 0.95 | width 0.9 | 0.9 within ±0.03 |")
    NewDeviceScenario.emit("|---|---|---|---|---|---|---|---|")
    for d in NewDeviceScenario.devices {
        let p = try s.store.defaultPredictor(space: "nb201", device: d)
        let m = try s.catalog.measurements(space: "nb201", device: d)
        let order = PredictorTrainer.splitOrder(count: m.archs.count, seed: 0)
        let held = Array(order[PredictorTrainer.defaultTrainSize(space: "nb201")...])
        precondition(held.count == p.metrics.testCount, "the trainer's split changed")
        let pred = try p.predict(archs: held.map { m.archs[$0] }), actual = held.map { m.latency[$0] }
        var cover = [Double](repeating: 0, count: levels.count), width = 0.0
        for half in 0..<2 {
            let fit = pred.indices.filter { $0 % 2 == half }, test = pred.indices.filter { $0 % 2 != half }
            let profile = ErrorProfile(predicted: fit.map { pred[$0] }, actual: fit.map { actual[$0] })!
            let (c, w) = judge(profile, test.map { pred[$0] }, test.map { actual[$0] })
            for l in levels.indices { cover[l] += c[l] / 2 }
            width += w / 2
        }
        NewDeviceScenario.emit("| \(d) | \(p.metrics.variant) | \(held.count) | \(f(cover[0])) | \(f(cover[1])) | \(f(cover[2])) | \(f(width)) | \(verdict(cover[1])) |")
    }

    for kind in ["finetune", "adaptProxy"] {
        NewDeviceScenario.emit("\n## \(kind) from 20 samples of the device (auto; base = the device ranking it best), profile from cross-validation on the samples; mean over \(seeds) sample draws\n")
        NewDeviceScenario.emit("| device | base | coverage 0.8 | coverage 0.9 | coverage 0.95 | width 0.9 | worst draw at 0.9 | 0.9 within ±0.03 |")
        NewDeviceScenario.emit("|---|---|---|---|---|---|---|---|")
        for d in NewDeviceScenario.devices {
            let base = s.base(for: d)
            var cover = [Double](repeating: 0, count: levels.count), width = 0.0, worst: Double?
            for seed in 0..<seeds {
                let (idx, held) = s.split(target: d, k: 20, seed: seed)
                let samples = s.samples(idx, target: d)
                let p = kind == "finetune" ? try s.fineTuned(base: base, samples: samples, seed: seed)
                    : try s.adapted(base: base, target: d, samples: samples, seed: seed)
                let pred = try p.predict(archs: held.map { s.all[$0] }), actual = held.map { s.measured[d]![$0] }
                let (c, w) = judge(p.errorProfile!, pred, actual)
                for l in levels.indices { cover[l] += c[l] / Double(seeds) }
                width += w / Double(seeds)
                if worst.map({ abs(c[1] - 0.9) > abs($0 - 0.9) }) ?? true { worst = c[1] }
            }
            NewDeviceScenario.emit("| \(d) | \(base) | \(f(cover[0])) | \(f(cover[1])) | \(f(cover[2])) | \(f(width)) | \(f(worst!)) | \(verdict(cover[1])) |")
        }
    }

    NewDeviceScenario.emit("\n## Hardware-generalized model (`default-nb201-mlp-hw`, all GPUs): per GPU, the profile of the other GPUs' held-out cells judged on this GPU's\n")
    NewDeviceScenario.emit("| GPU | held-out cells | coverage 0.8 | coverage 0.9 | coverage 0.95 | width 0.9 | 0.9 within ±0.03 |")
    NewDeviceScenario.emit("|---|---|---|---|---|---|---|")
    let trainer = HardwareGeneralizedTrainer(catalog: s.catalog)
    let gpus = try trainer.gpuDevices(space: "nb201")
    var config = HardwareGeneralizedTrainer.defaultConfig
    config.seed = 0
    let fit = try trainer.fit(space: s.space, devices: gpus, perDevice: PredictorTrainer.defaultTrainSize(space: "nb201"),
                              config: config, control: .none)
    let model = LatencyModel.hardware(fit.model)
    var pairs: [String: (pred: [Double], actual: [Double])] = [:]
    for g in gpus {
        let held = fit.heldOut[g.name]!
        let n = min(3000, held.archs.count)
        pairs[g.name] = (try model.predict(Array(held.archs.prefix(n)), space: s.space, encoding: ActiveOneHot(space: s.space),
                                           device: try trainer.spec(forDevice: g.name)), Array(held.latency.prefix(n)))
    }
    for g in gpus {
        let others = gpus.filter { $0.name != g.name }
        let profile = ErrorProfile(predicted: others.flatMap { pairs[$0.name]!.pred }, actual: others.flatMap { pairs[$0.name]!.actual })!
        let (c, w) = judge(profile, pairs[g.name]!.pred, pairs[g.name]!.actual)
        NewDeviceScenario.emit("| \(g.name) | \(pairs[g.name]!.pred.count) | \(f(c[0])) | \(f(c[1])) | \(f(c[2])) | \(f(w)) | \(verdict(c[1])) |")
    }
}
