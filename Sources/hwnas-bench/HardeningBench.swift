// hwnas-bench load's hardening scenarios (issue 18), run after the load phases or alone with
// `--only hardening`: a client that leaves stdout unread (peak RSS), a state directory of huge
// and special files (start-up), giant predicts beside small requests (small-request and cancel
// round trips, peak RSS), and two daemons on one state directory.
import Foundation
import HWNASTestSupport
import JSONRPC

/// Resident and peak resident set (VmRSS, VmHWM) of a process in MiB.
func benchMemoryMiB(pid: Int32) -> (rss: Double, peak: Double)? {
    guard let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    func field(_ name: String) -> Double? {
        guard let line = s.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb / 1024
    }
    guard let r = field("VmRSS:"), let p = field("VmHWM:") else { return nil }
    return (r, p)
}

private func f2(_ x: Double) -> String { String(format: "%.2f", x) }

/// Runs the hardening scenarios and prints their tables.
func runHardeningScenarios(arguments: [String]) throws {
    let unreadRequests = benchOption(arguments, "--unread-requests").flatMap(Int.init) ?? 40
    let unreadArchs = benchOption(arguments, "--unread-archs").flatMap(Int.init) ?? 40_000
    let giants = benchOption(arguments, "--giants").flatMap(Int.init) ?? 8
    let giantArchs = benchOption(arguments, "--giant-archs").flatMap(Int.init) ?? 10_000_000
    print("\n## Hardening scenarios (issue 18)\n")
    try unreadStdout(requests: unreadRequests, archs: unreadArchs)
    try hugeFileState()
    try giantPredicts(count: giants, archs: giantArchs)
    try twoDaemons()
}

/// A client sends `requests` encodes of `archs` NB201 archs each (under the big-request size, so
/// all are quick requests) and does not read stdout until the daemon has been idle for 2 s.
private func unreadStdout(requests: Int, archs: Int) throws {
    let state = NSTemporaryDirectory() + "hwnas-bench-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: state) }
    let input = Pipe(), output = Pipe()
    let p = Process()
    p.executableURL = URL(fileURLWithPath: DaemonProcess.binaryPath)
    p.arguments = ["--ndjson", "--state", state]
    p.standardInput = input
    p.standardOutput = output
    p.standardError = FileHandle.nullDevice
    try p.run()
    defer { if p.isRunning { p.terminate() } }
    let list = (0..<archs).map { String($0 % 15_625) }.joined(separator: ",")
    var text = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"# + "\n"
    for i in 1...requests {
        text += #"{"jsonrpc":"2.0","id":\#(i),"method":"encode","params":{"space":"nb201","archs":[\#(list)]}}"# + "\n"
    }
    let bytes = Data(text.utf8)
    let writer = input.fileHandleForWriting
    Thread { writer.write(bytes) }.start()
    let t0 = Date()
    var peak = 0.0, last = benchCPUTicks(pid: p.processIdentifier), idleSince = Date()
    while Date().timeIntervalSince(idleSince) < 2, Date().timeIntervalSince(t0) < 300, p.isRunning {
        if let m = benchMemoryMiB(pid: p.processIdentifier) { peak = max(peak, m.peak) }
        let c = benchCPUTicks(pid: p.processIdentifier)
        if c != last { last = c; idleSince = Date() }
        usleep(100_000)
    }
    let stalledAfter = Date().timeIntervalSince(t0) - 2
    // Now read everything.
    var answered: [Int: Int] = [:], results = 0, outBytes = 0
    var pending: [UInt8] = [], scanned = 0
    let reader = output.fileHandleForReading
    while answered.count < requests + 1 {
        let chunk = reader.availableData
        if chunk.isEmpty { break }
        outBytes += chunk.count
        pending.append(contentsOf: chunk)
        // Lines are ~2.5 MB: scan each byte once.
        while let nl = pending[scanned...].firstIndex(of: 0x0A) {
            let line = Array(pending[..<nl])
            pending.removeFirst(nl + 1)
            scanned = 0
            guard let m = try? JSONParser.parse(line), let id = m["id"]?.intValue else { continue }
            answered[id, default: 0] += 1
            if id > 0, m["result"]?["count"]?.intValue == archs { results += 1 }
        }
        scanned = pending.count
    }
    let end = benchMemoryMiB(pid: p.processIdentifier)?.peak ?? peak
    try writer.close()
    print("### Unread stdout: \(requests) encodes of \(archs) NB201 archs, stdout unread until the daemon idles\n")
    print("- output: \(outBytes / 1_000_000) MB in all (\(outBytes / max(requests, 1) / 1_000) KB per answer); --max-output-bytes default (64 MiB)")
    print("- daemon idle (blocked on its full output queue) after \(f2(stalledAfter)) s; peak RSS (VmHWM) while unread: **\(f2(peak)) MiB**, at the end \(f2(end)) MiB (target ≤ 512 MiB)")
    print("- after reading: \(answered.count) of \(requests + 1) requests answered, \(results) encodes with all \(archs) vectors, duplicates \(answered.values.filter { $0 > 1 }.count)\n")
}

