// `hwnas-bench intervals --sections n`: coverage of the interval of `predict {spec, interval}`'s
// default answer, the nearest measured GPU (`NearestGPUModel`), for a GPU it never measured.
import Foundation
import NASCore
import NASPredictors

/// Per space and GPU setting, judged leave-one-chip-out: the setting's chip (every batch size of
/// it) is left out of the GPUs; its nearest GPU among the others (same batch) answers each
/// architecture both measured, and the interval is `NearestGPUInterval` calibrated on the other
/// chips only (each answered by its nearest among them), so nothing of the judged chip is used.
func runNearestGPUIntervals(_ s: NewDeviceScenario, levels: [Double]) throws {
    func f(_ x: Double) -> String { NewDeviceScenario.f(x) }
    func pct(_ x: Double) -> String { "\(NewDeviceScenario.f(100 * x, 1)) %" }
    NewDeviceScenario.emit("\n## Nearest-GPU answer (`predict {spec, interval}`'s default) for a GPU it never measured\n")
    NewDeviceScenario.emit("Per space and GPU setting (chip and batch size): the chip left out of the space's GPUs, its nearest GPU among the others (standardized log-spec distance, same batch) answers every architecture both measured (its measurement, as `predict {spec}` answers), and the interval is `NearestGPUInterval` calibrated on the OTHER chips only (each answered by its nearest among them; equal weight per setting). *Bias*: median measured/answer − 1; *spread*: 5–95 % range of measured/answer around it. *Width*: (upper − lower) / answer at 0.9 (one width per calibration). *Shipped q*: the half-width in log units `predict` uses (all chips).\n")
    for space in ["nb201", "fbnet", "ofa_mbv3"] {
        let gpus = try HardwareGeneralizedTrainer(catalog: s.catalog).gpuDevices(space: space)
        let chips = Array(Set(gpus.map(NearestGPUInterval.chip))).sorted()
        let shipped = try NearestGPUInterval.calibrate(catalog: s.catalog, space: space)
        NewDeviceScenario.emit("### \(space): \(gpus.count) GPU settings, \(chips.count) chips; shipped q at 0.9 = \(NewDeviceScenario.f(shipped?.halfWidth(level: 0.9) ?? .nan, 3)) (width \(f(2 * sinh(shipped?.halfWidth(level: 0.9) ?? .nan))))\n")
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
    }
}
