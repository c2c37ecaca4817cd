import Foundation
import HWNASTestSupport
import JSONRPC
import XCTest

/// kill -9 of the real binary during save, training and search, then a restart on the same
/// state directory: every predictor saved before loads and predicts identically; temporaries and
/// corrupt files are never read as valid. An unwritable state directory gives -32030 and the
/// daemon keeps serving.
final class FaultEndToEndTests: XCTestCase {
    let archs: [String: JSONValue] = ["nb201": [0, 77, 1_234, 15_624], "fbnet": ["7-8-1-8-4-8-8-8-7-4-1-4-7-3-2-7-3-2-4-2-4-5"]]
    let saved: [(id: String, space: String, device: String)] = [("a", "nb201", "pixel3"), ("b", "nb201", "eyeriss"), ("c", "fbnet", "raspi4")]

    func start(state: String) throws -> DaemonProcess {
        let d = try DaemonProcess(framing: .ndjson, arguments: ["--state", state])
        XCTAssertNotNil(d.call(1, "initialize")?["result"])
        return d
    }

    func predictions(_ d: DaemonProcess, firstID: Int) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (i, p) in saved.enumerated() {
            out[p.id] = d.call(firstID + i, "predict", ["predictor": .string(p.id), "archs": archs[p.space]!])?["result"]?["latency_ms"]
        }
        return out
    }

    func kill9(_ d: DaemonProcess) {
        kill(d.process.processIdentifier, SIGKILL)
        XCTAssertEqual(d.waitForExit(timeout: 10), SIGKILL)
    }

    func testKill9DuringSaveTrainAndSearchLosesNothingSaved() throws {
        let state = NSTemporaryDirectory() + "hwnasd-fault-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let dir = state + "/predictors"
        var d = try start(state: state)
        for (i, p) in saved.enumerated() {
            let r = d.call(10 + i, "train", ["space": .string(p.space), "device": .string(p.device), "model": "lut", "trainSize": 400, "id": .string(p.id)])
            XCTAssertEqual(r?["result"]?["path"]?.stringValue, "\(dir)/\(p.id).hwnp", "\(String(describing: r))")
        }
        let reference = predictions(d, firstID: 20)
        XCTAssertEqual(reference.count, 3)
        XCTAssertTrue(reference.values.allSatisfy { $0.arrayValue?.isEmpty == false })

        func restartAndCheck(_ what: String) throws {
            d = try start(state: state)
            XCTAssertEqual(predictions(d, firstID: 30), reference, "after kill -9 \(what)")
            let names = try FileManager.default.contentsOfDirectory(atPath: dir)
            XCTAssertFalse(names.contains { $0.contains(".tmp-") }, "\(what): temporaries left: \(names)")
        }

        // During training (an MLP replacing "a", killed mid-epoch): the old "a" survives.
        d.sendRequest(40, "train", ["space": "nb201", "device": "pixel3", "model": "mlp", "maxEpochs": 100_000, "id": "a", "progressToken": "t"])
        XCTAssertNotNil(d.wait { $0["params"]?["token"] == "t" && $0["params"]?["value"]?["kind"] == "report" })
        kill9(d)
        try restartAndCheck("during train")

        // During a search.
        d.sendRequest(41, "search", ["space": "nb201", "predictor": "a", "budget": ["latency_ms": 30], "generations": 1_000_000, "progressToken": "s"])
        XCTAssertNotNil(d.wait { $0["params"]?["token"] == "s" && $0["params"]?["value"]?["kind"] == "report" })
        kill9(d)
        try restartAndCheck("during search")

        // During saves: a stream of saves of every predictor, killed at different moments.
        for (round, delay) in [0, 300, 1_000, 3_000, 10_000].enumerated() {
            for i in 0..<60 { d.sendRequest(100 + i, "save", ["predictor": .string(saved[i % 3].id)]) }
            usleep(useconds_t(delay))
            kill9(d)
            try restartAndCheck("during save (round \(round), after \(delay) µs)")
        }

        // A temporary left by a crash, a truncated file and a bit-flipped file: the temporary is
        // removed at start, the two corrupt files are skipped (logged), every good one loads.
        let good = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/a.hwnp"))
        kill9(d)
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: "\(dir)/a.hwnp.tmp-1-2"))
        try good.prefix(good.count - 9).write(to: URL(fileURLWithPath: "\(dir)/truncated.hwnp"))
        var flipped = good
        flipped[good.count / 2] ^= 0x40
        try flipped.write(to: URL(fileURLWithPath: "\(dir)/flipped.hwnp"))
        try restartAndCheck("with corrupt files present")
        let ids = d.call(50, "hwnas/listPredictors")?["result"]?["predictors"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        XCTAssertTrue(Set(["a", "b", "c"]).isSubset(of: Set(ids)), "\(ids)")
        XCTAssertEqual(errorCode(d.call(51, "load", ["path": .string("\(dir)/flipped.hwnp")])), -32031)
        XCTAssertEqual(errorCode(d.call(52, "load", ["path": .string("\(dir)/truncated.hwnp")])), -32031)
        XCTAssertEqual(d.call(53, "shutdown")?["result"], .null)
    }

    func testUnwritableStateGivesStorageErrorAndKeepsServing() throws {
        let state = NSTemporaryDirectory() + "hwnasd-ro-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let d = try start(state: state)
        XCTAssertNotNil(d.call(2, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "p", "save": false])?["result"])
        // Root ignores permissions, so the predictors directory is replaced by a plain file:
        // every write under it fails, whoever runs the test.
        try FileManager.default.removeItem(atPath: state + "/predictors")
        XCTAssertTrue(FileManager.default.createFile(atPath: state + "/predictors", contents: Data()))
        let r = d.call(3, "save", ["predictor": "p"])
        XCTAssertEqual(errorCode(r), -32030, "\(String(describing: r))")
        XCTAssertTrue(r?["error"]?["message"]?.stringValue?.contains("predictors") ?? false, "\(String(describing: r))")
        XCTAssertEqual(errorCode(d.call(4, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "q"])), -32030)
        XCTAssertEqual(d.call(5, "predict", ["predictor": "p", "archs": [1]])?["result"]?["latency_ms"]?.arrayValue?.count, 1)
        XCTAssertNotNil(d.call(6, "hwnas/sample", ["space": "nb201"])?["result"])
        XCTAssertTrue(d.process.isRunning)
    }

    /// Regression (fuzzing): `load` of a device file used to read /dev/zero forever.
    func testLoadOfADeviceFileIsAStorageError() throws {
        let d = try DaemonProcess(framing: .ndjson)
        XCTAssertNotNil(d.call(1, "initialize")?["result"])
        for (i, path) in ["/dev/zero", "/dev/urandom", "/tmp"].enumerated() {
            XCTAssertEqual(errorCode(d.call(2 + i, "load", ["path": .string(path)])), -32030, path)
        }
        XCTAssertNotNil(d.call(10, "hwnas/sample", ["space": "nb201"])?["result"])
    }
}
