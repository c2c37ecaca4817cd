// hwnas-bench fuzz: ≥ 100,000 generated hostile inputs (frames, JSON, every method's params;
// classes in FuzzInputGenerator) through the real hwnasd, each followed by a sentinel request.
// Prints per-class counts and error-code histograms, failures (crashes, hangs, missing, duplicate
// or undocumented replies) and checks that the daemon still serves with its state intact.
// Inputs are pipelined (`--window` in flight per daemon, FuzzSession) over `--sessions` daemons
// at once, each with its own generator (seed + session index); a daemon that hangs or dies is
// recorded as a failure and replaced, and its session goes on.
//   swift run -c release hwnas-bench fuzz [--count 100000] [--seed 1] [--framing lsp|ndjson]
//       [--window 16] [--sessions 1]
import Foundation
import HWNASTestSupport
import JSONRPC
import Synchronization

func runFuzzBench(arguments: [String]) throws {
    let count = benchOption(arguments, "--count").flatMap(Int.init) ?? 100_000
    let seed = benchOption(arguments, "--seed").flatMap(UInt64.init) ?? 1
    let framing: Framing = benchOption(arguments, "--framing") == "ndjson" ? .ndjson : .contentLength
    let window = max(1, benchOption(arguments, "--window").flatMap(Int.init) ?? 16)
    let sessions = max(1, benchOption(arguments, "--sessions").flatMap(Int.init) ?? 1)
    let corpus = try FuzzInputGenerator.loadCorpus(path: RepositoryFiles.path("protocol/fuzz-corpus.jsonl"))
    let outcomes = FuzzOutcomes()
    let done = DispatchSemaphore(value: 0)
    let t0 = Date()
    for k in 0..<sessions {
        let share = count / sessions + (k < count % sessions ? 1 : 0)
        let t = Thread {
            let r = Result { () throws(BenchFailure) in
                try fuzzWithRestarts(count: share, seed: seed &+ UInt64(k), framing: framing, corpus: corpus, window: window)
            }
            outcomes.results.withLock { $0[k] = r }
            done.signal()
        }
        t.stackSize = 16 << 20
        t.start()
    }
    for _ in 0..<sessions { done.wait() }
    let wall = Date().timeIntervalSince(t0)
    var report = FuzzSession.Report()
    var all: [FuzzOutcome] = []
    for k in 0..<sessions {
        let o = try outcomes.results.withLock { $0[k]! }.get()
        report.merge(o.report)
        all.append(o)
    }
    let healthy = all.allSatisfy { $0.alive && $0.stateIntact }
    let clientCPU = Double(clock()) / Double(CLOCKS_PER_SEC)  // this process's user + system time
    let daemonCPU = all.reduce(0) { $0 + $1.daemonCPUSeconds }

    print("# hwnas-bench fuzz --count \(count) --seed \(seed) --framing \(framing == .ndjson ? "ndjson" : "lsp") --window \(window) --sessions \(sessions)\n")
    print("inputs: \(report.inputs) in \(String(format: "%.1f", wall)) s (\(Int(Double(report.inputs) / wall))/s); " +
          "slowest input \(String(format: "%.0f", report.slowestMs)) ms (\(report.slowest)); load average at the end \(benchLoadAverage())")
    let perMillion = (daemonCPU + clientCPU) / Double(max(report.inputs, 1)) * 1e6
    print("CPU time: daemons \(String(format: "%.1f", daemonCPU)) s, this client \(String(format: "%.1f", clientCPU)) s " +
          "(\(String(format: "%.0f", perMillion)) CPU-s per 1,000,000 inputs: at least \(String(format: "%.0f", perMillion / 2 / 60)) min on 2 idle cores)")
    for (k, o) in all.enumerated() {
        print("session \(k) (seed \(seed &+ UInt64(k))): \(o.report.inputs) inputs; daemon restarts after a hang or crash: \(o.restarts); " +
              "daemon alive: \(o.alive); state intact (predict identical before/after): \(o.stateIntact); peak RSS \(String(format: "%.0f", o.peakRSSMiB)) MiB")
    }
    print("failures: \(report.failures.count)")
    for f in report.failures.prefix(20) { print("  - \(f)") }
    let codes = report.codes.keys.sorted(by: >)
    print("\n| class | inputs | " + codes.map { $0 == 0 ? "result" : "\($0)" }.joined(separator: " | ") + " |")
    print("|---|---:|" + String(repeating: "---:|", count: codes.count))
    for cls in FuzzInputGenerator.classes {
        let row = report.codesPerClass[cls] ?? [:]
        print("| \(cls) | \(report.perClass[cls] ?? 0) | " + codes.map { "\(row[$0] ?? 0)" }.joined(separator: " | ") + " |")
    }
    print("| **all** | \(report.inputs) | " + codes.map { "\(report.codes[$0] ?? 0)" }.joined(separator: " | ") + " |")
    print("\n(replies per class and error code; frame and envelope errors have a null id and count under their input's class)")
    if !report.failures.isEmpty || !healthy { throw BenchFailure("fuzzing found \(report.failures.count) failures") }
}

