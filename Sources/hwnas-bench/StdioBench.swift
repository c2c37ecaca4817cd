// `hwnas-bench stdio [--binary PATH] [--requests N] [--spaces nb201:pixel3,...] [--forms strings,objects]`
//
// Round trips through the REAL daemon binary over stdio (NDJSON framing), as a client sees them:
// 1. `predict` of 1 nb201 arch (default predictor of pixel3, warmed up first), N sequential
//    requests (default 1,000): p50 / p99 / max of write-request → read-response.
// 2. `generate` round trips (default nb201/pixel3 generator) with `samples` 0 and 16.
// 3. `search` round trips on a cached predictor (nb201/pixel3): the wall time beside the
//    search's own `elapsedMs`; the difference is everything that is not the search.
// 4. One `predict` of 100,000 archs per space and form (arch strings, then arch objects, as a JSON
//    array; one row each, see `bigPredictSpaces`, `--forms`): end to end, with `latency_ms` (JSON
//    numbers) out, then with `output: "f32-base64"`; beside it, in this process on the same
//    request and the same saved predictor: the request parser (the daemon's big-request decoding:
//    `PredictRequest.decode(jsonText:in:)`, else parse + decode; MB/s), resolve (archs/s) and the
//    engine alone (`TrainedPredictor.predict(validated:)` on resolved archs), which bounds the
//    end-to-end rate.
// The binary defaults to `.build/release/hwnasd` (build it with `swift build -c release --product hwnasd`).
import Foundation
import HWNASServer
import JSONRPC
import NASCore
import NASSpaces

#if canImport(Glibc)
import Glibc
#endif

/// A line reader over a file descriptor (one buffer, no per-line Data copies beyond the line).
private struct LineReader {
    let fd: Int32
    var buffer: [UInt8] = []
    var start = 0

    init(fd: Int32) { self.fd = fd }

    /// The next line without its newline, or nil at EOF.
    mutating func next() -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            if let nl = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[start..<nl])
                start = nl + 1
                if start > (1 << 22) {
                    buffer.removeFirst(start)
                    start = 0
                }
                return line
            }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}

private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var off = 0
    bytes.withUnsafeBytes { raw in
        while off < raw.count {
            let n = write(fd, raw.baseAddress! + off, raw.count - off)
            if n <= 0 { return }
            off += n
        }
    }
}

