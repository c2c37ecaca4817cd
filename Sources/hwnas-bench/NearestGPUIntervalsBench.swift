// `hwnas-bench intervals --sections n [--nn-mlp yes]`: coverage of the interval of
// `predict {spec, interval}`'s default answer, the nearest measured GPU (`NearestGPUModel`), for a
// GPU it never measured; with `--nn-mlp yes`, also what mlp-hw's disagreement with that answer
// tells (one mlp-hw fit per chip and space, leaveOneChipOut: minutes).
import Foundation
import NASCore
import NASData
import NASPredictors
import NASSpaces

/// Per space and GPU setting, judged leave-one-chip-out: the setting's chip (every batch size of
/// it) is left out of the GPUs; its nearest GPU among the others (same batch) answers each
/// architecture both measured, and the interval is `NearestGPUInterval` calibrated on the other
/// chips only (each answered by its nearest among them), so nothing of the judged chip is used.
func runNearestGPUIntervals(_ s: NewDeviceScenario, levels: [Double], withMLP: Bool) throws {
    func f(_ x: Double) -> String { NewDeviceScenario.f(x) }
    func pct(_ x: Double) -> String { "\(NewDeviceScenario.f(100 * x, 1)) %" }
    NewDeviceScenario.emit("\n## Nearest-GPU answer (`predict {spec, interval}`'s default) for a GPU it never measured\n")
    NewDeviceScenario.emit("Per space and GPU setting (chip and batch size): the chip left out of the space's GPUs, its nearest GPU among the others (standardized log-spec distance, same batch) answers every architecture both measured (its measurement, as `predict {spec}` answers), and the interval is `NearestGPUInterval` calibrated on the OTHER chips only (each answered by its nearest among them; equal weight per setting). *Bias*: median measured/answer − 1; *spread*: 5–95 % range of measured/answer around it. *Width*: (upper − lower) / answer at 0.9 (one width per calibration). *Shipped q*: the half-width in log units `predict` uses (all chips).\n")
    for space in ["nb201", "fbnet", "ofa_mbv3"] {
        let gpus = try HardwareGeneralizedTrainer(catalog: s.catalog).gpuDevices(space: space)
        let chips = Array(Set(gpus.map(NearestGPUInterval.chip))).sorted()
        // What `predict {spec, interval}` computes per call (measurements cached by the catalog after the first).
        var seconds: [Double] = []
        var shipped: NearestGPUInterval?
        for _ in 0..<5 {
            let start = Date()
            shipped = try NearestGPUInterval.calibrate(catalog: s.catalog, space: space)
            _ = shipped?.halfWidth(level: 0.9)
            seconds.append(Date().timeIntervalSince(start))
        }
        NewDeviceScenario.emit("### \(space): \(gpus.count) GPU settings, \(chips.count) chips; shipped q at 0.9 = \(NewDeviceScenario.f(shipped?.halfWidth(level: 0.9) ?? .nan, 3)) (width \(f(2 * sinh(shipped?.halfWidth(level: 0.9) ?? .nan)))); its calibration per call (release): median \(NewDeviceScenario.f(seconds.sorted()[2] * 1000, 1)) ms of 5, the first \(NewDeviceScenario.f(seconds[0] * 1000, 1)) ms\n")
        NewDeviceScenario.emit("| GPU | answered by | bias | spread | calibration chips' bias range | coverage 0.8 | coverage 0.9 | coverage 0.95 | width 0.9 | 0.9 within ±0.03 |")
        NewDeviceScenario.emit("|---|---|---|---|---|---|---|---|---|---|")
        var coverages: [Double] = [], widths: [Double] = [], met = 0
        for chip in chips {
            guard let judged = try NearestGPUInterval.calibrate(catalog: s.catalog, space: space, excludingChip: chip) else { continue }
            let others = gpus.filter { NearestGPUInterval.chip(of: $0) != chip }
            for d in gpus where NearestGPUInterval.chip(of: d) == chip {
                guard let n = try NearestGPUModel.nearest(to: DeviceSpecVector.values(of: d), among: others) else { continue }
                let r = NearestGPUInterval.logRatios(try s.catalog.measurements(space: space, device: d.name),
                                                     answer: try s.catalog.measurements(space: space, device: n.name))
                let cover = levels.map { level in
                    let q = judged.halfWidth(level: level)
                    return Double(r.filter { abs($0) <= q }.count) / Double(r.count)
                }
                let sorted = r.sorted(), median = ErrorProfile.empiricalQuantile(sorted, 0.5)
                let spread = (exp(ErrorProfile.empiricalQuantile(sorted, 0.95)) - exp(ErrorProfile.empiricalQuantile(sorted, 0.05))) / exp(median)
                let w = 2 * sinh(judged.halfWidth(level: 0.9))
                coverages.append(cover[1]); widths.append(w)
                if abs(cover[1] - 0.9) <= 0.03 { met += 1 }
                let (lo, hi) = judged.biasRange
                NewDeviceScenario.emit("| \(d.name) | \(n.name) | \(pct(exp(median) - 1)) | \(pct(spread)) | \(pct(lo)) to \(pct(hi)) | \(f(cover[0])) | \(f(cover[1])) | \(f(cover[2])) | \(f(w)) | \(abs(cover[1] - 0.9) <= 0.03 ? "yes" : "**no**") |")
            }
        }
        guard !coverages.isEmpty else { continue }
        NewDeviceScenario.emit("\n\(space): within ±0.03 of 0.9 on \(met) of \(coverages.count); coverage at 0.9 from \(f(coverages.min()!)) to \(f(coverages.max()!)), mean \(f(coverages.reduce(0, +) / Double(coverages.count))), \(coverages.filter { $0 < 0.87 }.count) below 0.87; width at 0.9 \(f(widths.min()!))–\(f(widths.max()!)).\n")
        if withMLP { try mlpDisagreement(s, space: space, gpus: gpus) }
    }
}

