import Foundation
import HWNASTestSupport
import JSONRPC
import XCTest

/// Long requests through the real binary: search cancelled → partial result, quick requests
/// while a search runs, progress order, `--max-jobs`, and a client that goes away mid-request.
final class LongRequestEndToEndTests: XCTestCase {
    let framings: [Framing] = [.contentLength, .ndjson]

    /// A daemon with a small LUT predictor `lut` (fast even in a debug build).
    func daemon(_ f: Framing, arguments: [String] = []) throws -> DaemonProcess {
        let d = try DaemonProcess(framing: f, arguments: arguments)
        XCTAssertNotNil(d.call(1, "initialize")?["result"])
        let t = d.call(2, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "lut"])
        XCTAssertEqual(t?["result"]?["predictor"], "lut", "\(String(describing: t))")
        return d
    }

    /// Params of a search that runs until cancelled.
    func endlessSearch(token: String? = nil) -> JSONValue {
        var p: [String: JSONValue] = ["space": "nb201", "predictor": "lut", "budget": ["latency_ms": 30], "population": 20,
                                      "generations": 1_000_000, "seed": 3]
        if let token { p["progressToken"] = .string(token) }
        return .object(p)
    }

    /// Waits until the search `token` has reported progress at least once (it is running).
    func waitRunning(_ d: DaemonProcess, token: String) {
        XCTAssertNotNil(d.wait { $0["method"] == "$/progress" && $0["params"]?["token"] == .string(token) && $0["params"]?["value"]?["kind"] == "report" },
                        "no progress from \(token)")
    }

    func testCancelledSearchReturnsPartialResultWithinOneSecond() throws {
        for f in framings {
            let d = try daemon(f)
            d.sendRequest(10, "search", endlessSearch(token: "s"))
            waitRunning(d, token: "s")
            let t0 = Date()
            d.notify("$/cancelRequest", ["id": 10])
            let r = d.response(10, timeout: 5)
            let elapsed = Date().timeIntervalSince(t0)
            XCTAssertEqual(r?["result"]?["partial"], .bool(true), "\(f): \(String(describing: r))")
            XCTAssertNotNil(r?["result"]?["best"]?["arch"]?.stringValue, "\(f)")
            XCTAssertGreaterThan(r?["result"]?["generations"]?.intValue ?? 0, 0)
            XCTAssertLessThan(elapsed, 1.0, "\(f): the partial result came \(elapsed) s after the cancel")
        }
    }

    func testPredictIsAnsweredWhileSearchAndTrainRun() throws {
        for f in framings {
            let d = try daemon(f)
            d.sendRequest(10, "search", endlessSearch(token: "s"))
            d.sendRequest(11, "train", ["space": "nb201", "device": "pixel3", "model": "mlp", "maxEpochs": 100_000, "id": "slow", "save": false])
            waitRunning(d, token: "s")
            for i in 0..<20 {
                let t0 = Date()
                let r = d.call(100 + i, "predict", ["predictor": "lut", "archs": [1, 2, 3]])
                XCTAssertEqual(r?["result"]?["latency_ms"]?.arrayValue?.count, 3, "\(f)")
                XCTAssertLessThan(Date().timeIntervalSince(t0), 2.0, "\(f): predict waited for the long requests")
            }
            XCTAssertNil(d.inbox.all.first { $0["id"] == 10 || $0["id"] == 11 }, "\(f): the long requests ended early")
            d.notify("$/cancelRequest", ["id": 10])
            d.notify("$/cancelRequest", ["id": 11])
            XCTAssertEqual(d.response(10, timeout: 5)?["result"]?["partial"], .bool(true))
            XCTAssertEqual(errorCode(d.response(11, timeout: 5)), -32800)
        }
    }

    func testProgressBeginReportEndInOrderBeforeTheResponse() throws {
        for f in framings {
            let d = try daemon(f)
            d.sendRequest(10, "search", ["space": "nb201", "predictor": "lut", "budget": ["latency_ms": 30], "population": 20,
                                         "generations": 40, "seed": 1, "progressToken": "p"])
            XCTAssertNotNil(d.response(10, timeout: 60)?["result"], "\(f)")
            // The inbox keeps arrival order: every notification of "p" arrived before the response was taken.
            let values = d.inbox.all.filter { $0["params"]?["token"] == "p" }.compactMap { $0["params"]?["value"] }
            XCTAssertEqual(values.first?["kind"], "begin", "\(f)")
            XCTAssertEqual(values.first?["title"], "search")
            XCTAssertEqual(values.last?["kind"], "end", "\(f)")
            let reports = values.dropFirst().dropLast()
            XCTAssertFalse(reports.isEmpty)
            XCTAssertTrue(reports.allSatisfy { $0["kind"] == "report" }, "\(f): \(values)")
            let last = try XCTUnwrap(reports.last)
            XCTAssertEqual(last["generation"]?.intValue, 40)
            XCTAssertEqual(last["final"], .bool(true))
            for key in ["bestAccuracy", "feasibleFraction", "frontSize"] { XCTAssertNotNil(last[key]?.doubleValue, "\(f): \(key) in \(last)") }
            let steps = reports.compactMap { $0["step"]?.intValue }
            XCTAssertEqual(steps, steps.sorted(), "\(f): reports out of order")
        }
    }

    func testMaxJobsOneGivesTooManyJobs() throws {
        for f in framings {
            let d = try daemon(f, arguments: ["--max-jobs", "1"])
            d.sendRequest(10, "search", endlessSearch(token: "s"))
            waitRunning(d, token: "s")
            let busy = d.call(11, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "id": "x"])
            XCTAssertEqual(errorCode(busy), -32041, "\(f)")
            XCTAssertTrue(busy?["error"]?["message"]?.stringValue?.contains("--max-jobs") ?? false)
            XCTAssertNotNil(d.call(12, "predict", ["predictor": "lut", "archs": [4]])?["result"], "quick requests are not limited")
            d.notify("$/cancelRequest", ["id": 10])
            XCTAssertNotNil(d.response(10, timeout: 5)?["result"])
            // The slot is free again once the search has ended.
            var trained: JSONValue?
            for attempt in 0..<50 {
                trained = d.call(20 + attempt, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 100, "id": "y", "save": false])
                if errorCode(trained) != -32041 { break }
                usleep(20_000)
            }
            XCTAssertEqual(trained?["result"]?["predictor"], "y", "\(f)")
        }
    }

    func testClosingStdinMidSearchExitsCleanlyAndPromptly() throws {
        for f in framings {
            let d = try daemon(f)
            d.sendRequest(10, "search", endlessSearch(token: "s"))
            waitRunning(d, token: "s")
            let t0 = Date()
            d.closeInput()
            XCTAssertEqual(d.waitForExit(timeout: 10), 0, "\(f)")
            XCTAssertLessThan(Date().timeIntervalSince(t0), 3.0, "\(f): exit took too long")
            let r = d.response(10, timeout: 2)
            XCTAssertTrue(r?["result"]?["partial"] == .bool(true) || errorCode(r) == -32800, "\(f): \(String(describing: r))")
        }
    }

    func testClosingStdoutStopsTheDaemon() throws {
        // A bare process (no reader thread, which would keep the pipe's read end alive in read()).
        for f in framings {
            let process = Process()
            let input = Pipe(), output = Pipe()
            process.executableURL = URL(fileURLWithPath: DaemonProcess.binaryPath)
            let state = NSTemporaryDirectory() + "hwnasd-e2e-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: state) }
            process.arguments = (f == .ndjson ? ["--ndjson"] : []) + ["--state", state]
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let client = ClientConnection(serverInput: input.fileHandleForWriting.fileDescriptor, serverOutput: -1, framing: f)
            client.sendRequest(1, "initialize")
            client.sendRequest(2, "search", ["space": "nb201", "device": "pixel3", "budget": ["latency_ms": 30], "generations": 1_000_000])
            usleep(300_000)
            try output.fileHandleForReading.close()
            // stdin stays open: the daemon notices that nobody reads its output, cancels its work, exits 0.
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(5_000) }
            XCTAssertFalse(process.isRunning, "\(f): the daemon kept running after its output was closed")
            if process.isRunning { process.terminate() } else { XCTAssertEqual(process.terminationStatus, 0, "\(f)") }
            try input.fileHandleForWriting.close()
        }
    }
}
