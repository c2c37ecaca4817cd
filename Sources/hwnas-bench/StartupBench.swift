// `hwnas-bench startup [--predictors N] [--big M] [--runs R] [--default-space S] [--default-device D]`: start-up of the real daemon
// against the size of its state directory (issue 22). Builds state directories of
//   - nothing (the floor: process start, fixtures, stores);
//   - N small saved predictors (default 10,000 LUT predictors of nb201/pixel3, ~1 KB each);
//   - M large ones (default 100 copies of the nb201/pixel3 default predictor, ~0.6 MB each);
// and times, per directory, spawn → `initialize` answered (the cost every CLI call pays): the
// first start (no index: every file is read and the index written, as every start read every file
// before indexes), then R more starts (median, from the index), beside the `initialize` answer's
// size, `hwnas/listPredictors` round trips (every predictor, and a first page of 100), the first
// `predict` on a saved predictor (its file read on first use) and the daemon's peak RSS. Then, in
// a table of its own, a device's saved default: a daemon trains and saves `default-<space>-<device>`
// (`--default-space`/`--default-device`, nb201/pixel3), and R more daemons each time their first
// `predict {space, device}` (the saved file read and checked against the fixtures it was fitted on).
// The daemon is `DaemonProcess.binaryPath` ($HWNASD, else next to this benchmark).
// `--keep DIR` builds the N-predictor directory in DIR, keeps it, and runs nothing (for profiling a
// daemon on it). CPU ms: the daemon's own CPU time (all threads) until `initialize` was answered.
import Foundation
import HWNASTestSupport
import JSONRPC
import NASCore
import NASData
import NASPredictors

func runStartupBench(arguments: [String]) throws {
    let small = benchOption(arguments, "--predictors").flatMap(Int.init) ?? 10_000
    let big = benchOption(arguments, "--big").flatMap(Int.init) ?? 100
    let runs = max(1, benchOption(arguments, "--runs").flatMap(Int.init) ?? 5)
    let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate(ProcessInfo.processInfo.environment["HWNASD_FIXTURES"]))
    let trainer = PredictorTrainer(catalog: catalog)
    if let keep = benchOption(arguments, "--keep") {
        var lut = TrainRequest(space: "nb201", device: "pixel3", model: .lut, id: "template")
        lut.trainSize = 1000
        try writeStateDirectory(keep, files: copies(of: try trainer.train(lut), count: small))
        print("wrote \(small) predictors to \(keep)/predictors")
        return
    }
    print("hwnas-bench startup: daemon \(DaemonProcess.binaryPath), \(runs) timed starts per directory, load \(benchLoadAverage())")
    print("")
    print("| state directory | files | bytes | first start (no index) | start, indexed (median of \(runs)) | CPU ms, indexed start (median) | initialize answer | listPredictors (all) | listPredictors (limit 100) | first predict on a saved one | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")

    try startupRow(label: "empty", files: [], runs: runs)
    var lut = TrainRequest(space: "nb201", device: "pixel3", model: .lut, id: "template")
    lut.trainSize = 1000
    let lutPredictor = try trainer.train(lut)
    try startupRow(label: "\(small) LUT predictors (nb201/pixel3)", files: copies(of: lutPredictor, count: small), runs: runs)
    if big > 0 {
        var auto = TrainRequest(space: "nb201", device: "pixel3", id: "template")
        auto.excludeDegenerate = true
        let defaultPredictor = try trainer.train(auto)
        try startupRow(label: "\(big) default predictors (nb201/pixel3, \(defaultPredictor.kind))",
                       files: copies(of: defaultPredictor, count: big), runs: runs)
    }
    try savedDefaultRow(space: benchOption(arguments, "--default-space") ?? "nb201",
                        device: benchOption(arguments, "--default-device") ?? "pixel3", runs: runs)
}

/// A daemon trains and saves the default predictor of (space, device); then `runs` daemons on
/// that state directory each time `initialize` and their first `predict {space, device}`.
private func savedDefaultRow(space: String, device: String, runs: Int) throws {
    let state = NSTemporaryDirectory() + "hwnas-bench-startup-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: state) }
    let params: JSONValue = ["space": .string(space), "device": .string(device), "archs": [1, 2, 3]]
    var trainMs = 0.0
    var starts: [Double] = [], predicts: [Double] = [], cpu: [Double] = []
    for run in 0...runs {
        let t0 = ContinuousClock.now
        let d = try DaemonProcess(framing: .ndjson, arguments: ["--state", state])
        guard d.call(1, "initialize", timeout: 600)?["result"] != nil else {
            throw NASError(.storage, "the daemon did not answer initialize")
        }
        let t1 = ContinuousClock.now
        let r = d.call(2, "predict", params, timeout: 600)
        let t2 = ContinuousClock.now
        guard r?["result"]?["latency_ms"]?.arrayValue?.count == 3 else {
            throw NASError(.storage, "predict on \(space)/\(device) failed: \(String(describing: r))")
        }
        if run == 0 {
            trainMs = startupMs(t2 - t1)
        } else {
            starts.append(startupMs(t1 - t0))
            predicts.append(startupMs(t2 - t1))
            cpu.append(daemonCPUMs(d.process.processIdentifier))
        }
        _ = d.call(9, "shutdown")
        d.notify("exit")
        _ = d.waitForExit(timeout: 60)
    }
    func f(_ x: Double) -> String { String(format: "%.1f ms", x) }
    print("")
    print("| saved default | first predict, trained and saved | start to initialize (median of \(runs)) | first predict, saved (median of \(runs)) | CPU ms, start + first predict (median) |")
    print("|---|---|---|---|---|")
    print("| \(PredictorStore.defaultID(space: space, device: device)) | \(f(trainMs)) | \(f(benchQuantile(starts, 0.5))) | \(f(benchQuantile(predicts, 0.5))) | \(f(benchQuantile(cpu, 0.5))) |")
}

