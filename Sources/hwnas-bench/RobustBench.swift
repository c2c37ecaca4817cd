// `hwnas-bench robust [--fixtures DIR] [--state DIR] [--seeds N]`
//
// One corrupted sample among 20 (issue 17): for each NB201 fixture device, 20 random measured
// cells, `finetune` (auto, base: the device ranking the target best) and `adaptProxy` (auto,
// with the fixture pool); sample 0's latency is then multiplied by 0.001 (a near-zero
// measurement) or by 10. Held-out SRCC on the 15,605 other cells, clean vs corrupted, with the
// outlier screen (what the daemon does) and without it (before).
import Foundation
import NASCore
import NASPredictors

func runRobustBench(arguments: [String]) throws {
    let s = try NewDeviceScenario(arguments: arguments)
    // adaptProxy's pool: every fixture device's model, fitted once (each fit leaves the target out).
    let fixturePool = try FixturePool.models(catalog: s.catalog, space: "nb201", excluding: [])
    let seeds = UInt64(benchOption(arguments, "--seeds") ?? "") ?? 1
    func f(_ x: Double) -> String { NewDeviceScenario.f(x) }
    NewDeviceScenario.emit("# hwnas-bench robust\n")
    NewDeviceScenario.emit("Run: `swift run -c release hwnas-bench robust \(arguments.joined(separator: " "))`, \(ProcessInfo.processInfo.activeProcessorCount) cores.\n")
    NewDeviceScenario.emit("Held-out SRCC (the target's cells not sampled) of a predictor fitted on 20 samples, mean over \(seeds) draws; corrupted: sample 0 × factor. Drop = clean − corrupted (per draw; mean and worst). Flagged: how often the screen named the corrupted sample / clean samples it named over all clean fits.\n")
    for kind in ["finetune", "adaptProxy"] {
        NewDeviceScenario.emit("## \(kind)\n")
        NewDeviceScenario.emit("| device | base | clean SRCC | × 0.001: drop mean / worst (screen) | × 0.001 without screen | × 10: drop mean / worst (screen) | × 10 without screen | corrupted flagged | clean samples flagged |")
        NewDeviceScenario.emit("|---|---|---|---|---|---|---|---|---|")
        var worstOverall = 0.0
        for d in NewDeviceScenario.devices {
            let base = s.base(for: d)
            var clean = 0.0, caught = 0, falseFlags = 0
            var drops: [String: [Double]] = [:]
            for seed in 0..<seeds {
                let (idx, held) = s.split(target: d, k: 20, seed: seed)
                let heldArchs = held.map { s.all[$0] }, actual = held.map { s.measured[d]![$0] }
                func fit(_ corrupt: Double?, screen: Bool) throws -> TrainedPredictor {
                    let samples = s.samples(idx, target: d, corrupt: corrupt)
                    return kind == "finetune" ? try s.fineTuned(base: base, samples: samples, seed: seed, screen: screen)
                        : try s.adapted(pool: fixturePool, base: base, target: d, samples: samples, seed: seed, screen: screen)
                }
                func srcc(_ p: TrainedPredictor) throws -> Double { RankCorrelation.spearman(try p.predict(archs: heldArchs), actual) }
                let c = try fit(nil, screen: true)
                let cleanSRCC = try srcc(c)
                falseFlags += c.metrics.outliers.count
                clean += cleanSRCC / Double(seeds)
                // Without the screen the clean fit is the same unless it flagged a clean sample.
                let plainClean = c.metrics.outliers.isEmpty ? cleanSRCC : try srcc(try fit(nil, screen: false))
                for factor in [0.001, 10] {
                    let withScreen = try fit(factor, screen: true)
                    if withScreen.metrics.outliers.contains(where: { $0.index == 0 }) { caught += 1 }
                    drops["\(factor) screen", default: []].append(cleanSRCC - (try srcc(withScreen)))
                    drops["\(factor) plain", default: []].append(plainClean - (try srcc(try fit(factor, screen: false))))
                }
            }
            func cell(_ key: String) -> String {
                let v = drops[key]!
                return "\(f(v.reduce(0, +) / Double(v.count))) / \(f(v.max()!))"
            }
            worstOverall = max(worstOverall, drops["0.001 screen"]!.max()!, drops["10.0 screen"]!.max()!)
            NewDeviceScenario.emit("| \(d) | \(base) | \(f(clean)) | \(cell("0.001 screen")) | \(cell("0.001 plain")) | \(cell("10.0 screen")) | \(cell("10.0 plain")) | \(caught)/\(2 * Int(seeds)) | \(falseFlags)/\(20 * Int(seeds)) |")
        }
        NewDeviceScenario.emit("\nWorst drop with the screen over every device, draw and corruption: \(f(worstOverall)) (target ≤ 0.01).\n")
    }
}