/// The sessions' outcomes, by session index.
private final class FuzzOutcomes: Sendable {
    let results = Mutex<[Int: Result<FuzzOutcome, BenchFailure>]>([:])
}

/// What one session found.
private struct FuzzOutcome: Sendable {
    var report: FuzzSession.Report
    var restarts: Int
    var alive: Bool
    var stateIntact: Bool
    var peakRSSMiB: Double
    /// CPU time (user + system) its daemons used.
    var daemonCPUSeconds: Double
}

/// A daemon with a LUT predictor trained for the state check, and that predictor's answer.
private func startFuzzDaemon(framing: Framing) throws(BenchFailure) -> (DaemonProcess, JSONValue) {
    let d: DaemonProcess
    do { d = try DaemonProcess(framing: framing) } catch { throw BenchFailure("cannot start hwnasd: \(error)") }
    guard d.call(1, "initialize")?["result"] != nil else { throw BenchFailure("initialize failed") }
    guard d.call(2, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "fuzz-lut"])?["result"] != nil,
          let before = d.call(3, "predict", ["predictor": "fuzz-lut", "archs": fuzzCheckArchs])?["result"]?["latency_ms"] else {
        throw BenchFailure("setup (train/predict fuzz-lut) failed")
    }
    return (d, before)
}

private let fuzzCheckArchs: JSONValue = [1, 77, 15_000]

/// `count` inputs through one daemon at a time: after a hang or crash (recorded as a failure)
/// a fresh daemon takes the rest.
private func fuzzWithRestarts(count: Int, seed: UInt64, framing: Framing, corpus: [FuzzInputGenerator.Seed],
                              window: Int) throws(BenchFailure) -> FuzzOutcome {
    var gen = FuzzInputGenerator(seed: seed, framing: framing, seeds: corpus)
    var (d, before) = try startFuzzDaemon(framing: framing)
    var report = FuzzSession.Report()
    var restarts = 0
    var firstID = 1_000_000
    var daemonCPU = 0.0
    let t0 = Date()
    // In parts of 50,000 inputs, with a progress line on stderr after each (a long run that is
    // stopped still tells how far it got).
    while report.inputs < count {
        let r = FuzzSession(client: d, allowedCodes: FuzzSession.documentedCodes, window: window)
            .run(&gen, count: min(50_000, count - report.inputs), firstID: firstID)
        report.merge(r)
        firstID += 2 * r.inputs
        let rate = Double(report.inputs) / Date().timeIntervalSince(t0)
        FileHandle.standardError.write(Data("fuzz seed \(seed): \(report.inputs)/\(count) inputs, \(report.failures.count) failures, \(Int(rate))/s, load \(benchLoadAverage())\n".utf8))
        guard r.stoppedOnHang else { continue }
        restarts += 1
        daemonCPU += benchCPUSeconds(pid: d.process.processIdentifier)
        (d, before) = try startFuzzDaemon(framing: framing)
    }
    let after = d.call(10, "predict", ["predictor": "fuzz-lut", "archs": fuzzCheckArchs])?["result"]?["latency_ms"]
    daemonCPU += benchCPUSeconds(pid: d.process.processIdentifier)
    let outcome = FuzzOutcome(report: report, restarts: restarts, alive: d.process.isRunning, stateIntact: after == before,
                              peakRSSMiB: d.peakRSSMiB ?? .nan, daemonCPUSeconds: daemonCPU)
    _ = d.call(11, "shutdown")
    return outcome
}

/// A benchmark that could not complete or found a defect.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
