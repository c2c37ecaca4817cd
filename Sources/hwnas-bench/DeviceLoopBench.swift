// `hwnas-bench device-loop`: this machine as a device (issue 15).
//  (a) export + measure throughput: `hwnas measure` (the Python client: export through hwnasd,
//      onnxruntime on this CPU) on a few random networks per space, run as a subprocess; and the
//      throughput of the committed fixture run, from its measurements.csv header;
//  (b) the repeat-measurement noise floor: SRCC between two independent measurement passes over
//      the same 200 architectures (the committed fixtures/<space>_onnxrt/measurements.csv hold
//      every pass's median), the ceiling for any predictor of this device;
//  (c) per space, the default predictor trained on this device's data vs the LUT and the MLP
//      (the predictors bench's comparison), beside that ceiling.
// Writes markdown to stdout and Benchmarks/results/device-loop.md.
import Foundation
import HWNASTestSupport
import NASCore
import NASData
import NASSpaces

/// Entry point of `hwnas-bench device-loop [--fixtures DIR] [--out FILE] [--device NAME]
/// [--networks N] [--no-throughput] [--python PATH] [--measure-args '--cpu 1 --nice -15']`.
func runDeviceLoopBench(arguments: [String]) throws {
    var bench = DeviceLoopBench()
    var i = 0
    while i < arguments.count {
        switch arguments[i] {
        case "--fixtures" where i + 1 < arguments.count: i += 1; bench.fixtures = arguments[i]
        case "--out" where i + 1 < arguments.count: i += 1; bench.outPath = arguments[i]
        case "--device" where i + 1 < arguments.count: i += 1; bench.device = arguments[i]
        case "--networks" where i + 1 < arguments.count: i += 1; bench.networks = Int(arguments[i]) ?? bench.networks
        case "--python" where i + 1 < arguments.count: i += 1; bench.python = arguments[i]
        case "--no-throughput": bench.throughput = false
        case "--measure-args" where i + 1 < arguments.count:
            i += 1; bench.measureArguments = arguments[i].split(separator: " ").map(String.init)
        default: throw NASError(.invalidParams, "unknown option \(arguments[i]); options: --fixtures DIR --out FILE --device NAME --networks N --no-throughput --python PATH --measure-args 'ARGS'")
        }
        i += 1
    }
    try bench.run()
}

/// A `hwnas measure` samples CSV: its `# key: value` header lines and its table.
struct MeasuredSamplesFile {
    var meta: [String: String]
    var table: CSVTable

    init(path: String) throws(NASError) {
        let bytes: [UInt8]
        do { bytes = try AtomicFile.read(path) } catch { throw NASError(.storage, "cannot read \(path): \(error.message)") }
        var meta: [String: String] = [:]
        var body = ""
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") {
                let text = line.dropFirst()
                if let colon = text.firstIndex(of: ":") {
                    meta[String(text[..<colon]).trimmingCharacters(in: .whitespaces)] =
                        String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                }
            } else {
                body += line + "\n"
            }
        }
        self.meta = meta
        self.table = CSVTable(text: body)
    }

    /// The numeric column `name`.
    func doubles(_ name: String) throws(NASError) -> [Double] { try table.doubles(name) }
}

private struct DeviceLoopBench {
    var fixtures: String? = nil
    var outPath = "Benchmarks/results/device-loop.md"
    var device = "onnxrt_epyc_zen4"
    var networks = 20
    var throughput = true
    var python = "python3"
    /// More arguments for `hwnas measure` (e.g. `--cpu 1 --nice -15` on a shared machine).
    var measureArguments: [String] = []
    var report = ""

    static let spaces = ["nb201", "fbnet", "ofa_mbv3", "mbv2", "proxyless"]

    mutating func emit(_ line: String = "") {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        report += line + "\n"
    }

