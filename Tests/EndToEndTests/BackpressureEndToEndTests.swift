import Foundation
import HWNASTestSupport
import JSONRPC
import XCTest

/// Output backpressure through the real binary: a client that sends many requests with big
/// answers and does not read stdout must not make the daemon's memory grow without limit; once
/// it reads, every answer arrives.
final class BackpressureEndToEndTests: XCTestCase {
    /// The daemon's resident set in MiB (VmRSS), or nil once it has exited.
    static func residentMiB(pid: Int32) -> Double? {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb / 1024
    }

    /// User + system CPU ticks of a process (fields 14 and 15 of /proc/PID/stat).
    static func cpuTicks(pid: Int32) -> Int {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = s.lastIndex(of: ")") else { return -1 }
        let fields = s[s.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let u = Int(fields[11]), let k = Int(fields[12]) else { return -1 }
        return u + k
    }

    func testUnreadStdoutKeepsMemoryBoundedAndLosesNothing() throws {
        let state = NSTemporaryDirectory() + "hwnasd-e2e-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let input = Pipe(), output = Pipe()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: DaemonProcess.binaryPath)
        p.arguments = ["--ndjson", "--state", state, "--max-output-bytes", "262144"]
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }

        // 40 encodes of 5,000 NB201 archs: ~310 KB of JSON each, 12 MB in all, never read meanwhile.
        let archs = (0..<5_000).map { String($0 % 15_625) }.joined(separator: ",")
        var requests = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"# + "\n"
        for i in 1...40 {
            requests += #"{"jsonrpc":"2.0","id":\#(i),"method":"encode","params":{"space":"nb201","archs":[\#(archs)]}}"# + "\n"
        }
        let writer = input.fileHandleForWriting
        let bytes = Data(requests.utf8)
        // The daemon may stop reading while its output is full: write from another thread.
        let sent = DispatchSemaphore(value: 0)
        Thread { writer.write(bytes); sent.signal() }.start()

        // Sample RSS until the daemon has been idle (no CPU time used) for 1.5 s: with backpressure it
        // stops once its output queue is full; without, it builds all 40 answers (~20 s in a debug build).
        let baseline = Self.residentMiB(pid: p.processIdentifier) ?? 0
        var peak = baseline
        var lastCPU = Self.cpuTicks(pid: p.processIdentifier), idleSince = Date()
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline, p.isRunning, Date().timeIntervalSince(idleSince) < 1.5 {
            if let r = Self.residentMiB(pid: p.processIdentifier) { peak = max(peak, r) }
            let cpu = Self.cpuTicks(pid: p.processIdentifier)
            if cpu != lastCPU { lastCPU = cpu; idleSince = Date() }
            usleep(100_000)
        }
        XCTAssertTrue(p.isRunning, "the daemon died while its output was not read")
        // Before backpressure every answer was built and held: 40 x ~5 MiB of response trees.
        XCTAssertLessThan(peak, 100, "peak RSS \(peak) MiB while stdout was not read (start \(baseline) MiB)")

        // Now read everything: 41 answers (initialize + 40 encodes), each exactly once.
        var answered: [Int: Int] = [:]
        var pending: [UInt8] = [], scanned = 0
        let reader = output.fileHandleForReading
        let end = Date().addingTimeInterval(240)
        while answered.count < 41, Date() < end {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            while let nl = pending[scanned...].firstIndex(of: 0x0A) {
                let line = Array(pending[..<nl])
                pending.removeFirst(nl + 1)
                scanned = 0
                let m = try JSONParser.parse(line)
                guard let id = m["id"]?.intValue else { continue }
                if id > 0 { XCTAssertEqual(m["result"]?["count"], 5_000, "answer \(id): \(String(describing: m["error"]))") }
                answered[id, default: 0] += 1
            }
            scanned = pending.count
        }
        XCTAssertEqual(sent.wait(timeout: .now() + 10), .success, "the requests were never all read")
        XCTAssertEqual(answered.count, 41, "answers received for \(answered.count) of 41 requests")
        XCTAssertTrue(answered.values.allSatisfy { $0 == 1 }, "an answer came twice")
        try writer.close()
        XCTAssertEqual(waitForExit(p, timeout: 20), 0)
    }

    func waitForExit(_ p: Process, timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(5000) }
        return p.isRunning ? nil : p.terminationStatus
    }
}