/// A state directory with an 8 GiB sparse predictor file, links to it, /dev/zero and /proc,
/// and a FIFO: start-up time and memory.
private func hugeFileState() throws {
    let state = NSTemporaryDirectory() + "hwnas-bench-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: state) }
    let dir = state + "/predictors"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let fd = open(dir + "/huge.hwnp", O_WRONLY | O_CREAT, 0o644)
    ftruncate(fd, 8 << 30)
    close(fd)
    let fd2 = open(dir + "/big-300m.hwnp", O_WRONLY | O_CREAT, 0o644)
    ftruncate(fd2, 300 << 20)
    close(fd2)
    symlink(dir + "/huge.hwnp", dir + "/huge-link.hwnp")
    symlink("/dev/zero", dir + "/zero.hwnp")
    symlink("/proc/self/pagemap", dir + "/pagemap.hwnp")
    mkfifo(dir + "/fifo.hwnp", 0o644)
    let t0 = Date()
    let d = try DaemonProcess(framing: .contentLength, arguments: ["--state", state])
    let ok = d.call(1, "initialize")?["result"] != nil
    let startMs = Date().timeIntervalSince(t0) * 1000
    let mem = benchMemoryMiB(pid: d.process.processIdentifier)
    let load = d.call(2, "load", ["path": .string(dir + "/huge.hwnp")])
    print("### Huge-file state directory: 8 GiB sparse and 300 MiB .hwnp files, a link to the 8 GiB one, links to /dev/zero and /proc/self/pagemap, a FIFO\n")
    print("- started: \(ok) in \(f2(startMs)) ms (to the initialize answer); peak RSS \(f2(mem?.peak ?? .nan)) MiB")
    print("- load of the 8 GiB file: \(errorCode(load).map { String($0) } ?? "result") (\(load?["error"]?["message"]?.stringValue ?? ""))\n")
    _ = d.call(3, "shutdown")
}