func runStdioBench(arguments: [String]) throws {
    let binary = benchOption(arguments, "--binary") ?? ".build/release/hwnasd"
    let requests = Int(benchOption(arguments, "--requests") ?? "") ?? 1000
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw NASError(.invalidParams, "no daemon binary at \(binary): swift build -c release --product hwnasd (or --binary PATH)")
    }
    let state = NSTemporaryDirectory() + "hwnas-bench-stdio-\(getpid())"
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = ["--ndjson", "--state", state]
    let toServer = Pipe(), fromServer = Pipe()
    p.standardInput = toServer
    p.standardOutput = fromServer
    p.standardError = FileHandle.nullDevice
    try p.run()
    let out = toServer.fileHandleForWriting.fileDescriptor
    var reader = LineReader(fd: fromServer.fileHandleForReading.fileDescriptor)
    var nextID = 0
    /// Sends one request and reads lines until its response; returns (seconds, response bytes).
    func call(_ method: String, _ params: String) throws -> (Double, [UInt8]) {
        nextID += 1
        let msg = Array("{\"jsonrpc\":\"2.0\",\"id\":\(nextID),\"method\":\"\(method)\",\"params\":\(params)}\n".utf8)
        let t0 = DispatchTime.now().uptimeNanoseconds
        writeAll(out, msg)
        while let line = reader.next() {
            // Requests are sequential, so the first line without a "method" (not a notification
            // such as a log message) is this request's response.
            if !String(decoding: line.prefix(120), as: UTF8.self).contains("\"method\"") {
                let s = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
                if String(decoding: line.prefix(200), as: UTF8.self).contains("\"error\"") {
                    throw NASError(.internal, "\(method) failed: \(String(decoding: line.prefix(400), as: UTF8.self))")
                }
                return (s, line)
            }
        }
        throw NASError(.internal, "daemon closed its output")
    }
    defer {
        _ = try? call("shutdown", "null")
        try? toServer.fileHandleForWriting.close()
        p.waitUntilExit()
        try? FileManager.default.removeItem(atPath: state)
    }
    _ = try call("initialize", "{\"clientInfo\":{\"name\":\"hwnas-bench stdio\"}}")
    let space = try SpaceRegistry.space("nb201")
    let all = space.enumerateAll()!
    let one = "{\"space\":\"nb201\",\"device\":\"pixel3\",\"archs\":[\"\(space.format(all[1234]))\"]}"
    let (warm, _) = try call("predict", one)  // trains (or loads) the default predictor
    for _ in 0..<50 { _ = try call("predict", one) }
    var times: [Double] = []
    times.reserveCapacity(requests)
    for _ in 0..<requests { times.append(try call("predict", one).0) }
    times.sort()
    func q(_ x: Double) -> Double { times[min(times.count - 1, Int(x * Double(times.count)))] * 1e6 }

    // generate round trips on the default NB201 pixel3 generator (trained or loaded first).
    let genParams = { (samples: Int) in
        "{\"space\":\"nb201\",\"device\":\"pixel3\",\"budgets\":[4],\"samples\":\(samples)}"
    }
    let (genFirst, _) = try call("generate", genParams(0))
    var generateRows: [(samples: Int, p50: Double, p99: Double)] = []
    for samples in [0, 16] {
        for _ in 0..<5 { _ = try call("generate", genParams(samples)) }
        var g: [Double] = []
        for _ in 0..<200 { g.append(try call("generate", genParams(samples)).0) }
        g.sort()
        generateRows.append((samples, g[g.count / 2] * 1e6, g[min(g.count - 1, Int(0.99 * Double(g.count)))] * 1e6))
    }

    // search round trips on the cached default predictor: wall time vs the search's own time.
    let searchParams = "{\"space\":\"nb201\",\"device\":\"pixel3\",\"budget\":{\"latency_ms\":10},\"seed\":1}"
    let (searchFirst, _) = try call("search", searchParams)
    var searchWall: [Double] = [], searchOwn: [Double] = [], searchOverhead: [Double] = []
    for i in 0..<23 {
        let (t, line) = try call("search", searchParams)
        guard let own = (try? JSONParser.parse(line))?["result"]?["elapsedMs"]?.doubleValue else {
            throw NASError(.internal, "search answered without elapsedMs")
        }
        if i < 3 { continue }  // warm-up
        searchWall.append(t * 1000)
        searchOwn.append(own)
        searchOverhead.append(t * 1000 - own)
    }

    // predict {spec, interval} for a GPU no fixture measured: the nearest-GPU answer and its
    // interval (the calibration is computed once per daemon; every repeat should be sub-ms).
    let specParams = "{\"space\":\"nb201\",\"spec\":\"GeForce RTX 3090\",\"archs\":[\"\(space.format(all[1234]))\"],\"interval\":0.9}"
    let (specFirst, _) = try call("predict", specParams)
    for _ in 0..<5 { _ = try call("predict", specParams) }
    var specTimes: [Double] = []
    for _ in 0..<100 { specTimes.append(try call("predict", specParams).0 * 1e6) }

    // predict of 100,000 archs per space and form, JSON numbers or f32-base64 out.
    struct BigRow {
        var space: String, device: String, form: String, requestBytes: Int, json = Double.infinity, b64 = Double.infinity
        var kind = "", parse = Double.nan, resolve = Double.nan, engine = Double.nan
    }
    var bigRows: [BigRow] = []
    var bigRequests: [[UInt8]] = []
    let forms = (benchOption(arguments, "--forms") ?? "strings,objects").split(separator: ",").map(String.init)
    for (spaceID, device) in bigPredictSpaces(arguments) {
        let sp = try SpaceRegistry.space(spaceID)
        for form in forms {
            let big = String(decoding: bigPredictParams(space: sp, device: device, pool: bigPredictPool(sp), count: 100_000, objects: form == "objects"),
                             as: UTF8.self)
            _ = try call("predict", big + "}")  // trains or loads the default predictor; warms the big path
            var row = BigRow(space: spaceID, device: device, form: form, requestBytes: big.utf8.count + 1)
            for _ in 0..<3 {
                row.json = min(row.json, try call("predict", big + "}").0)
                row.b64 = min(row.b64, try call("predict", big + ",\"output\":\"f32-base64\"}").0)
            }
            bigRows.append(row)
            bigRequests.append(Array((big + "}").utf8))
        }
    }

    // The same requests in this process, on the predictors the daemon saved: parser, resolve, engine.
    let services = try DomainServices(environment: ServerEnvironment(stateDirectory: state, readOnly: true))
    for k in bigRows.indices {
        let sp = try SpaceRegistry.space(bigRows[k].space)
        let bytes = bigRequests[k]
        var request: PredictRequest?
        bigRows[k].parse = try bestSeconds(3) {
            request = try PredictRequest.decode(jsonText: bytes, in: 0..<bytes.count)
                ?? JSONValueDecoder(rootPath: "params").decode(PredictRequest.self, from: try JSONParser.parse(bytes))
        }
        var archs: [Architecture] = []
        bigRows[k].resolve = try bestSeconds(3) { archs = try ArchitectureInput.resolve(request!.archs, in: sp) }
        let predictor = try services.predictors.defaultPredictor(space: sp.id, device: bigRows[k].device)
        bigRows[k].kind = predictor.kind
        bigRows[k].engine = try bestSeconds(3) { _ = try predictor.predict(validated: archs) }
    }

    func ms(_ s: Double) -> String { String(format: "%.1f", s * 1000) }
    func us(_ x: Double) -> String { String(format: "%.1f", x) }
    var md = "# hwnas-bench stdio\n\n"
    md += "Run: `swift run -c release hwnas-bench stdio \(arguments.joined(separator: " "))`, daemon `\(binary) --ndjson`, \(ProcessInfo.processInfo.activeProcessorCount) cores; \(benchProvenance()).\n\n"
    md += "## predict of 1 nb201 arch (default predictor of pixel3), \(requests) sequential requests after 50 warm-ups\n\n"
    md += "First request (default predictor trained or loaded): \(ms(warm)) ms.\n\n"
    md += "| p50 | p99 | max |\n|---|---|---|\n| \(us(q(0.5))) µs | \(us(q(0.99))) µs | \(us(times.last! * 1e6)) µs |\n\n"
    md += "## generate on the default nb201/pixel3 generator, 200 sequential requests after 5 warm-ups\n\n"
    md += "First request (generator trained or loaded): \(ms(genFirst)) ms.\n\n"
    md += "| samples | p50 | p99 |\n|---|---|---|\n"
    for r in generateRows { md += "| \(r.samples) | \(us(r.p50)) µs | \(us(r.p99)) µs |\n" }
    md += "\n## search on the cached default predictor (nb201/pixel3, budget 10 ms, seed 1), 20 sequential requests after 3 warm-ups\n\n"
    md += "First request: \(ms(searchFirst)) ms. Not the search = wall − the result's `elapsedMs` (decode, problem set-up, answer, transport).\n\n"
    md += "| | p50 | p90 |\n|---|---|---|\n"
    for (name, xs) in [("wall", searchWall), ("search (`elapsedMs`)", searchOwn), ("not the search", searchOverhead)] {
        md += "| \(name) | \(String(format: "%.2f", benchQuantile(xs, 0.5))) ms | \(String(format: "%.2f", benchQuantile(xs, 0.9))) ms |\n"
    }
    md += "\n## predict {spec: \"GeForce RTX 3090\", interval: 0.9} of 1 nb201 arch (an unseen GPU: nearest-GPU answer and interval), 100 sequential requests after 5 warm-ups\n\n"
    md += "First request (mlp-hw and the interval calibration loaded or computed): \(ms(specFirst)) ms.\n\n"
    md += "| p50 | p99 |\n|---|---|\n| \(us(benchQuantile(specTimes, 0.5))) µs | \(us(benchQuantile(specTimes, 0.99))) µs |\n"
    md += "\n## predict of 100,000 archs, arch strings or objects in (best of 3)\n\n"
    md += "End to end through the daemon; then, in this process on the same request and the predictor the daemon saved: the request parser (the daemon's big-request decoding into `PredictRequest`: `decode(jsonText:in:)`, architectures read from the bytes), resolve (byte-level parse, validation), and the engine alone (`TrainedPredictor.predict(validated:)` on the resolved archs, as the daemon calls it).\n\n"
    md += "| space | form | device | predictor | request MB | `latency_ms` (JSON) | archs/s | `f32-base64` | archs/s | parser MB/s | resolve archs/s | engine archs/s |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    func rate(_ t: Double) -> String { "\(Int(1e5 / t / 1000))k" }
    for r in bigRows {
        let mb = Double(r.requestBytes) / 1e6
        md += "| \(r.space) | \(r.form) | \(r.device) | \(r.kind) | \(String(format: "%.1f", mb)) | \(ms(r.json)) ms | \(rate(r.json)) | \(ms(r.b64)) ms | \(rate(r.b64)) | \(Int(mb / r.parse)) | \(rate(r.resolve)) | \(rate(r.engine)) |\n"
    }
    print(md)
    try AtomicFile.write(Array(md.utf8), to: "Benchmarks/results/stdio.md")
    print("written to Benchmarks/results/stdio.md")
}