/// What mlp-hw's disagreement with the nearest-GPU answer tells, per GPU setting judged
/// leave-one-chip-out: the MLP fitted without the chip (`leaveOneChipOut`, ≤ 3,000 cells per
/// setting) and the nearest other-chip GPU answer the same cells. *MLP's bias*: median mlp/answer − 1
/// (what the MLP expects this GPU's bias to be); *span*: what `predict` ships, the interval spanning
/// both answers widened by e^(±q) of the chip-less `NearestGPUInterval` (`interval(prediction:alongside:level:)`:
/// the disagreement as an additive width, no calibration of its own, so it can only cover more).
func mlpDisagreement(_ s: NewDeviceScenario, space spaceID: String, gpus: [DeviceSpec]) throws {
    func f(_ x: Double) -> String { NewDeviceScenario.f(x) }
    func pct(_ x: Double) -> String { "\(NewDeviceScenario.f(100 * x, 1)) %" }
    let space = try SpaceRegistry.space(spaceID)
    var config = HardwareGeneralizedTrainer.defaultConfig
    config.seed = 0
    let start = Date()
    let loco = try HardwareGeneralizedTrainer(catalog: s.catalog).leaveOneChipOut(
        space: space, devices: gpus, perDevice: PredictorTrainer.defaultTrainSize(space: spaceID), config: config, control: .none)
    NewDeviceScenario.emit("\(spaceID), mlp-hw against the nearest-GPU answer (\(loco.count) settings, \(NewDeviceScenario.f(Date().timeIntervalSince(start), 0)) s of fits):\n")
    NewDeviceScenario.emit("| GPU | nearest-GPU bias | MLP's bias (mlp/answer) | median |log mlp/answer| | corr(|log mlp/answer|, |log measured/answer|) over cells | coverage 0.9 band alone | coverage 0.9 span (shipped) | width 0.9 span |")
    NewDeviceScenario.emit("|---|---|---|---|---|---|---|---|")
    var pairs: [(Double, Double)] = []
    for e in loco {
        let d = gpus.first { $0.name == e.device }!
        let others = gpus.filter { NearestGPUInterval.chip(of: $0) != e.chip }
        guard let n = try NearestGPUModel.nearest(to: DeviceSpecVector.values(of: d), among: others),
              let band = try NearestGPUInterval.calibrate(catalog: s.catalog, space: spaceID, excludingChip: e.chip) else { continue }
        let m = try s.catalog.measurements(space: spaceID, device: d.name)
        let answer = NearestGPUModel.measurementLookup(try s.catalog.measurements(space: spaceID, device: n.name))
        let q = band.halfWidth(level: 0.9)
        var r: [Double] = [], g: [Double] = [], inBand = 0.0, inSpan = 0.0, widths: [Double] = []
        for (k, i) in e.cells.enumerated() {
            guard let a = answer[m.archs[i]], a > 0, e.actual[k] > 0, e.predicted[k] > 0 else { continue }
            r.append(log(e.actual[k] / a)); g.append(log(e.predicted[k] / a))
            if abs(r.last!) <= q { inBand += 1 }
            let (lo, hi) = band.interval(prediction: a, alongside: e.predicted[k], level: 0.9)
            if e.actual[k] >= lo && e.actual[k] <= hi { inSpan += 1 }
            widths.append((hi - lo) / a)
        }
        guard r.count > 2 else { continue }
        let bias = exp(ErrorProfile.empiricalQuantile(r.sorted(), 0.5)) - 1, mlpBias = exp(ErrorProfile.empiricalQuantile(g.sorted(), 0.5)) - 1
        pairs.append((bias, mlpBias))
        let absG = g.map(abs), absR = r.map(abs)
        NewDeviceScenario.emit("| \(d.name) | \(pct(bias)) | \(pct(mlpBias)) | \(f(ErrorProfile.empiricalQuantile(absG.sorted(), 0.5))) | \(f(RankCorrelation.pearson(absG, absR))) | \(f(inBand / Double(r.count))) | \(f(inSpan / Double(r.count))) | \(f(widths.sorted()[widths.count / 2])) |")
    }
    NewDeviceScenario.emit("\nCorrelation over the settings of the nearest-GPU bias and the MLP's: \(f(RankCorrelation.pearson(pairs.map(\.0), pairs.map(\.1)))).\n")
}
