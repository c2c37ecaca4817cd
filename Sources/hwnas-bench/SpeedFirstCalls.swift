// `hwnas-bench speed`'s first-call section (issue 22): what a fresh state directory pays once,
// timed in process on the daemon's own code paths, with the accuracy of what was trained (so a
// faster recipe is seen not to lose accuracy) and the peak RSS of each step:
//   - the default predictor of a fixture device (`PredictorStore.defaultPredictor`'s training);
//   - the hardware-generalized default (`predict {spec}`: `default-<space>-mlp-hw`), shipped and trained;
//   - the OFA ImageNet top-1 accuracy predictor (first OFA search), shipped and trained.
import Foundation
import NASCore
import NASData
import NASPredictors
import NASSearch
import NASSpaces
import Synchronization

/// A job control counting the MLP epochs reported through it (all networks together, and per
/// network named by a trailing "(name)" in the message: `auto`'s candidates train side by side,
/// so the longer one bounds the wall time).
final class EpochCounter: Sendable {
    let epochs = Atomic<Int>(0)
    let perNetwork = Mutex<[String: Int]>([:])
    var control: JobControl {
        JobControl(onProgress: { [self] r in
            guard r.values["epoch"] != nil else { return }
            epochs.add(1, ordering: .relaxed)
            if let m = r.message, m.hasSuffix(")"), let open = m.lastIndex(of: "(") {
                let name = String(m[m.index(after: open)..<m.index(before: m.endIndex)])
                perNetwork.withLock { $0[name, default: 0] += 1 }
            }
        })
    }
    var count: Int { epochs.load(ordering: .relaxed) }
    /// ": mlp 150, lut+mlp 59" when more than one network reported, else "".
    var split: String {
        let counts = perNetwork.withLock { $0 }
        guard counts.count > 1 else { return "" }
        return ": " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}

/// User + system CPU seconds of this process so far.
func benchCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

/// Peak resident set of this process since the last `resetPeakRSS()` (VmHWM), MiB.
func benchPeakRSSMiB() -> Double {
    benchMemoryMiB(pid: getpid())?.peak ?? .nan
}

/// Resets this process's VmHWM to its current RSS (Linux `clear_refs` 5), so the next
/// `benchPeakRSSMiB()` is the peak of what ran in between.
func resetPeakRSS() {
    if let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
        h.write(Data("5".utf8))
        try? h.close()
    }
}

/// The Python of the peers: `.build/peers-venv` (Benchmarks/peers/setup.sh) when it exists,
/// else `python3`.
func peerPython() -> String {
    let venv = FileManager.default.currentDirectoryPath + "/.build/peers-venv/bin/python"
    return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
}

/// A training config changed by `key=value,...` (hidden=400x400x400, batch, lr, epochs, patience,
/// wd, val): for trying recipes beside the shipped one (`--hardware-config`, `--ofa-config`).
func benchTrainingConfig(_ base: MLPTrainingConfig, _ text: String?) throws -> MLPTrainingConfig {
    var c = base
    for item in (text ?? "").split(separator: ",") {
        let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
        guard kv.count == 2 else { throw NASError(.invalidParams, "bad config item \(item)") }
        switch kv[0] {
        case "hidden": c.hidden = kv[1].split(separator: "x").compactMap { Int($0) }
        case "batch": c.batchSize = Int(kv[1]) ?? c.batchSize
        case "lr": c.learningRate = Double(kv[1]) ?? c.learningRate
        case "epochs": c.maxEpochs = Int(kv[1]) ?? c.maxEpochs
        case "patience": c.patience = Int(kv[1]) ?? c.patience
        case "wd": c.weightDecay = Double(kv[1]) ?? c.weightDecay
        case "val": c.validationFraction = Double(kv[1]) ?? c.validationFraction
        default: throw NASError(.invalidParams, "unknown config key \(kv[0])")
        }
    }
    return c
}