    static func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    mutating func run() throws {
        let dir = try FixturesLocator.locate(fixtures)
        let catalog = DataCatalog(fixturesDirectory: dir)
        let start = Date()
        emit("# The device loop: this machine as a device (hwnas-bench device-loop)")
        emit()
        emit("Device `\(device)`: this machine's CPU under onnxruntime, one intra-op thread (fixtures/README.md). Release build; \(ProcessInfo.processInfo.activeProcessorCount) cores visible; load average at start \(Self.loadAverage()). Other processes (builds, tests) may share the machine: timings are noisy.")
        if throughput { try throughputSection(fixtures: dir) }
        let floors = try noiseSection(fixtures: dir)
        try predictorSection(catalog, floors: floors)
        emit()
        emit(String(format: "Total bench time: %.0f s; load average at the end %@.", Date().timeIntervalSince(start), Self.loadAverage()))
        try? FileManager.default.createDirectory(atPath: (outPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try report.write(toFile: outPath, atomically: true, encoding: .utf8)
    }

    static func loadAverage() -> String { benchLoadAverage() }

    func measurementsPath(_ fixtures: String, _ space: String) -> String { "\(fixtures)/\(space)_onnxrt/measurements.csv" }

    // MARK: (a) throughput

    mutating func throughputSection(fixtures: String) throws {
        emit()
        emit("## (a) Export + measure throughput")
        emit()
        let root = (fixtures as NSString).deletingLastPathComponent
        emit("`PYTHONPATH=clients/python \(python) -m hwnas.measure --space S --sample \(networks) --sample-seed 7 --repeats 10 --warmup 3 --passes 1\(measureArguments.isEmpty ? "" : " " + measureArguments.joined(separator: " "))` per space (hwnasd = `\(DaemonProcess.binaryPath)`), run now: networks/s end to end (daemon start, sampling, export, onnxruntime sessions and runs), export alone (the `export` calls) and timing alone (session creation, 3 + 10 runs).")
        emit()
        emit("| space | networks | wall s | end to end networks/s | export networks/s | measure networks/s | median ms | median spread % |")
        emit("|---|---|---|---|---|---|---|---|")
        let tmp = NSTemporaryDirectory() + "hwnas-device-loop-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        for space in Self.spaces {
            let out = "\(tmp)/\(space).csv"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python, "-m", "hwnas.measure", "--space", space, "--sample", String(networks), "--sample-seed", "7",
                                 "--repeats", "10", "--warmup", "3", "--passes", "1", "--out", out, "--quiet"] + measureArguments
            var env = ProcessInfo.processInfo.environment
            env["HWNASD"] = DaemonProcess.binaryPath
            env["PYTHONPATH"] = "\(root)/clients/python" + (env["PYTHONPATH"].map { ":" + $0 } ?? "")
            process.environment = env
            let errPipe = Pipe()
            process.standardError = errPipe
            let t0 = Date()
            try process.run()
            let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let wall = Date().timeIntervalSince(t0)
            guard process.terminationStatus == 0, let file = try? MeasuredSamplesFile(path: out) else {
                let why = String(decoding: errData, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "no output"
                emit("| \(space) | — | — | skipped: \(why) | | | | |")
                continue
            }
            let n = Double(file.table.rows.count)
            let exportS = Double(file.meta["export_s"] ?? "") ?? .nan, runS = Double(file.meta["run_s"] ?? "") ?? .nan
            let lat = try file.doubles("latency_ms").sorted(), spread = try file.doubles("spread_pct").sorted()
            emit("| \(space) | \(Int(n)) | \(Self.f(wall, 1)) | \(Self.f(n / wall, 2)) | \(Self.f(n / exportS, 1)) | \(Self.f(n / runS, 2)) | \(Self.f(lat[lat.count / 2], 3)) | \(Self.f(spread[spread.count / 2], 1)) |")
        }
        emit()
        emit("The committed fixture run (`scripts/measure_fixture_device.py`, numbers from each measurements.csv header):")
        emit()
        emit("| space | networks | passes × (warm-up + runs) | wall s | networks/s (all passes) | export s | measure s | load before → after |")
        emit("|---|---|---|---|---|---|---|---|")
        for space in Self.spaces {
            guard let file = try? MeasuredSamplesFile(path: measurementsPath(fixtures, space)) else {
                emit("| \(space) | not measured | | | | | | |")
                continue
            }
            let m = file.meta, n = file.table.rows.count
            let passes = Double(m["passes"] ?? "") ?? .nan, wall = Double(m["wall_s"] ?? "") ?? .nan
            emit("| \(space) | \(n) | \(m["passes"] ?? "?") × (\(m["warmup"] ?? "?") + \(m["repeats"] ?? "?")) | \(m["wall_s"] ?? "?") | \(Self.f(Double(n) * passes / wall, 2)) | \(m["export_s"] ?? "?") | \(m["run_s"] ?? "?") | \(m["load_before"] ?? "?") → \(m["load_after"] ?? "?") |")
        }
    }

    // MARK: (b) noise floor

    /// Per space: the mean SRCC between two single passes over the first 200 architectures, and
    /// the SRCC between two independent half-medians over all of them (NaN below 4 passes).
    struct Floor {
        var singlePass200: Double
        var halvesAll: Double
        var passes: Int
        /// Estimated ceiling of a predictor's SRCC against the shipped latency (median of all
        /// passes): √ of its reliability, the half-medians' SRCC stepped up from half to all the
        /// passes by the Spearman–Brown formula, 2h / (1 + h) (an approximation: it assumes
        /// parallel measurements and applies to Pearson correlation).
        var shippedCeiling: Double {
            guard halvesAll.isFinite, halvesAll > 0 else { return .nan }
            return (2 * halvesAll / (1 + halvesAll)).squareRoot()
        }
    }

    mutating func noiseSection(fixtures: String) throws -> [String: Floor] {
        emit()
        emit("## (b) Repeat-measurement noise floor")
        emit()
        emit("From the committed fixtures/<space>_onnxrt/measurements.csv: each pass measured every network once more, in its own shuffled order, so two passes are independent measurements of the same architectures. `SRCC 200` = Spearman correlation of pass i's and pass j's medians over the first 200 architectures (the 10 reference archs first, then random ones), mean over the pass pairs; `SRCC all` the same over every architecture; spread = interquartile range of the timed runs / median (median over networks), pass spread = (max − min) / median of the pass medians. A single pass agrees with another only this well: no predictor of a single pass can rank better. `half-medians` = SRCC between the median of the first half of the passes and the median of the second half (two independent 2-pass measurements): the shipped latency, the median of all passes, is at least that repeatable.")
        emit()
        emit("| space | archs | passes | SRCC 200 (pass pairs) | SRCC 200 mean | SRCC all mean | half-medians SRCC 200 / all | median spread % | median pass spread % | runtime | date |")
        emit("|---|---|---|---|---|---|---|---|---|---|---|")
        var floors: [String: Floor] = [:]
        for space in Self.spaces {
            guard let file = try? MeasuredSamplesFile(path: measurementsPath(fixtures, space)) else {
                emit("| \(space) | not measured | | | | | | | | | |")
                continue
            }
            let passes = file.table.header.filter { $0.hasPrefix("pass") && $0.hasSuffix("_ms") }
            let columns = try passes.map { (c) throws(NASError) -> [Double] in try file.doubles(c) }
            var pairs200: [Double] = [], pairsAll: [Double] = []
            for i in 0..<columns.count {
                for j in (i + 1)..<columns.count {
                    let k = min(200, columns[i].count)
                    pairs200.append(RankCorrelation.spearman(Array(columns[i].prefix(k)), Array(columns[j].prefix(k))))
                    pairsAll.append(RankCorrelation.spearman(columns[i], columns[j]))
                }
            }
            // Two independent half-medians: passes 1..h against passes h+1..2h.
            let h = columns.count / 2
            var halves = "—", halvesAll = Double.nan
            if h >= 2 {
                let first = (0..<columns[0].count).map { r in Self.median((0..<h).map { columns[$0][r] }) }
                let second = (0..<columns[0].count).map { r in Self.median((h..<(2 * h)).map { columns[$0][r] }) }
                let k = min(200, first.count)
                halvesAll = RankCorrelation.spearman(first, second)
                halves = "\(Self.f(RankCorrelation.spearman(Array(first.prefix(k)), Array(second.prefix(k))), 3)) / \(Self.f(halvesAll, 3))"
            }
            let mean200 = pairs200.isEmpty ? .nan : pairs200.reduce(0, +) / Double(pairs200.count)
            let meanAll = pairsAll.isEmpty ? .nan : pairsAll.reduce(0, +) / Double(pairsAll.count)
            floors[space] = Floor(singlePass200: mean200, halvesAll: halvesAll, passes: columns.count)
            let spread = try file.doubles("spread_pct").sorted(), passSpread = try file.doubles("pass_spread_pct").sorted()
            emit("| \(space) | \(file.table.rows.count) | \(columns.count) | \(pairs200.map { Self.f($0, 3) }.joined(separator: ", ")) | \(Self.f(mean200, 3)) | \(Self.f(meanAll, 3)) | \(halves) | \(Self.f(spread[spread.count / 2], 1)) | \(Self.f(passSpread[passSpread.count / 2], 1)) | \(file.meta["runtime"] ?? "?") | \(file.meta["date"] ?? "?") |")
        }
        return floors
    }

    // MARK: (c) predictors on this device

    mutating func predictorSection(_ catalog: DataCatalog, floors: [String: Floor]) throws {
        emit()
        emit("## (c) Predictors trained on this device's data")
        emit()
        emit("As in `hwnas-bench predictors` table 1 (same split rule and seed: 1,000 NB201 / 900 other samples, at most all but 100, tested on the rest): LUT, MLP and the default (best of LUT, MLP, LUT + residual MLP by validation RMSE) trained on `\(device)`, beside the noise floor of (b). The test targets are the shipped latencies, medians of all passes, which repeat better than one pass: a predictor (a smooth function of the architecture) can therefore rank them better than one pass ranks another. Its ceiling against them is estimated as √(2h / (1 + h)), h = the half-medians' SRCC over all archs (Spearman–Brown from half to all the passes; a perfect predictor correlates with a noisy target by √ of the target's reliability).")
        emit()
        emit("| space | train | test | LUT RMSE ms | LUT SRCC | MLP RMSE ms | MLP SRCC | default RMSE ms | default MAPE % | default SRCC | chosen | single pass vs pass SRCC 200 (b) | ceiling vs the shipped median |")
        emit("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for space in Self.spaces {
            guard catalog.deviceNames(space: space).contains(device) else {
                emit("| \(space) | no data | | | | | | | | | | | |")
                continue
            }
            let c = try PredictorComparison.run(catalog: catalog, space: space, device: device)
            let f = Self.f
            emit("| \(space) | \(c.trainCount) | \(c.lut.count) | \(f(c.lut.rmse, 3)) | \(f(c.lut.spearman, 3)) | \(f(c.mlp.rmse, 3)) | \(f(c.mlp.spearman, 3)) | \(f(c.defaultModel.rmse, 3)) | \(f(100 * c.defaultModel.mape, 1)) | \(f(c.defaultModel.spearman, 3)) | \(c.variant) | \(floors[space].map { f($0.singlePass200, 3) } ?? "—") | \(floors[space].map { f($0.shippedCeiling, 3) } ?? "—") |")
        }
    }
}
