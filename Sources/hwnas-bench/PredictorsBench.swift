// `hwnas-bench predictors`: accuracy of the latency predictors on the fixtures (issue 4).
//  (1) every fixture (space, device): LUT, FLOPs, MLP and the default, trained on 1,000 (NB201)
//      or 900 (FBNet/OFA) samples, tested on the rest;
//  (2) few-shot transfer to target devices with k = 5..100 samples: fine-tuned base, MLP from
//      scratch, LUT on k, best proxy device + affine;
//  (3) hardware generalization: leave one GPU out, predict it from its spec alone, against the
//      nearest-neighbour GPU;
//  (4) speed of the predictor facade (predict on 100,000 archs, default training on 1,000).
// Writes markdown to stdout and, for a whole run or with --out, to Benchmarks/results/predictors.md (or FILE).
import Dispatch
import Foundation
import NASCore
import NASData
import NASPredictors
import NASSpaces
import Synchronization

/// Entry point of `hwnas-bench predictors [--quick] [--fixtures DIR] [--out FILE] [--sections 1234] [--spaces S,...] [--traces FILE]`.
func runPredictorsBench(arguments: [String]) throws {
    var bench = PredictorsBench()
    var i = 0
    while i < arguments.count {
        switch arguments[i] {
        case "--quick": bench.quick = true
        case "--fixtures" where i + 1 < arguments.count: i += 1; bench.fixtures = arguments[i]
        case "--out" where i + 1 < arguments.count: i += 1; bench.outPath = arguments[i]
        case "--sections" where i + 1 < arguments.count: i += 1; bench.sections = Set(arguments[i])
        case "--spaces" where i + 1 < arguments.count: i += 1; bench.spaces = Set(arguments[i].split(separator: ",").map(String.init))
        case "--traces" where i + 1 < arguments.count: i += 1; bench.tracesPath = arguments[i]
        default: throw NASError(.invalidParams, "unknown option \(arguments[i]); options: --quick --fixtures DIR --out FILE --sections 1234 --spaces nb201,fbnet --traces FILE")
        }
        i += 1
    }
    try bench.run()
}

private struct PredictorsBench {
    var quick = false
    var fixtures: String? = nil
    /// `--out FILE` (else the results file, for a whole run only: `writeBenchReport`).
    var outPath: String? = nil
    var sections: Set<Character> = ["1", "2", "3", "4"]
    /// Section 1's spaces (default every space).
    var spaces: Set<String>? = nil
    /// `--traces FILE`: one JSON line per §1 device with `auto`'s validation RMSEs, epochs and the
    /// plain MLP's per-epoch validation RMSE, all without the race (to choose `AutoRace.shipped`).
    var tracesPath: String? = nil
    var report = ""

    mutating func emit(_ line: String = "") {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        report += line + "\n"
    }