/// `count` files of `p` under ids `p-00000`, ... (file name, bytes).
private func copies(of p: TrainedPredictor, count: Int) -> [(String, [UInt8])] {
    (0..<count).map { i in
        var q = p
        q.id = String(format: "p-%05d", i)
        return ("\(q.id).\(PredictorFile.fileExtension)", PredictorFile.encode(q))
    }
}

/// Builds one state directory, starts the daemon on it `runs + 1` times and prints its row.
private func startupRow(label: String, files: [(String, [UInt8])], runs: Int) throws {
    let state = NSTemporaryDirectory() + "hwnas-bench-startup-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: state) }
    let bytes = try writeStateDirectory(state, files: files)
    var first = 0.0
    var indexed: [Double] = [], cpu: [Double] = []
    var answerBytes = 0, listMs = Double.nan, pageMs = Double.nan, predictMs = Double.nan, peak = Double.nan
    for run in 0...runs {
        let t0 = ContinuousClock.now
        let d = try DaemonProcess(framing: .ndjson, arguments: ["--state", state])
        guard let answer = d.call(1, "initialize", timeout: 600)?["result"] else {
            throw NASError(.storage, "the daemon did not answer initialize on \(label)")
        }
        let ms = startupMs(ContinuousClock.now - t0)
        let cpuMs = daemonCPUMs(d.process.processIdentifier)
        let counted = answer["predictorCount"]?.intValue ?? -1
        guard counted == files.count, answer["predictors"]?.arrayValue?.count == min(files.count, 100) else {
            throw NASError(.storage, "initialize counted \(counted) predictors; \(files.count) were saved")
        }
        if run == 0 {
            first = ms
        } else {
            indexed.append(ms)
            cpu.append(cpuMs)
        }
        if run == runs {
            answerBytes = JSONWriter.write(answer).count
            let t3 = ContinuousClock.now  // a page first: it checks the stamps of the files it lists
            _ = d.call(4, "hwnas/listPredictors", ["limit": 100], timeout: 600)
            pageMs = startupMs(ContinuousClock.now - t3)
            let t1 = ContinuousClock.now
            let all = d.call(2, "hwnas/listPredictors", timeout: 600)?["result"]?["predictors"]?.arrayValue?.count
            listMs = startupMs(ContinuousClock.now - t1)
            guard all == files.count else {
                throw NASError(.storage, "hwnas/listPredictors listed \(all ?? -1) predictors; \(files.count) were saved")
            }
            if !files.isEmpty {
                let t2 = ContinuousClock.now
                let r = d.call(3, "predict", ["predictor": "p-00000", "archs": [1, 2, 3]], timeout: 600)
                predictMs = startupMs(ContinuousClock.now - t2)
                guard r?["result"]?["latency_ms"]?.arrayValue?.count == 3 else {
                    throw NASError(.storage, "predict on a saved predictor failed: \(String(describing: r))")
                }
            }
            peak = d.peakRSSMiB ?? .nan
        }
        _ = d.call(9, "shutdown")
        d.notify("exit")
        _ = d.waitForExit(timeout: 60)
    }
    func f(_ x: Double) -> String { x.isNaN ? "–" : String(format: "%.1f ms", x) }
    print("| \(label) | \(files.count) | \(String(format: "%.1f", Double(bytes) / 1_048_576)) MiB | \(f(first)) | \(f(benchQuantile(indexed, 0.5))) | \(f(benchQuantile(cpu, 0.5))) | \(String(format: "%.0f", Double(answerBytes) / 1024)) KiB | \(f(listMs)) | \(f(pageMs)) | \(f(predictMs)) | \(String(format: "%.0f", peak)) MiB |")
}

/// Writes `files` into `state`/predictors; their total size.
@discardableResult
private func writeStateDirectory(_ state: String, files: [(String, [UInt8])]) throws -> Int {
    try FileManager.default.createDirectory(atPath: state + "/predictors", withIntermediateDirectories: true)
    var bytes = 0
    for (name, data) in files {
        bytes += data.count
        guard FileManager.default.createFile(atPath: state + "/predictors/" + name, contents: Data(data)) else {
            throw NASError(.storage, "cannot write \(state)/predictors/\(name)")
        }
    }
    return bytes
}

/// CPU time of all threads of process `pid` so far (ms), from /proc/<pid>/task/*/schedstat.
private func daemonCPUMs(_ pid: Int32) -> Double {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    var ns = 0.0
    for t in tasks {
        if let s = try? String(contentsOfFile: "/proc/\(pid)/task/\(t)/schedstat", encoding: .utf8),
           let first = s.split(separator: " ").first, let v = Double(first) { ns += v }
    }
    return ns / 1e6
}

private func startupMs(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) * 1e-15
}
