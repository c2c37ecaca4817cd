import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import XCTest

/// Errors as protocol/PROTOCOL.md documents them for a client: the code, and `data.field`
/// naming the parameter to fix.
final class DocumentedErrorsTests: XCTestCase {
    /// Every domain handler over a fresh state directory.
    func peer() throws -> InProcessPeer { try domainPeer("hwnas-docerrors") }

    /// `encode`'s unknown encoding is -32602 at `params.encoding` (it was `params.encoding.encoding`).
    func testUnknownEncodingNamesParamsEncoding() throws {
        let p = try peer()
        let r = p.call(1, "encode", ["space": "nb201", "archs": [0], "encoding": "bogus"])
        XCTAssertEqual(errorCode(r), -32602, "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["data"]?["field"], "params.encoding", "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["message"]?.stringValue?.hasPrefix("params.encoding: "), true, "\(String(describing: r))")
    }

    /// sample was degenerate).
    func testEvaluateOnNoSamplesIsInsufficientSamples() throws {
        let p = try peer()
        XCTAssertNotNil(p.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "l"], timeout: 300)?["result"])
        let r = p.call(2, "evaluate", ["predictor": "l", "samples": []], timeout: 60)
        XCTAssertEqual(errorCode(r), -32021, "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["data"]?["field"], "params.samples", "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["message"]?.stringValue?.contains("degenerate"), false, "\(String(describing: r))")
    }

    /// a member the request did not have).
    func testSpecBatchOutOfRangeNamesParamsBatch() throws {
        let p = try peer()
        let r = p.call(1, "predict", ["space": "nb201", "spec": "GeForce RTX 2080 Ti", "batch": 0, "archs": [0]], timeout: 300)
        XCTAssertEqual(errorCode(r), -32602, "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["data"]?["field"], "params.batch", "\(String(describing: r))")
    }

    /// missing, -32031 not a predictor file), `export`'s `params.path` (it had no `data`).
    func testStorageErrorsNameThePathParameter() throws {
        let p = try peer()
        let dir = NSTemporaryDirectory() + "hwnas-docerrors-files-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let missing = p.call(1, "load", ["path": .string(dir + "/none.hwnp")])
        XCTAssertEqual(errorCode(missing), -32030, "\(String(describing: missing))")
        XCTAssertEqual(missing?["error"]?["data"]?["field"], "params.path", "\(String(describing: missing))")
        try Data("not a predictor".utf8).write(to: URL(fileURLWithPath: dir + "/junk.hwnp"))
        let junk = p.call(2, "load", ["path": .string(dir + "/junk.hwnp")])
        XCTAssertEqual(errorCode(junk), -32031, "\(String(describing: junk))")
        XCTAssertEqual(junk?["error"]?["data"]?["field"], "params.path", "\(String(describing: junk))")
        #if os(Linux)
        // Writable to root by access(2), yet no file can be made there.
        let proc = p.call(3, "export", ["space": "nb201", "archs": [0], "path": "/proc/hwnas-docerrors.onnx"], timeout: 120)
        XCTAssertEqual(errorCode(proc), -32030, "\(String(describing: proc))")
        XCTAssertEqual(proc?["error"]?["data"]?["field"], "params.path", "\(String(describing: proc))")
        #endif
    }

    /// (it answered an empty list, as for a space with no predictors).
    func testListPredictorsOfAnUnknownSpaceIsUnknownSpace() throws {
        let p = try peer()
        let r = p.call(1, "hwnas/listPredictors", ["space": "nasbench201"])
        XCTAssertEqual(errorCode(r), -32001, "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["data"]?["field"], "params.space", "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["message"]?.stringValue?.contains("nb201"), true, "\(String(describing: r))")
        XCTAssertEqual(p.call(2, "hwnas/listPredictors", ["space": "fbnet"])?["result"]?["predictors"], [])
    }

    /// `batch` and `specModel` without a `spec` are -32602 naming them: they were ignored, so
    /// `predict {device: pixel3, batch: 32}` answered batch 1 latencies without a word.
    func testBatchAndSpecModelWithoutASpecAreRefused() throws {
        let p = try peer()
        XCTAssertNotNil(p.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "l"], timeout: 300)?["result"])
        let batch = p.call(2, "predict", ["predictor": "l", "archs": [0], "batch": 32])
        XCTAssertEqual(errorCode(batch), -32602, "\(String(describing: batch))")
        XCTAssertEqual(batch?["error"]?["data"]?["field"], "params.batch", "\(String(describing: batch))")
        let model = p.call(3, "search", ["space": "nb201", "predictor": "l", "budget": ["latency_ms": 5], "generations": 2, "specModel": "mlp"], timeout: 120)
        XCTAssertEqual(errorCode(model), -32602, "\(String(describing: model))")
        XCTAssertEqual(model?["error"]?["data"]?["field"], "params.specModel", "\(String(describing: model))")
        XCTAssertNotNil(p.call(4, "predict", ["space": "nb201", "spec": "GeForce RTX 2080 Ti", "batch": 32, "archs": [0]], timeout: 300)?["result"])
    }

    /// `generate` with a generator id and a device, or a space the generator is not of, is
    /// -32602: the id answered and the device was ignored.
    func testGenerateRefusesTwoGenerators() throws {
        let p = try peer()
        XCTAssertNotNil(p.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "l"], timeout: 300)?["result"])
        XCTAssertNotNil(p.call(2, "trainGenerator", ["space": "nb201", "predictor": "l", "iterations": 3, "id": "g", "save": false], timeout: 300)?["result"])
        let both = p.call(3, "generate", ["generator": "g", "space": "nb201", "device": "raspi4", "budgets": [4], "samples": 0], timeout: 60)
        XCTAssertEqual(errorCode(both), -32602, "\(String(describing: both))")
        XCTAssertEqual(both?["error"]?["data"]?["field"], "params.device", "\(String(describing: both))")
        let other = p.call(4, "generate", ["generator": "g", "space": "fbnet", "budgets": [4], "samples": 0], timeout: 60)
        XCTAssertEqual(errorCode(other), -32602, "\(String(describing: other))")
        XCTAssertEqual(other?["error"]?["data"]?["field"], "params.generator", "\(String(describing: other))")
        XCTAssertNotNil(p.call(5, "generate", ["generator": "g", "space": "nb201", "budgets": [4], "samples": 0], timeout: 60)?["result"])
    }

    /// `safetyMargin` in Pareto mode is -32602, as `confidence` is: it was ignored (the result
    /// had no `safetyMargin`, the front was unchanged).
    func testSafetyMarginInParetoModeIsRefused() throws {
        let p = try peer()
        XCTAssertNotNil(p.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "l"], timeout: 300)?["result"])
        let r = p.call(2, "search", ["space": "nb201", "predictor": "l", "pareto": true, "generations": 2, "safetyMargin": 0.1], timeout: 120)
        XCTAssertEqual(errorCode(r), -32602, "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["data"]?["field"], "params.safetyMargin", "\(String(describing: r))")
        let budget = p.call(3, "search", ["space": "nb201", "predictor": "l", "budget": ["latency_ms": 5], "generations": 2, "safetyMargin": 0.1], timeout: 120)
        XCTAssertEqual(budget?["result"]?["safetyMargin"], 0.1, "\(String(describing: budget))")
    }

    /// `$/cancelRequest` and `exit` sent with an id are -32601 saying they are notifications (the
    /// message said only "method not found", of a method `initialize` lists).
    func testNotificationsSentAsRequestsSaySo() throws {
        let p = try peer()
        for (id, method) in [(1, "$/cancelRequest"), (2, "exit")] {
            let r = p.call(id, method, ["id": 7])
            XCTAssertEqual(errorCode(r), -32601, "\(String(describing: r))")
            XCTAssertEqual(r?["error"]?["message"]?.stringValue?.contains("notification: send it without an id"), true, "\(String(describing: r))")
        }
        XCTAssertNotNil(p.call(3, "hwnas/sample", ["space": "nb201"])?["result"], "the daemon still answers")
    }

    /// A budget search whose inline accuracies are all over the budget is -32022 saying why: the
    /// message named a fastest architecture within the budget as if nothing had been.
    func testInfeasibleInlineSearchSaysWhy() throws {
        let p = try peer()
        XCTAssertNotNil(p.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "l"], timeout: 300)?["result"])
        let values: JSONValue = [["arch": 0, "accuracy": 50], ["arch": 5, "accuracy": 60]]  // both above 5 ms on pixel3
        let r = p.call(2, "search", ["space": "nb201", "predictor": "l", "budget": ["latency_ms": 5], "generations": 5,
                                     "objective": ["accuracy": "inline", "accuracyValues": values]], timeout: 120)
        XCTAssertEqual(errorCode(r), -32022, "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["message"]?.stringValue?.contains("accuracyValues"), true, "\(String(describing: r))")
    }

    /// `finetune`'s `freeze` beyond the base network's layers is -32602 at `params.freeze` (it
    /// named `params.frozenLayers`, a member no request has).
    func testFreezeBeyondTheNetworkNamesParamsFreeze() throws {
        let p = try peer()
        XCTAssertNotNil(p.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "mlp", "hidden": [8], "maxEpochs": 2,
                                            "trainSize": 200, "id": "m"], timeout: 300)?["result"])
        let samples = JSONValue.array((100..<112).map { (a: Int) -> JSONValue in
            .object(["arch": .number(Double(a)), "latency_ms": .number(1 + Double(a % 7))])
        })
        let r = p.call(2, "finetune", ["base": "m", "samples": samples, "method": "finetune", "freeze": 9, "epochs": 2, "save": false], timeout: 300)
        XCTAssertEqual(errorCode(r), -32602, "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["data"]?["field"], "params.freeze", "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["message"]?.stringValue?.hasPrefix("params.freeze: freeze must be in 0..<2"), true, "\(String(describing: r))")
    }

    /// `generate`'s `confidence` with a predictor that has no error profile does not advise
    /// `safetyMargin`, which `generate` refuses as an unknown parameter.
    func testGenerateConfidenceAdviceIsAParameterGenerateTakes() throws {
        let p = try peer()
        XCTAssertNotNil(p.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "l"], timeout: 300)?["result"])
        let samples = JSONValue.array((100..<104).map { (a: Int) -> JSONValue in
            .object(["arch": .number(Double(a)), "latency_ms": .number(1 + Double(a % 7))])
        })
        XCTAssertNotNil(p.call(2, "finetune", ["base": "l", "samples": samples, "id": "few", "save": false], timeout: 300)?["result"])
        XCTAssertNotNil(p.call(3, "trainGenerator", ["space": "nb201", "predictor": "few", "iterations": 2, "id": "g", "save": false], timeout: 300)?["result"])
        let r = p.call(4, "generate", ["generator": "g", "budgets": [4], "confidence": 0.9], timeout: 60)
        XCTAssertEqual(errorCode(r), -32602, "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["data"]?["field"], "params.confidence", "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["message"]?.stringValue?.contains("give safetyMargin"), false, "\(String(describing: r))")
        let advice = p.call(5, "generate", ["generator": "g", "budgets": [4], "safetyMargin": 0.1], timeout: 60)
        XCTAssertEqual(errorCode(advice), -32602, "generate takes no safetyMargin: \(String(describing: advice))")
    }

    /// A cancelled `monotonicity` stops working, so its `--max-jobs` slot is free again: it was
    /// answered -32800 after 80 ms but computed the whole matrix on (10 s of a debug build for
    /// nb201's devices), and a long request sent meanwhile got -32041.
    func testCancelledMonotonicityFreesItsJobSlot() throws {
        let p = try domainPeer("hwnas-docerrors", options: ServerOptions(maxJobs: 1))
        let dir = NSTemporaryDirectory() + "hwnas-docerrors-export-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        p.sendRequest(1, "monotonicity", ["space": "nb201"])
        Thread.sleep(forTimeInterval: 0.3)
        p.send(["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": 1]])
        XCTAssertEqual(errorCode(p.response(1, timeout: 60)), -32800)
        var codes: [Int?] = []
        for id in 2..<22 {
            let r = p.call(id, "export", ["space": "nb201", "archs": [0], "dir": .string(dir)], timeout: 60)
            codes.append(errorCode(r))
            if r?["result"] != nil { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertEqual(codes.last, .some(nil), "a long request after the cancel: \(codes)")
    }
}
