// `hwnas-bench speed`: the MLP engine's speed beside a Python peer (Benchmarks/peers/mlp_peer.py)
// on the same data in the same run: GEMM GFLOP/s, predict throughput on 100,000 archs, training
// on 1,000 samples with the default config (3 x 256, Adam, batch 64, early stopping).
// Data: NB201 one-hot (6 edges x 5 ops = 30 inputs) of fixtures/nb201/latency.csv, target the
// standardized log-latency of one device. Then (issue 22) the first calls a fresh state directory
// pays (SpeedFirstCalls.swift) and the 500-generation OFA evolution beside its Python peer
// (`hwnas-bench search`'s speed section). The peers run with .build/peers-venv's Python when
// Benchmarks/peers/setup.sh made it (PyTorch CPU + scikit-learn), else python3.
import Foundation
import NASCore
import NASData
import NASPredictors

/// Entry point of `hwnas-bench speed [--fixtures DIR] [--device NAME] [--rows N] [--python EXE] [--no-peer]
/// [--no-first-calls] [--no-evolution] [--no-ofa-accuracy] [--defaults nb201:gold_6226,fbnet:2080ti_1] [--hardware nb201]`
/// [--hardware-config k=v,...] [--ofa-config k=v,...]` (`--defaults ''` and `--hardware ''` leave those rows
/// out; the config options try other recipes, see `benchTrainingConfig`).
func runSpeedBench(arguments: [String]) throws {
    try SpeedBench(arguments: arguments).run()
}

private struct SpeedBench {
    var fixtures = ProcessInfo.processInfo.environment["HWNASD_FIXTURES"] ?? "fixtures"
    var device = "2080ti_1"
    var predictRows = 100_000
    var python = peerPython()
    var peerScript = "Benchmarks/peers/mlp_peer.py"
    var runPeer = true
    var seed: UInt64 = 0
    var firstCalls = true
    var ofaAccuracy = true
    var hardwareConfig: String?
    var ofaConfig: String?
    var evolution = true
    var defaults = [("nb201", "gold_6226"), ("fbnet", "2080ti_1")]
    var hardwareSpaces = ["nb201"]