/// The first-call table: one row per (what, space/device), with seconds, held-out accuracy and peak RSS.
/// `hardwareConfig` / `ofaConfig` change the shipped recipes (exploration; nil: as shipped).
func runFirstCallRows(catalog: DataCatalog, defaults: [(String, String)], hardwareSpaces: [String], ofaAccuracy: Bool,
                      hardwareConfig: String? = nil, ofaConfig: String? = nil) throws {
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
    func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
    print("")
    print("## First calls (issue 22): from a fresh state directory (shipped model where one is shipped) and trained from scratch")
    print("")
    print("Seconds are wall time (CPU seconds of the process in brackets: under load, wall time is an upper bound).")
    print("")
    print("| first call | seconds | trained on | held-out RMSE | held-out SRCC | source / chose | peak RSS | target |")
    print("|---|---|---|---|---|---|---|---|")
    for (space, device) in defaults {
        let request = PredictorStore.defaultTrainRequest(space: space, device: device)
        // First call from a fresh state directory, as the daemon makes it (shipped where one is).
        let state = NSTemporaryDirectory() + "hwnas-bench-first-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        resetPeakRSS()
        var t0 = ContinuousClock.now, cpu0 = benchCPUSeconds()
        let shippedFile = PredictorTrainer(catalog: catalog).shippedDefaultPath(id: request.id!)
        var source = ModelSource.trained
        if FileManager.default.fileExists(atPath: shippedFile) {
            let store = try PredictorStore(directory: state + "/predictors", catalog: DataCatalog(fixturesDirectory: catalog.directory))
            let first: TrainedPredictor
            (first, source) = try store.defaultPredictorAndSource(space: space, device: device)
            let s = seconds(ContinuousClock.now - t0), cpu = benchCPUSeconds() - cpu0, m = first.metrics.heldOut
            print("| default predictor \(space)/\(device), fresh state directory | \(f(s, 2)) (\(f(cpu, 2))) | \(first.metrics.trainCount) | \(m.map { f($0.rmse, 4) } ?? "–") ms | \(m.map { f($0.spearman, 4) } ?? "–") | \(source.rawValue) (\(first.metrics.variant)) | \(f(benchPeakRSSMiB(), 0)) MiB | ≤ 1 s |")
        }
        resetPeakRSS()
        let counter = EpochCounter()
        t0 = ContinuousClock.now
        cpu0 = benchCPUSeconds()
        let p = try PredictorTrainer(catalog: catalog).train(request, control: counter.control)
        let s = seconds(ContinuousClock.now - t0), cpu = benchCPUSeconds() - cpu0
        let m = p.metrics.heldOut
        print("| default predictor \(space)/\(device)\(source == .trained ? "" : ", trained from scratch") | \(f(s, 2)) (\(f(cpu, 2))) | \(p.metrics.trainCount) | \(m.map { f($0.rmse, 4) } ?? "–") ms | \(m.map { f($0.spearman, 4) } ?? "–") | \(p.metrics.variant) (\(counter.count) epochs in all\(counter.split)) | \(f(benchPeakRSSMiB(), 0)) MiB | ≤ 1 s |")
    }
    func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(xs.count, 1)) }
    for space in hardwareSpaces {
        let trainer = HardwareGeneralizedTrainer(catalog: catalog)
        // Held-out: the rows of each training GPU it did not train on (at most 3,000 each), at the GPU's spec.
        func row(_ what: String, _ p: TrainedPredictor, _ s: Double, _ cpu: Double, _ chose: String) throws {
            let m = try trainer.heldOutMetrics(of: p, space: space).map(\.metrics)
            print("| hardware-generalized default \(space) (mlp-hw, `predict {spec}`), \(what) | \(f(s, 2)) (\(f(cpu, 2))) | \(p.metrics.trainCount) rows, \(m.count) GPUs | \(f(mean(m.map(\.rmse)), 4)) ms (mean over GPUs) | \(f(mean(m.map(\.spearman)), 4)) (mean) | \(chose) | \(f(benchPeakRSSMiB(), 0)) MiB | ≤ 5 s |")
        }
        // First call from a fresh state directory, as the daemon makes it (a new catalog: nothing parsed yet).
        let state = NSTemporaryDirectory() + "hwnas-bench-first-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        resetPeakRSS()
        var t0 = ContinuousClock.now, cpu0 = benchCPUSeconds()
        let store = try PredictorStore(directory: state + "/predictors", catalog: DataCatalog(fixturesDirectory: catalog.directory))
        let (shipped, source) = try store.defaultHardwarePredictorAndSource(space: space)
        try row("fresh state directory", shipped, seconds(ContinuousClock.now - t0), benchCPUSeconds() - cpu0, "\(source.rawValue)")
        resetPeakRSS()
        let counter = EpochCounter()
        t0 = ContinuousClock.now
        cpu0 = benchCPUSeconds()
        var request = TrainRequest(space: space, model: .hardware, id: "default-\(space)-mlp-hw")
        if hardwareConfig != nil { request.config = try benchTrainingConfig(HardwareGeneralizedTrainer.defaultConfig, hardwareConfig) }
        let p = try trainer.train(request, control: counter.control)
        try row("trained from scratch", p, seconds(ContinuousClock.now - t0), benchCPUSeconds() - cpu0, "trained (\(counter.count) epochs)")
    }
    if ofaAccuracy {
        let space = try SpaceRegistry.space("ofa_mbv3")
        let state = NSTemporaryDirectory() + "hwnas-bench-first-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        resetPeakRSS()
        let t1 = ContinuousClock.now, cpu1 = benchCPUSeconds()
        let fresh = DataCatalog(fixturesDirectory: catalog.directory)
        let (q, source) = try OFAAccuracyPredictor.loadOrTrain(catalog: fresh, space: space, directory: state + "/accuracy",
                                                                shippedDirectory: fresh.shippedModelsDirectory)
        let s1 = seconds(ContinuousClock.now - t1), c1 = benchCPUSeconds() - cpu1
        print("| OFA ImageNet top-1 accuracy predictor (first OFA search), fresh state directory | \(f(s1, 2)) (\(f(c1, 2))) | \(q.trainingCount) | \(f(q.heldOut.rmse, 4)) points | \(f(q.heldOut.spearman, 4)) | \(source.rawValue) | \(f(benchPeakRSSMiB(), 0)) MiB | ≤ 5 s |")
        resetPeakRSS()
        let counter = EpochCounter()
        let t0 = ContinuousClock.now, cpu0 = benchCPUSeconds()
        let config = try ofaConfig.map { try benchTrainingConfig(OFAAccuracyPredictor.defaultConfig, $0) }
        let p = try OFAAccuracyPredictor.train(catalog: catalog, space: space, config: config, control: counter.control)
        let s = seconds(ContinuousClock.now - t0), cpu = benchCPUSeconds() - cpu0
        print("| OFA ImageNet top-1 accuracy predictor (first OFA search), trained from scratch | \(f(s, 2)) (\(f(cpu, 2))) | \(p.trainingCount) | \(f(p.heldOut.rmse, 4)) points | \(f(p.heldOut.spearman, 4)) | trained: MLP \((config ?? OFAAccuracyPredictor.defaultConfig).hidden.map(String.init).joined(separator: "×")) (\(counter.count) epochs) | \(f(benchPeakRSSMiB(), 0)) MiB | ≤ 5 s |")
    }
}
