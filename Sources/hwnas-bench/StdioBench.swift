// `hwnas-bench stdio [--binary PATH] [--requests N]`
//
// Round trips through the REAL daemon binary over stdio (NDJSON framing), as a client sees them:
// 1. `predict` of 1 nb201 arch (default predictor of pixel3, warmed up first), N sequential
//    requests (default 1,000): p50 / p99 / max of write-request → read-response.
// 2. One `predict` of 100,000 nb201 archs (arch strings, JSON array in): end to end, with
//    `latency_ms` (JSON numbers) out, then with `output: "f32-base64"`.
// The binary defaults to `.build/release/hwnasd` (build it with `swift build -c release --product hwnasd`).
import Foundation
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

    var archs = "["
    for i in 0..<100_000 {
        if i > 0 { archs += "," }
        archs += "\"" + space.format(all[i % all.count]) + "\""
    }
    archs += "]"
    let big = "{\"space\":\"nb201\",\"device\":\"pixel3\",\"archs\":\(archs)"
    _ = try call("predict", big + "}")  // warm-up of the big path
    var jsonTimes: [Double] = [], b64Times: [Double] = []
    var jsonBytes = 0, b64Bytes = 0
    for _ in 0..<3 {
        let (tj, rj) = try call("predict", big + "}")
        jsonTimes.append(tj)
        jsonBytes = rj.count
        let (tb, rb) = try call("predict", big + ",\"output\":\"f32-base64\"}")
        b64Times.append(tb)
        b64Bytes = rb.count
    }
    func ms(_ s: Double) -> String { String(format: "%.1f", s * 1000) }
    func us(_ x: Double) -> String { String(format: "%.1f", x) }
    var md = "# hwnas-bench stdio\n\n"
    md += "Run: `swift run -c release hwnas-bench stdio \(arguments.joined(separator: " "))`, daemon `\(binary) --ndjson`, \(ProcessInfo.processInfo.activeProcessorCount) cores.\n\n"
    md += "## predict of 1 nb201 arch (default predictor of pixel3), \(requests) sequential requests after 50 warm-ups\n\n"
    md += "First request (default predictor trained or loaded): \(ms(warm)) ms.\n\n"
    md += "| p50 | p99 | max |\n|---|---|---|\n| \(us(q(0.5))) µs | \(us(q(0.99))) µs | \(us(times.last! * 1e6)) µs |\n\n"
    md += "## predict of 100,000 nb201 archs end to end (request \(big.utf8.count / 1_000_000) MB of JSON arch strings; best of 3)\n\n"
    md += "| output | wall | response bytes |\n|---|---|---|\n"
    md += "| `latency_ms` (JSON numbers) | \(ms(jsonTimes.min()!)) ms | \(jsonBytes) |\n"
    md += "| `f32-base64` | \(ms(b64Times.min()!)) ms | \(b64Bytes) |\n"
    print(md)
    try AtomicFile.write(Array(md.utf8), to: "Benchmarks/results/stdio.md")
    print("written to Benchmarks/results/stdio.md")
}
