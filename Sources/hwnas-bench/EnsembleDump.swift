// `hwnas-bench ensemble-dump --out DIR --seeds N [--first-seed S] [--devices a,b] [--state DIR]`
// Per NB201 device and seeded draw of 20 samples (the split of `NewDeviceScenario`), `adaptProxy` without a proxy
// (`ProxyEnsemble.adapt`, pool = the fixture pool minus the device): every member's predictions of all 15,625 cells
// (`<d>-<seed>.f32`, float32), its out-of-fold predictions and the ensemble's residual summary (`<d>-<seed>.json`), and the
// measured latencies (`measured-<d>.f32`); the JSON also holds the ensemble's warnings. Read by `Benchmarks/ensemble_intervals/*.py` (interval rules judged leave-device-out).
import Foundation
import NASCore
import NASPredictors

func runEnsembleDump(arguments: [String]) throws {
    let s = try NewDeviceScenario(arguments: arguments)
    let seeds = UInt64(benchOption(arguments, "--seeds") ?? "") ?? 1
    let first = UInt64(benchOption(arguments, "--first-seed") ?? "") ?? 0
    let out = benchOption(arguments, "--out")!
    let devices = benchOption(arguments, "--devices").map { $0.split(separator: ",").map(String.init) } ?? NewDeviceScenario.devices
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    func write(_ v: [Double], _ path: String) throws {
        var f = v.map { Float($0) }
        let data = Data(bytes: &f, count: f.count * 4)
        try data.write(to: URL(fileURLWithPath: path))
    }
    // Per device, measured latency by official index, and the degenerate mask (once).
    var measured = s.measured
    for d in devices where measured[d] == nil {
        let m = try s.catalog.measurements(space: "nb201", device: d)
        var v = [Double](repeating: .nan, count: s.all.count)
        for (a, l) in zip(m.archs, m.latency) { if let i = s.space.officialIndex(of: a) { v[i] = l } }
        measured[d] = v
    }
    for d in devices { try write(measured[d]!, "\(out)/measured-\(d).f32") }
    try write(s.all.map { s.space.isDegenerate($0) ? 1 : 0 }, "\(out)/degenerate.f32")
    let fixturePool = try FixturePool.models(catalog: s.catalog, space: "nb201", excluding: [])
    for d in devices {
        for seed in first..<(first + seeds) {
            let path = "\(out)/\(d)-\(seed)"
            if FileManager.default.fileExists(atPath: path + ".json") { continue }
            var order = s.all.indices.filter { measured[d]![$0].isFinite && measured[d]![$0] > 0 }
            var rng = SeededGenerator(seed: 0xBE_4C4 ^ seed &* 0x9E37_79B9)
            order.seededShuffle(using: &rng)
            let idx = Array(order.prefix(20))
            let samples = idx.map { LatencySample(arch: s.all[$0], latencyMs: measured[d]![$0]) }
            let start = Date()
            let r = try ProxyEnsemble.adapt(pool: s.pool(fixturePool, without: [d], samples: samples), samples: samples,
                                            targetName: "user", id: "bench-ensemble", seed: seed)
            let secs = Date().timeIntervalSince(start)
            var members: [[String: Any]] = []
            var preds: [Double] = []
            for m in r.members {
                let dropped = Set(m.result.outliers.map(\.index))
                let kept = samples.indices.filter { !dropped.contains($0) }
                var oof = [Double](repeating: .nan, count: samples.count)
                for (k, i) in kept.enumerated() { oof[i] = m.result.outOfFold[k] }
                members.append(["proxy": m.proxy.name, "oof": oof.map { $0.isNaN ? -1 : $0 },
                                "variant": m.result.predictor.variant])
                preds += try m.result.predictor.predict(s.all)
            }
            try write(preds, path + ".f32")
            let res = r.predictor?.fewSampleResiduals
            let info: [String: Any] = ["samples": idx, "members": members, "seconds": secs,
                                       "residuals": res?.encoded ?? "", "warnings": r.warnings]
            let data = try JSONSerialization.data(withJSONObject: info)
            try data.write(to: URL(fileURLWithPath: path + ".json"))
        }
        NewDeviceScenario.emit("\(d) done")
    }
}