    init(arguments: [String]) throws {
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < arguments.count else { throw NASError(.invalidParams, "\(arguments[i - 1]) needs a value") }
            return arguments[i]
        }
        while i < arguments.count {
            switch arguments[i] {
            case "--fixtures": fixtures = try value()
            case "--device": device = try value()
            case "--rows": predictRows = Int(try value()) ?? predictRows
            case "--python": python = try value()
            case "--peer": peerScript = try value()
            case "--no-peer": runPeer = false
            case "--seed": seed = UInt64(try value()) ?? 0
            case "--no-first-calls": firstCalls = false
            case "--no-evolution": evolution = false
            case "--no-ofa-accuracy": ofaAccuracy = false
            case "--hardware-config": hardwareConfig = try value()
            case "--ofa-config": ofaConfig = try value()
            case "--defaults":
                defaults = try value().split(separator: ",").compactMap { item in
                    let parts = item.split(separator: ":")
                    return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
                }
            case "--hardware": hardwareSpaces = try value().split(separator: ",").map(String.init)
            default: throw NASError(.invalidParams, "unknown option \(arguments[i])")
            }
            i += 1
        }
    }

    static let nb201Ops = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]

    /// 30-dim one-hot of an NB201 arch string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`.
    static func encodeNB201(_ arch: String) throws -> [Float] {
        let ops = arch.split(separator: "|").filter { $0 != "+" }.map { String($0.split(separator: "~")[0]) }
        guard ops.count == 6 else { throw NASError(.invalidArchitecture, "not an NB201 cell: \(arch)") }
        var v = [Float](repeating: 0, count: 30)
        for (e, op) in ops.enumerated() {
            guard let k = nb201Ops.firstIndex(of: op) else { throw NASError(.invalidArchitecture, "unknown op \(op)") }
            v[e * 5 + k] = 1
        }
        return v
    }

    /// All NB201 archs (one-hot) and one device's latency column.
    func loadNB201() throws -> (FloatMatrix, [Double]) {
        let path = fixtures + "/nb201/latency.csv"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw NASError(.storage, "cannot read \(path) (use --fixtures DIR)")
        }
        var lines = text.split(whereSeparator: \.isNewline)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        guard let col = header.firstIndex(of: device) else {
            throw NASError(.unknownDevice, "device \(device) is not a column of \(path)")
        }
        var storage: [Float] = []
        var latency: [Double] = []
        storage.reserveCapacity(lines.count * 30)
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            storage += try Self.encodeNB201(String(f[1]))
            latency.append(Double(f[col]) ?? .nan)
        }
        return (FloatMatrix(rows: latency.count, cols: 30, storage: storage), latency)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Best wall time of `repeats` runs of `body`.
    static func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        var bestTime = Double.infinity
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            try body()
            bestTime = min(bestTime, seconds(ContinuousClock.now - start))
        }
        return bestTime
    }

    /// User + system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
    }

    static func write(_ values: [Float], to path: String) throws {
        let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw NASError(.storage, "cannot write \(path)")
        }
    }

    func run() throws {
        let (all, latency) = try loadNB201()
        // Standardized log-latency; 1,000 seeded samples (900 train + 100 validation), test on the rest.
        let logs = latency.map { Foundation.log(max($0, 1e-6)) }
        let mean = logs.reduce(0, +) / Double(logs.count)
        let std = (logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logs.count)).squareRoot()
        let z = logs.map { Float(($0 - mean) / std) }
        var order = Array(0..<all.rows)
        var rng = SeededGenerator(seed: seed)
        order.seededShuffle(using: &rng)
        let trainIdx = Array(order[0..<900]), valIdx = Array(order[900..<1000]), testIdx = Array(order[1000...])
        let xTrain = all.selectingRows(trainIdx), yTrain = trainIdx.map { z[$0] }
        let xVal = all.selectingRows(valIdx), yVal = valIdx.map { z[$0] }
        let xTest = all.selectingRows(testIdx), yTest = testIdx.map { z[$0] }
        let xPredict = all.selectingRows((0..<predictRows).map { $0 % all.rows })
        print("hwnas-bench speed: NB201 one-hot (30 inputs), device \(device), MLP 30-256-256-256-1, \(Kernels.defaultThreads) threads, AVX2/FMA: \(Kernels.hasAVX2FMA), AVX-512F: \(Kernels.hasAVX512F)")

        // GEMM GFLOP/s on a 256-wide layer (one thread).
        var gemmRows: [(String, Double)] = []
        do {
            let (m, n, k) = (4096, 256, 256)
            var g = SeededGenerator(seed: 1)
            let a = (0..<(m * k)).map { _ in Float(g.nextDouble()) }, b = (0..<(k * n)).map { _ in Float(g.nextDouble()) }
            var c = [Float](repeating: 0, count: m * n)
            let paths = (Kernels.hasAVX512F ? [("AVX-512F", Kernels.Path.avx512)] : []) + [("AVX2/FMA", .avx2), ("C fallback", .fallback)]
            for (label, path) in paths {
                let t = Self.best(5) { Kernels.sgemm(path: path, m: m, n: n, k: k, a: a, b: b, c: &c) }
                gemmRows.append((label, 2.0 * Double(m * n * k) / t / 1e9))
            }
        }

        // Training (default config: 3 x 256, Adam 1e-3, batch 64, <= 300 epochs, patience 30).
        var config = MLPTrainingConfig()
        config.seed = seed
        var trained: (MLP, TrainingHistory)? = nil
        resetPeakRSS()
        let cpu0 = Self.cpuSeconds()
        let trainTime = try Self.best(1) {
            trained = try MLPTrainer.train(x: xTrain, y: yTrain, validation: (xVal, yVal), config: config,
                                           initial: nil, control: .none)
        }
        let trainCPU = Self.cpuSeconds() - cpu0
        let trainRSS = benchPeakRSSMiB()
        let (net, history) = trained!
        let testPred = net.predict(xTest)
        let testMSE = zip(testPred, yTest).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(yTest.count)
        let srcc = RankCorrelation.spearman(testPred.map(Double.init), yTest.map(Double.init))

        // Predict throughput on `predictRows` archs (best of 5), two threads and one.
        var out = [Float](repeating: 0, count: predictRows)
        func timePredict(threads: Int) -> Double {
            Self.best(5) {
                xPredict.storage.withUnsafeBufferPointer { px in
                    out.withUnsafeMutableBufferPointer { net.predict(px, rows: predictRows, into: $0, threads: threads) }
                }
            }
        }
        let predict2 = timePredict(threads: Kernels.defaultThreads)
        let predict1 = timePredict(threads: 1)
        // One arch, the in-process call a `predict` request makes.
        let one = xPredict.selectingRows([0])
        let predictOne = Self.best(1000) { _ = net.predict(one) }

        // The Python peer on the same matrices.
        var peer: [String: Any] = ["backend": "peer not run: --no-peer"]
        if runPeer {
            peer = try runPythonPeer(xTrain: xTrain, yTrain: yTrain, xVal: xVal, yVal: yVal, xTest: xTest, yTest: yTest,
                                     xPredict: xPredict, epochs: history.epochs)
        }
        func peerValue(_ key: String) -> Double? { (peer[key] as? NSNumber)?.doubleValue }

        let flopsPerArch = 2.0 * Double(net.parameterCount)
        print("")
        print("| measure | hwnasd (Swift) | peer (\(peer["backend"] as? String ?? "not run")) | target |")
        print("|---|---|---|---|")
        for (label, gf) in gemmRows {
            print("| GEMM 4096x256x256, 1 thread, \(label) | \(fmt(gf, 1)) GFLOP/s | | ≥ 50 GFLOP/s (AVX) |")
        }
        let sps2 = Double(predictRows) / predict2
        print("| predict \(predictRows) archs, \(Kernels.defaultThreads) threads | \(fmt(sps2 / 1000, 0))k archs/s (\(fmt(predict2 * 1000, 1)) ms, \(fmt(sps2 * flopsPerArch / 1e9, 1)) GFLOP/s) | \(peerValue("predict_seconds").map { "\(fmt(Double(predictRows) / $0 / 1000, 0))k archs/s (\(fmt($0 * 1000, 1)) ms)" } ?? "–") | ≥ 200k archs/s, faster than peer |")
        if let t = peerValue("predict_numpy_seconds") {
            print("| predict \(predictRows) archs, numpy/OpenBLAS float32 forward of the peer's weights | | \(fmt(Double(predictRows) / t / 1000, 0))k archs/s (\(fmt(t * 1000, 1)) ms) | |")
        }
        print("| predict \(predictRows) archs, 1 thread | \(fmt(Double(predictRows) / predict1 / 1000, 0))k archs/s | \(peerValue("predict1_seconds").map { "\(fmt(Double(predictRows) / $0 / 1000, 0))k archs/s" } ?? "–") | |")
        print("| predict 1 arch, in process | \(fmt(predictOne * 1e6, 1)) µs | \(peerValue("predict_one_seconds").map { "\(fmt($0 * 1e6, 1)) µs" } ?? "–") | |")
        print("| train 900+100 samples, \(history.epochs) epochs (best \(history.bestEpoch)) | \(fmt(trainTime, 2)) s (\(fmt(trainTime / Double(history.epochs) * 1000, 1)) ms/epoch; \(fmt(trainCPU, 2)) CPU-s) | \(peerValue("train_seconds").map { "\(fmt($0, 2)) s (\(fmt($0 / Double(history.epochs) * 1000, 1)) ms/epoch)" } ?? "–") | ≤ 1 s |")
        print("| peak RSS (training in process; the peer's whole process) | \(fmt(trainRSS, 0)) MiB | \(peerValue("peak_rss_mib").map { "\(fmt($0, 0)) MiB" } ?? "–") | |")
        print("| test MSE / SRCC on \(yTest.count) held-out archs (normalized log-latency) | \(fmt(testMSE, 4)) / \(fmt(srcc, 4)) | \(peerValue("test_mse").map { fmt($0, 4) } ?? "–") / \(peerValue("test_srcc").map { fmt($0, 4) } ?? "–") | |")

        let catalog = DataCatalog(fixturesDirectory: fixtures)
        if firstCalls {
            try runFirstCallRows(catalog: catalog, defaults: defaults, hardwareSpaces: hardwareSpaces, ofaAccuracy: ofaAccuracy,
                                 hardwareConfig: hardwareConfig, ofaConfig: ofaConfig)
        }
        if evolution {
            resetPeakRSS()
            try runSearchSpeed(catalog: catalog, quick: false, runPeer: runPeer, emit: { print($0) })
            print("\nPeak RSS of the evolution section (in process, predictors' training included): \(fmt(benchPeakRSSMiB(), 0)) MiB.")
        }
    }

    /// Writes the matrices to a temporary folder, runs the peer, and parses its JSON line.
    func runPythonPeer(xTrain: FloatMatrix, yTrain: [Float], xVal: FloatMatrix, yVal: [Float], xTest: FloatMatrix,
                       yTest: [Float], xPredict: FloatMatrix, epochs: Int) throws -> [String: Any] {
        let dir = NSTemporaryDirectory() + "hwnas-speed-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, values) in [("x_train", xTrain.storage), ("y_train", yTrain), ("x_val", xVal.storage), ("y_val", yVal),
                               ("x_test", xTest.storage), ("y_test", yTest), ("x_predict", xPredict.storage)] {
            try Self.write(values, to: "\(dir)/\(name).f32")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, peerScript, "--dir", dir, "--cols", "\(xTrain.cols)", "--epochs", "\(epochs)",
                             "--threads", "\(Kernels.defaultThreads)", "--seed", "\(seed)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            print("peer failed (status \(process.terminationStatus), \(python)); output:\n\(String(decoding: data, as: UTF8.self))")
            return ["backend": "peer not run: \(python) lacks torch or scikit-learn; bash Benchmarks/peers/setup.sh"]
        }
        return json
    }
}

private func fmt(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
