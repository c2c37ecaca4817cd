import Foundation
import HWNASTestSupport
import JSONRPC
import XCTest

/// Hostile files through the real binary: huge, endless and special files in the state
/// directory or given to `load` are refused with a clear error, never read whole, never fatal.
final class StateFilesEndToEndTests: XCTestCase {
    /// A fresh state directory, removed when the test ends.
    func makeStateDirectory() -> String {
        let dir = NSTemporaryDirectory() + "hwnasd-e2e-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir + "/predictors", withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    /// An 8 GiB sparse file (no disk space used).
    func makeSparseFile(_ path: String, bytes: off_t = 8 << 30) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(ftruncate(fd, bytes), 0)
        close(fd)
    }

    func testHugeAndSpecialFilesInTheStateDirectoryAreSkippedAtStart() throws {
        let state = makeStateDirectory()
        // A good predictor first.
        do {
            let d = try DaemonProcess(framing: .ndjson, arguments: ["--state", state])
            XCTAssertNotNil(d.call(1, "initialize")?["result"])
            XCTAssertNotNil(d.call(2, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "good"])?["result"])
            XCTAssertNotNil(d.call(3, "shutdown"))
            d.notify("exit")
            XCTAssertEqual(d.waitForExit(), 0)
        }
        let dir = state + "/predictors"
        makeSparseFile(dir + "/huge.hwnp")
        XCTAssertEqual(symlink("/dev/zero", dir + "/zero.hwnp"), 0)
        XCTAssertEqual(symlink("/proc/self/pagemap", dir + "/pagemap.hwnp"), 0)
        XCTAssertEqual(symlink(dir + "/huge.hwnp", dir + "/huge-link.hwnp"), 0)
        XCTAssertEqual(mkfifo(dir + "/fifo.hwnp", 0o644), 0)

        let t0 = Date()
        let d = try DaemonProcess(framing: .ndjson, arguments: ["--state", state])
        let ready = d.call(1, "initialize")
        XCTAssertNotNil(ready?["result"], "the daemon did not start: \(String(describing: ready)), exit \(String(describing: d.waitForExit(timeout: 1)))")
        XCTAssertLessThan(Date().timeIntervalSince(t0), 10, "start-up read the hostile files")
        let ids = d.call(2, "hwnas/listPredictors")?["result"]?["predictors"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        XCTAssertEqual(ids, ["good"])
        XCTAssertEqual(d.call(3, "predict", ["predictor": "good", "archs": [1, 2]])?["result"]?["latency_ms"]?.arrayValue?.count, 2)
        XCTAssertTrue(d.process.isRunning)
    }

    func testLoadOfHugeOrSpecialPathsIsAClearErrorAndTheDaemonKeepsServing() throws {
        let state = makeStateDirectory()
        let huge = state + "/huge.hwnp"
        makeSparseFile(huge)
        let fifo = state + "/fifo.hwnp"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let small = state + "/small.hwnp"
        makeSparseFile(small, bytes: 4096)
        let d = try DaemonProcess(framing: .ndjson, arguments: ["--state", state, "--max-file-bytes", "1000"])
        XCTAssertNotNil(d.call(1, "initialize")?["result"])
        let cases: [(String, Set<Int>, String)] = [
            ("/proc/self/pagemap", [-32030], "not a regular file"),
            ("/proc/self/mem", [-32030], "not a regular file"),
            ("/sys/kernel/mm/transparent_hugepage/enabled", [-32030], "not a regular file"),
            (huge, [-32030], "--max-file-bytes"),
            (small, [-32030], "--max-file-bytes"),
            ("/dev/zero", [-32030], "not a regular file"),
            (fifo, [-32030], "not a regular file"),
        ]
        for (i, (path, codes, phrase)) in cases.enumerated() {
            let t0 = Date()
            let r = d.call(10 + i, "load", ["path": .string(path)])
            XCTAssertTrue(codes.contains(errorCode(r) ?? 0), "\(path): \(String(describing: r))")
            let message = r?["error"]?["message"]?.stringValue ?? ""
            XCTAssertTrue(message.contains(phrase), "\(path): \(message)")
            XCTAssertLessThan(Date().timeIntervalSince(t0), 5, "\(path) was read")
        }
        XCTAssertTrue(d.process.isRunning, "the daemon died")
        XCTAssertNotNil(d.call(30, "encode", ["space": "nb201", "archs": [1]])?["result"])
    }
}