/// `count` predicts of `archs` archs each, then small requests one at a time while they run:
/// 1-arch predict round trips, and `$/cancelRequest` of a `save` queued behind them (the
/// round trip from the cancel to its -32800).
private func giantPredicts(count: Int, archs: Int) throws {
    let d = try DaemonProcess(framing: .contentLength, arguments: ["--max-jobs", "\(count + 2)"])
    guard d.call(1, "initialize")?["result"] != nil,
          d.call(2, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 1_000, "id": "g-lut"])?["result"] != nil
    else { throw BenchFailure("setup failed") }
    // One text, sent as raw frames (digits 1-9: NB201 index archs, 2 bytes each).
    var list = [UInt8]()
    list.reserveCapacity(archs * 2)
    for i in 0..<archs { list.append(UInt8(ascii: "1") + UInt8(i % 9)); list.append(UInt8(ascii: ",")) }
    list.removeLast()
    let t0 = Date()
    for g in 0..<count {
        let head = Array(#"{"jsonrpc":"2.0","id":\#(1000 + g),"method":"predict","params":{"predictor":"g-lut","output":"f32-base64","progressToken":"g\#(g)","archs":["#.utf8)
        d.sendRaw(d.framed(head + list + Array("]}}".utf8)))
    }
    let messageMB = Double(list.count + 100) / 1_000_000
    let sentAt = Date().timeIntervalSince(t0)
    var predictMs: [Double] = [], cancelMs: [Double] = [], cancelCodes: [Int: Int] = [:]
    var id = 10_000
    var done = 0
    var giantMs: [Double] = []
    var giantCodes: [Int: Int] = [:]
    func collectGiants() {
        while let r = d.wait(timeout: 0, { ($0["id"]?.intValue ?? 0) >= 1000 && ($0["id"]?.intValue ?? 0) < 1000 + count }) {
            done += 1
            giantMs.append(Date().timeIntervalSince(t0) * 1000)
            giantCodes[errorCode(r) ?? 0, default: 0] += 1
        }
        while d.wait(timeout: 0, { $0["method"] != nil }) != nil {}
    }
    while done < count && Date().timeIntervalSince(t0) < 600 {
        id += 1
        var s = DispatchTime.now().uptimeNanoseconds
        d.sendRequest(id, "predict", ["predictor": "g-lut", "archs": [.number(Double(id % 15_625))]])
        guard d.response(id, timeout: 60)?["result"] != nil else { throw BenchFailure("probe predict \(id) failed") }
        predictMs.append(Double(DispatchTime.now().uptimeNanoseconds - s) / 1e6)
        // A write queued behind the giants (which read everything), then its cancel.
        id += 1
        d.sendRequest(id, "save", ["predictor": "g-lut"])
        s = DispatchTime.now().uptimeNanoseconds
        d.notify("$/cancelRequest", ["id": .number(Double(id))])
        guard let c = d.response(id, timeout: 60) else { throw BenchFailure("cancelled save \(id) unanswered") }
        let code = errorCode(c) ?? 0
        cancelCodes[code, default: 0] += 1
        if code == -32800 { cancelMs.append(Double(DispatchTime.now().uptimeNanoseconds - s) / 1e6) }
        collectGiants()
        usleep(2_000)
    }
    let peak = benchMemoryMiB(pid: d.process.processIdentifier)?.peak ?? .nan
    _ = d.call(3, "shutdown")
    func q(_ xs: [Double]) -> String { "p50 \(f2(benchQuantile(xs, 0.5))) ms, p99 \(f2(benchQuantile(xs, 0.99))) ms, max \(f2(xs.max() ?? .nan)) ms" }
    print("### Giant predicts: \(count) predicts of \(archs) archs (\(f2(messageMB)) MB each, answers as f32-base64), sent in \(f2(sentAt)) s\n")
    print("- giants answered: \(giantCodes.sorted { $0.key > $1.key }.map { "\($0.key == 0 ? "result" : String($0.key)): \($0.value)" }.joined(separator: ", ")); last after \(f2((giantMs.max() ?? .nan) / 1000)) s")
    print("- 1-arch predict one at a time meanwhile: \(predictMs.count) round trips, \(q(predictMs)) (target p99 < 10 ms)")
    print("- $/cancelRequest of a save queued behind them, cancel → -32800: \(cancelMs.count) round trips, \(q(cancelMs)); replies \(cancelCodes.sorted { $0.key > $1.key }.map { "\($0.key == 0 ? "result" : String($0.key)): \($0.value)" }.joined(separator: ", "))")
    print("- daemon peak RSS (VmHWM): \(f2(peak)) MiB\n")
}

/// Two daemons on one state directory: the second refuses (exit code, time), then runs with
/// --read-only while the first saves.
private func twoDaemons() throws {
    let first = try DaemonProcess(framing: .contentLength)
    guard first.call(1, "initialize")?["result"] != nil,
          first.call(2, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "shared"])?["result"] != nil
    else { throw BenchFailure("setup failed") }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: DaemonProcess.binaryPath)
    p.arguments = ["--state", first.stateDirectory]
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    let t0 = Date()
    try p.run()
    p.waitUntilExit()
    let refusedMs = Date().timeIntervalSince(t0) * 1000
    let second = try DaemonProcess(framing: .contentLength, arguments: ["--state", first.stateDirectory, "--read-only"])
    guard second.call(1, "initialize")?["result"] != nil else { throw BenchFailure("--read-only daemon did not start") }
    var firstOK = 0, secondCodes: [Int: Int] = [:]
    for i in 0..<25 {
        first.sendRequest(100 + i, "save", ["predictor": "shared"])
        second.sendRequest(100 + i, "save", ["predictor": "shared"])
        if first.response(100 + i)?["result"] != nil { firstOK += 1 }
        secondCodes[errorCode(second.response(100 + i)) ?? 0, default: 0] += 1
    }
    let reload = second.call(200, "load", ["path": "shared"])
    print("### Two daemons on one state directory\n")
    print("- second daemon without --read-only: exit code \(p.terminationStatus) after \(f2(refusedMs)) ms")
    print("- with --read-only, 25 saves each, interleaved: owner \(firstOK)/25 saved; read-only daemon: \(secondCodes.map { "\($0.key == 0 ? "result" : String($0.key)): \($0.value)" }.joined(separator: ", "))")
    print("- the file reloads intact afterwards: \(reload?["result"]?["predictor"] == "shared")\n")
    _ = second.call(201, "shutdown")
    _ = first.call(201, "shutdown")
}