    mutating func run() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate(fixtures))
        let start = Date()
        emit("# Latency predictors (hwnas-bench predictors\(quick ? " --quick" : ""))")
        emit()
        emit("Release build; seed 0; times on this machine (\(ProcessInfo.processInfo.activeProcessorCount) cores visible).")
        var defaults: [String: TrainedPredictor] = [:]
        if sections.contains("1") || sections.contains("2") { defaults = try accuracy(catalog) }
        if sections.contains("2") { try fewShot(catalog, defaults: defaults) }
        if sections.contains("3") { try hardware(catalog) }
        if sections.contains("4") { try speed(catalog) }
        emit()
        emit(String(format: "Total bench time: %.0f s.", Date().timeIntervalSince(start)))
        try writeBenchReport(report, bench: "predictors", results: "Benchmarks/results/predictors.md", out: outPath,
                             whole: !quick && spaces == nil && sections == ["1", "2", "3", "4"])
    }

    // MARK: (1) accuracy per (space, device)

    func pairs(_ catalog: DataCatalog) -> [(table: String, space: String, device: String)] {
        var out: [(String, String, String)] = []
        for layout in DataCatalog.tableLayouts {
            for d in catalog.devices(ofTable: layout.name) { out.append((layout.name, layout.space, d)) }
        }
        if let spaces { out = out.filter { spaces.contains($0.1) } }
        if quick {
            let keep: Set<String> = ["nb201/2080ti_1", "nb201/pixel3", "nb201/true_a76", "nb201/eagle_gtx", "fbnet/pixel3",
                                     "fbnet/2080ti_1", "fbnet/gold_6226", "ofa_mbv3/v100_1", "ofa_mbv3/2080ti_1", "ofa_mbv3/note10_lut"]
            out = out.filter { keep.contains("\($0.1)/\($0.2)") }
        }
        return out
    }

    static func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

    mutating func accuracy(_ catalog: DataCatalog) throws -> [String: TrainedPredictor] {
        emit()
        emit("## 1. Accuracy per (space, device): trained on 1,000 (NB201) / 900 (FBNet, OFA) samples, tested on the rest")
        emit()
        emit("RMSE in ms; MAPE and ±10% in %; SRCC Spearman. `MLP` = 3×256 ReLU MLP on log-latency (standardized), Adam, early stopping; `default` = best of {LUT, MLP, LUT+residual MLP} by validation RMSE (variant in the last columns). \"≥50%\" = MLP RMSE at least 50% below the LUT's (the seed paper's claim).")
        emit()
        emit("| table | device | n test | LUT RMSE | LUT MAPE | LUT SRCC | LUT ±10% | FLOPs RMSE | FLOPs SRCC | MLP RMSE | MLP MAPE | MLP SRCC | MLP ±10% | default RMSE | default MAPE | default SRCC | default ±10% | chosen | MLP ≥50% below LUT | default vs LUT RMSE | no-race RMSE | no-race SRCC | no-race chose | MLP epochs raced / full |")
        emit("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        struct Row: Sendable {
            var line: String
            var holds: Bool
            var defaultWins: Bool
            var key: String
            var predictor: TrainedPredictor
            var changed: Bool
            var trace: String
        }
        let all = pairs(catalog)
        let results = Mutex<[Int: Result<Row, NASError>]>([:])
        DispatchQueue.concurrentPerform(iterations: all.count) { index in
            let (table, spaceID, device) = all[index]
            let r = Result { () throws(NASError) -> Row in
                let c = try PredictorComparison.run(catalog: catalog, space: spaceID, device: device)
                let ml = c.lut, mf = c.flops, mm = c.mlp, md = c.defaultModel
                let holdsClaim = mm.rmse <= 0.5 * ml.rmse
                let f = Self.f
                let line = "| \(table) | \(device) | \(ml.count) | \(f(ml.rmse, 3)) | \(f(100 * ml.mape, 1)) | \(f(ml.spearman, 3)) | \(f(100 * ml.within10, 1)) | \(f(mf.rmse, 3)) | \(f(mf.spearman, 3)) | \(f(mm.rmse, 3)) | \(f(100 * mm.mape, 1)) | \(f(mm.spearman, 3)) | \(f(100 * mm.within10, 1)) | \(f(md.rmse, 3)) | \(f(100 * md.mape, 1)) | \(f(md.spearman, 3)) | \(f(100 * md.within10, 1)) | \(c.variant) | \(holdsClaim ? "yes" : "no") | \(f(100 * (md.rmse / ml.rmse - 1), 1))% | \(f(c.unraced.rmse, 3)) | \(f(c.unraced.spearman, 3)) | \(c.unracedVariant) | \(c.racedFit.epochs["mlp"] ?? 0) / \(c.unracedFit.epochs["mlp"] ?? 0) |"
                FileHandle.standardError.write(Data((line + "\n").utf8))
                let u = c.unracedFit
                let trace = "{\"table\":\"\(table)\",\"device\":\"\(device)\",\"chosen\":\"\(u.variant)\",\"raced\":\"\(c.variant)\",\"lut\":\(u.validationRMSE["lut"] ?? .nan),\"res\":\(u.validationRMSE["lut+mlp"] ?? .nan),\"mlp\":\(u.validationRMSE["mlp"] ?? .nan),\"resEpochs\":\(u.epochs["lut+mlp"] ?? 0),\"mlpEpochs\":\(u.epochs["mlp"] ?? 0),\"trace\":[\(u.mlpTrace.map { String($0) }.joined(separator: ","))]}"
                return Row(line: line, holds: holdsClaim, defaultWins: md.rmse < ml.rmse, key: "\(spaceID)/\(device)", predictor: c.predictor,
                           changed: c.variant != c.unracedVariant || md.rmse != c.unraced.rmse || md.spearman != c.unraced.spearman,
                           trace: trace)
            }
            results.withLock { $0[index] = r }
        }
        var defaults: [String: TrainedPredictor] = [:]
        var holds = 0, total = 0, defaultWins = 0
        var changed: [String] = [], traces = ""
        for index in 0..<all.count {
            let row = try results.withLock { $0[index]! }.get()
            emit(row.line)
            if row.changed { changed.append(row.key) }
            traces += row.trace + "\n"
            total += 1
            if row.holds { holds += 1 }
            if row.defaultWins { defaultWins += 1 }
            defaults[row.key] = row.predictor
        }
        emit()
        emit("MLP RMSE ≥ 50% below the LUT on \(holds) of \(total) (space, device) pairs; the default's RMSE is below the LUT's on \(defaultWins) of \(total).")
        emit("The race (`AutoRace.shipped`: \(AutoRace.shipped.minEpochs) epochs, ratio \(AutoRace.shipped.ratio); a table exact within \(PredictorTrainer.exactTableTolerance) of the mean latency trains no network) changed the default on \(changed.count) of \(total)\(changed.isEmpty ? "" : ": " + changed.joined(separator: ", ")) (against the same fit with `AutoRace.off`, every candidate trained to its end).")
        if let tracesPath { try? traces.write(toFile: tracesPath, atomically: true, encoding: .utf8) }
        return defaults
    }

    // MARK: (2) few-shot transfer

    mutating func fewShot(_ catalog: DataCatalog, defaults: [String: TrainedPredictor]) throws {
        emit()
        emit("## 2. Few-shot transfer: k target samples, tested on the target's other archs (mean over seeds)")
        emit()
        emit("Base = the default predictor (table 1) of the other device of the same table whose log-affine fit to the k samples is best; `fine-tuned blend` = the same FineTuner `auto` on a base that is the non-negative least-squares blend of all those defaults fitted to the k samples (`FineTuner.blendedBase`, what `finetune` does with `blendWith`); `fine-tuned` = FineTuner `auto` (log-affine map of the base, plus MLP fine-tuning from the base's weights when a 2-fold split of the k samples says it helps, k ≥ 10); `scratch` = 3×256 MLP trained on the k samples only; `LUT` = LUT fitted on the k samples (ridge); `proxy+affine` = the other device's *measured* latencies that best fit the k samples, log-affine mapped (a strong baseline: it uses every proxy's real measurements). Test = up to 3,000 other archs.")
        emit()
        emit("| space | target | k | fine-tuned SRCC | fine-tuned RMSE | method | fine-tuned blend SRCC | fine-tuned blend RMSE | scratch SRCC | scratch RMSE | LUT-on-k SRCC | LUT-on-k RMSE | proxy+affine SRCC | proxy+affine RMSE | base (proxy) |")
        emit("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        var targets: [(String, String)] = []
        for s in ["nb201", "fbnet"] {
            for d in ["2080ti_1", "pixel3", "raspi4", "eyeriss", "gold_6226"] { targets.append((s, d)) }
        }
        targets.append(("ofa_mbv3", "v100_1"))
        if quick { targets = [("nb201", "2080ti_1"), ("nb201", "pixel3")] }
        let ks = quick ? [5, 20] : [5, 10, 20, 50, 100]
        let seeds: [UInt64] = quick ? [0] : [0, 1, 2]
        for (spaceID, target) in targets {
            let space = try SpaceRegistry.space(spaceID)
            let enc = ActiveOneHot(space: space)
            let tableName = try catalog.tableName(space: spaceID, device: target)
            let table = try catalog.latencyTable(tableName)
            let col = try table.column(target)
            let others = table.devices.filter { $0 != target }
            let otherCols = try others.map { (d) throws(NASError) -> [Double] in try table.column(d) }
            // Bases: the default predictors of the other devices (trained in section 1 when it ran).
            var bases: [(String, TrainedPredictor)] = []
            for d in others {
                if let p = defaults["\(spaceID)/\(d)"] {
                    bases.append((d, p))
                } else if quick {
                    var cfg = MLPTrainingConfig()
                    cfg.maxEpochs = 60
                    let fit = try PredictorTrainer.fit(kind: .auto, archs: try catalog.measurements(space: spaceID, device: d).archs.prefix(900).map { $0 },
                                                       latency: try catalog.measurements(space: spaceID, device: d).latency.prefix(900).map { $0 },
                                                       space: space, config: cfg, control: .none)
                    bases.append((d, TrainedPredictor(id: "base-\(d)", spaceID: spaceID, device: d, model: fit.model,
                                                      metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: 900, testCount: 0, variant: fit.variant))))
                }
            }
            let valid = (0..<col.count).filter { i in !col[i].isNaN && otherCols.allSatisfy { !$0[i].isNaN } }
            for k in ks {
                var acc = [String: (srcc: Double, rmse: Double)]()
                var methods: [String] = [], baseNames: [String] = []
                for seed in seeds {
                    var order = valid
                    var rng = SeededGenerator(seed: 0xF00 ^ seed ^ UInt64(k) << 8)
                    order.seededShuffle(using: &rng)
                    let kIdx = Array(order[0..<k]), teIdx = Array(order[k..<min(order.count, k + 3000)])
                    let kA = kIdx.map { table.archs[$0] }, kY = kIdx.map { col[$0] }
                    let teA = teIdx.map { table.archs[$0] }, teY = teIdx.map { col[$0] }
                    func add(_ name: String, _ p: [Double]) {
                        let m = RegressionMetrics(predicted: p, actual: teY)
                        let old = acc[name] ?? (0, 0)
                        acc[name] = (old.srcc + m.spearman / Double(seeds.count), old.rmse + m.rmse / Double(seeds.count))
                    }
                    // Base choice by the k samples.
                    let basePreds = try bases.map { (b) throws(NASError) -> [Double] in try b.1.predict(archs: kA) }
                    let chosen = FineTuner.bestProxy(candidates: basePreds, target: kY).index
                    let samples = (0..<k).map { LatencySample(arch: kA[$0], latencyMs: kY[$0]) }
                    let tuned = try FineTuner.fineTune(FineTuneRequest(base: bases[chosen].1, samples: samples, method: .auto, seed: seed))
                    add("ft", try tuned.predict(archs: teA))
                    methods.append(tuned.metrics.variant)
                    // Blend base: a non-negative blend of every other device's default, fitted to the k samples.
                    let blended = try FineTuner.blendedBase(bases.map(\.1), samples: samples)
                    let tunedBlend = try FineTuner.fineTune(FineTuneRequest(base: blended, samples: samples, method: .auto, seed: seed))
                    add("ftb", try tunedBlend.predict(archs: teA))
                    baseNames.append(bases[chosen].0)
                    var cfg = MLPTrainingConfig.fineTuning(samples: k, seed: seed)
                    cfg.learningRate = 1e-3
                    let scratch = try PredictorTrainer.fit(kind: .mlp, archs: kA, latency: kY, space: space, config: cfg, control: .none)
                    add("scratch", try scratch.model.predict(teA, space: space, encoding: enc))
                    let lut = try LUTModel.fit(archs: kA, latency: kY, space: space, encoding: enc)
                    add("lut", try LatencyModel.lut(lut).predict(teA, space: space, encoding: enc))
                    let proxy = FineTuner.bestProxy(candidates: otherCols.map { c in kIdx.map { c[$0] } }, target: kY)
                    add("proxy", teIdx.map { proxy.map.apply(otherCols[proxy.index][$0]) })
                }
                let f = Self.f
                func cell(_ n: String) -> String { "\(f(acc[n]!.srcc, 3)) | \(f(acc[n]!.rmse, 3))" }
                emit("| \(spaceID) | \(target) | \(k) | \(cell("ft")) | \(Set(methods).sorted().joined(separator: "/")) | \(cell("ftb")) | \(cell("scratch")) | \(cell("lut")) | \(cell("proxy")) | \(Set(baseNames).sorted().joined(separator: ", ")) |")
            }
        }
    }

    // MARK: (3) hardware generalization

    mutating func hardware(_ catalog: DataCatalog) throws {
        emit()
        emit("## 3. Hardware generalization: leave one GPU out (all its batch sizes), predict it from its spec alone")
        emit()
        emit("mlp-hw = MLP on [one-hot ⊕ standardized log spec (10 devices.csv columns + batch)], trained on the other GPUs at all batch sizes (\(quick ? 300 : 600) archs per device); nearest-neighbour = the measured latencies of the training GPU nearest by standardized spec distance, at the same batch size (an upper bound of any predictor of that GPU). Test = up to 3,000 archs of the left-out device not used for training.")
        emit()
        emit("| space | left-out device | nearest GPU | mlp-hw RMSE | mlp-hw SRCC | mlp-hw MAPE | NN RMSE | NN SRCC | NN MAPE |")
        emit("|---|---|---|---|---|---|---|---|---|")
        let trainer = HardwareGeneralizedTrainer(catalog: catalog)
        for spaceID in quick ? ["nb201"] : ["nb201", "fbnet", "ofa_mbv3"] {
            let space = try SpaceRegistry.space(spaceID)
            let enc = ActiveOneHot(space: space)
            let gpus = try trainer.gpuDevices(space: spaceID)
            let families = Array(Set(gpus.compactMap(\.gpuName))).sorted()
            for family in quick ? Array(families.prefix(1)) : families {
                let train = gpus.filter { $0.gpuName != family }, test = gpus.filter { $0.gpuName == family }
                var cfg = HardwareGeneralizedTrainer.defaultConfig
                if quick { cfg.maxEpochs = 40 }
                let fit = try trainer.fit(space: space, devices: train, perDevice: quick ? 300 : 600, config: cfg, control: .none)
                let model = LatencyModel.hardware(fit.model)
                for d in test.sorted(by: { ($0.batch ?? 0) < ($1.batch ?? 0) }) {
                    let m = try catalog.measurements(space: spaceID, device: d.name)
                    let n = min(3000, m.archs.count)
                    let teA = Array(m.archs[(m.archs.count - n)...]), teY = Array(m.latency[(m.archs.count - n)...])
                    let spec = DeviceSpecVector.values(of: d)
                    let ph = try model.predict(teA, space: space, encoding: enc, device: spec)
                    let mh = RegressionMetrics(predicted: ph, actual: teY)
                    // The daemon's default spec-only model (`predict {spec}`, specModel nearest) makes this choice.
                    let nearest = try NearestGPUModel.nearest(to: spec, among: train)
                    var nnCell = "— | — | —", nnName = "—"
                    if let nearest {
                        let nm = try catalog.measurements(space: spaceID, device: nearest.name)
                        var lookup: [Architecture: Double] = [:]
                        for (i, a) in nm.archs.enumerated() { lookup[a] = nm.latency[i] }
                        let pairs = (0..<teA.count).compactMap { i in lookup[teA[i]].map { ($0, teY[i]) } }
                        let mn = RegressionMetrics(predicted: pairs.map(\.0), actual: pairs.map(\.1))
                        nnCell = "\(Self.f(mn.rmse)) | \(Self.f(mn.spearman)) | \(Self.f(100 * mn.mape, 1))"
                        nnName = nearest.name
                    }
                    emit("| \(spaceID) | \(d.name) | \(nnName) | \(Self.f(mh.rmse)) | \(Self.f(mh.spearman)) | \(Self.f(100 * mh.mape, 1)) | \(nnCell) |")
                }
            }
        }
    }

    // MARK: (4) speed

    mutating func speed(_ catalog: DataCatalog) throws {
        emit()
        emit("## 4. Speed of the predictor facade")
        emit()
        let space = try SpaceRegistry.space("fbnet")
        let m = try catalog.measurements(space: "fbnet", device: "2080ti_1")
        let trA = Array(m.archs.prefix(1000)), trY = Array(m.latency.prefix(1000))
        var cfg = MLPTrainingConfig()
        cfg.seed = 0
        var t0 = DispatchTime.now().uptimeNanoseconds
        let mlp = try PredictorTrainer.fit(kind: .mlp, archs: trA, latency: trY, space: space, config: cfg, control: .none)
        let trainMLP = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        t0 = DispatchTime.now().uptimeNanoseconds
        let auto = try PredictorTrainer.fit(kind: .auto, archs: trA, latency: trY, space: space, config: cfg, control: .none)
        let trainAuto = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let archs = space.sample(count: 100_000, seed: 11)
        let p = TrainedPredictor(id: "speed", spaceID: "fbnet", device: "2080ti_1", model: mlp.model,
                                 metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: 1000, testCount: 0, variant: "mlp"))
        _ = try p.predict(archs: Array(archs.prefix(5000)))
        var best = Double.infinity
        for _ in 0..<3 {
            t0 = DispatchTime.now().uptimeNanoseconds
            _ = try p.predict(archs: archs)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        let enc = ActiveOneHot(space: space)
        t0 = DispatchTime.now().uptimeNanoseconds
        let x = enc.encode(archs, space: space)
        let encodeTime = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        guard case .mlp(let reg) = mlp.model else { throw NASError(.internal, "expected an MLP") }
        var forward = Double.infinity
        for _ in 0..<3 {
            t0 = DispatchTime.now().uptimeNanoseconds
            _ = reg.network.predict(x)
            forward = min(forward, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        var one = Double.infinity
        for _ in 0..<200 {
            t0 = DispatchTime.now().uptimeNanoseconds
            _ = try p.predict(archs: [archs[0]])
            one = min(one, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        emit("| what | figure | target |")
        emit("|---|---|---|")
        emit("| `predict` (MLP 3×256, FBNet one-hot 198 inputs, validate + encode + forward) on 100,000 archs | \(Self.f(Double(archs.count) / best / 1000, 0))k archs/s | ≥ 200k archs/s |")
        emit("| of which: one-hot encoding of 100,000 archs (1 thread) | \(Self.f(Double(archs.count) / encodeTime / 1000, 0))k archs/s | — |")
        emit("| of which: MLP forward only (engine, `MLP.predict`, all threads) | \(Self.f(Double(archs.count) / forward / 1000, 0))k archs/s | — |")
        emit("| `predict` of 1 arch (in process, no stdio) | \(Self.f(one * 1e6, 1)) µs | < 1 ms round trip |")
        emit("| train MLP on 1,000 samples (early stopping) | \(Self.f(trainMLP, 2)) s | < 2 s |")
        emit("| train default (LUT + MLP + LUT+residual, choose) on 1,000 samples | \(Self.f(trainAuto, 2)) s (chose \(auto.variant)) | — |")
        emit()
        emit("The MLP engine beside its PyTorch/scikit-learn peer (same data, batch, network) is `hwnas-bench speed`.")
    }
}
