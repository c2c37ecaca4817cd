// hwnas-bench fuzz: ≥ 100,000 generated hostile inputs (frames, JSON, every method's params;
// classes in FuzzInputGenerator) through the real hwnasd, each followed by a sentinel request.
// Prints per-class counts and error-code histograms, failures (crashes, hangs, missing, duplicate
// or undocumented replies) and checks that the daemon still serves with its state intact.
//   swift run -c release hwnas-bench fuzz [--count 100000] [--seed 1] [--framing lsp|ndjson]
import Foundation
import HWNASTestSupport
import JSONRPC

func runFuzzBench(arguments: [String]) throws {
    let count = benchOption(arguments, "--count").flatMap(Int.init) ?? 100_000
    let seed = benchOption(arguments, "--seed").flatMap(UInt64.init) ?? 1
    let framing: Framing = benchOption(arguments, "--framing") == "ndjson" ? .ndjson : .contentLength
    let corpus = try FuzzInputGenerator.loadCorpus(path: RepositoryFiles.path("protocol/fuzz-corpus.jsonl"))
    let d = try DaemonProcess(framing: framing)
    guard d.call(1, "initialize")?["result"] != nil else { throw BenchFailure("initialize failed") }
    let archs: JSONValue = [1, 77, 15_000]
    guard d.call(2, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "fuzz-lut"])?["result"] != nil,
          let before = d.call(3, "predict", ["predictor": "fuzz-lut", "archs": archs])?["result"]?["latency_ms"] else {
        throw BenchFailure("setup (train/predict fuzz-lut) failed")
    }
    var gen = FuzzInputGenerator(seed: seed, framing: framing, seeds: corpus)
    let t0 = Date()
    let report = FuzzSession(client: d, allowedCodes: FuzzSession.documentedCodes).run(&gen, count: count)
    let wall = Date().timeIntervalSince(t0)
    let after = d.call(10, "predict", ["predictor": "fuzz-lut", "archs": archs])?["result"]?["latency_ms"]
    let alive = d.process.isRunning

    print("# hwnas-bench fuzz --count \(count) --seed \(seed) --framing \(framing == .ndjson ? "ndjson" : "lsp")\n")
    print("inputs: \(report.inputs) in \(String(format: "%.1f", wall)) s (\(Int(Double(report.inputs) / wall))/s); " +
          "slowest input \(String(format: "%.0f", report.slowestMs)) ms (\(report.slowest))")
    print("daemon alive: \(alive); state intact (predict identical before/after): \(after == before); peak RSS \(String(format: "%.0f", d.peakRSSMiB ?? .nan)) MiB")
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
    if !report.failures.isEmpty || !alive || after != before { throw BenchFailure("fuzzing found \(report.failures.count) failures") }
}

/// A benchmark that could not complete or found a defect.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
