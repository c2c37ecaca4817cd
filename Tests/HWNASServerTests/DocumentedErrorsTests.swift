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

    /// Asserts that `r` is an error with `code` whose `data.field` is `field` (when given).
    func assertError(_ r: JSONValue?, _ code: Int, field: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(errorCode(r), code, "\(String(describing: r))", file: file, line: line)
        if let field { XCTAssertEqual(r?["error"]?["data"]?["field"], .string(field), "\(String(describing: r))", file: file, line: line) }
    }

    /// Whether `r`'s error message contains `text`.
    func message(_ r: JSONValue?, contains text: String) -> Bool { r?["error"]?["message"]?.stringValue?.contains(text) == true }

    /// Trains LUT predictor `l` on pixel3 (300 samples).
    func trainLUT(_ p: InProcessPeer, id: Int = 1) {
        XCTAssertNotNil(p.call(id, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "l"], timeout: 300)?["result"])
    }

    /// NB201 samples of the architectures `archs`, latencies 1…7 ms.
    func samples(_ archs: Range<Int>) -> JSONValue {
        .array(archs.map { (a: Int) -> JSONValue in .object(["arch": .number(Double(a)), "latency_ms": .number(1 + Double(a % 7))]) })
    }

    /// `encode`'s unknown encoding is -32602 at `params.encoding` (it was `params.encoding.encoding`).
    func testUnknownEncodingNamesParamsEncoding() throws {
        let p = try peer()
        let r = p.call(1, "encode", ["space": "nb201", "archs": [0], "encoding": "bogus"])
        assertError(r, -32602, field: "params.encoding")
        XCTAssertEqual(r?["error"]?["message"]?.stringValue?.hasPrefix("params.encoding: "), true, "\(String(describing: r))")
    }

    /// sample was degenerate).
    func testEvaluateOnNoSamplesIsInsufficientSamples() throws {
        let p = try peer()
        trainLUT(p)
        let r = p.call(2, "evaluate", ["predictor": "l", "samples": []], timeout: 60)
        assertError(r, -32021, field: "params.samples")
        XCTAssertFalse(message(r, contains: "degenerate"), "\(String(describing: r))")
    }

    /// a member the request did not have).
    func testSpecBatchOutOfRangeNamesParamsBatch() throws {
        let p = try peer()
        let r = p.call(1, "predict", ["space": "nb201", "spec": "GeForce RTX 2080 Ti", "batch": 0, "archs": [0]], timeout: 300)
        assertError(r, -32602, field: "params.batch")
    }

    /// missing, -32031 not a predictor file), `export`'s `params.path` (it had no `data`).
    func testStorageErrorsNameThePathParameter() throws {
        let p = try peer()
        let dir = NSTemporaryDirectory() + "hwnas-docerrors-files-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let missing = p.call(1, "load", ["path": .string(dir + "/none.hwnp")])
        assertError(missing, -32030, field: "params.path")
        try Data("not a predictor".utf8).write(to: URL(fileURLWithPath: dir + "/junk.hwnp"))
        let junk = p.call(2, "load", ["path": .string(dir + "/junk.hwnp")])
        assertError(junk, -32031, field: "params.path")
        #if os(Linux)
        // Writable to root by access(2), yet no file can be made there.
        let proc = p.call(3, "export", ["space": "nb201", "archs": [0], "path": "/proc/hwnas-docerrors.onnx"], timeout: 120)
        assertError(proc, -32030, field: "params.path")
        #endif
    }

    /// (it answered an empty list, as for a space with no predictors).
    func testListPredictorsOfAnUnknownSpaceIsUnknownSpace() throws {
        let p = try peer()
        let r = p.call(1, "hwnas/listPredictors", ["space": "nasbench201"])
        assertError(r, -32001, field: "params.space")
        XCTAssertTrue(message(r, contains: "nb201"), "\(String(describing: r))")
        XCTAssertEqual(p.call(2, "hwnas/listPredictors", ["space": "fbnet"])?["result"]?["predictors"], [])
    }

    /// `batch` and `specModel` without a `spec` are -32602 naming them: they were ignored, so
    /// `predict {device: pixel3, batch: 32}` answered batch 1 latencies without a word.
    func testBatchAndSpecModelWithoutASpecAreRefused() throws {
        let p = try peer()
        trainLUT(p)
        let batch = p.call(2, "predict", ["predictor": "l", "archs": [0], "batch": 32])
        assertError(batch, -32602, field: "params.batch")
        let model = p.call(3, "search", ["space": "nb201", "predictor": "l", "budget": ["latency_ms": 5], "generations": 2, "specModel": "mlp"], timeout: 120)
        assertError(model, -32602, field: "params.specModel")
        XCTAssertNotNil(p.call(4, "predict", ["space": "nb201", "spec": "GeForce RTX 2080 Ti", "batch": 32, "archs": [0]], timeout: 300)?["result"])
    }

    /// `generate` with a generator id and a device, or a space the generator is not of, is
    /// -32602: the id answered and the device was ignored.
    func testGenerateRefusesTwoGenerators() throws {
        let p = try peer()
        trainLUT(p)
        XCTAssertNotNil(p.call(2, "trainGenerator", ["space": "nb201", "predictor": "l", "iterations": 3, "id": "g", "save": false], timeout: 300)?["result"])
        let both = p.call(3, "generate", ["generator": "g", "space": "nb201", "device": "raspi4", "budgets": [4], "samples": 0], timeout: 60)
        assertError(both, -32602, field: "params.device")
        let other = p.call(4, "generate", ["generator": "g", "space": "fbnet", "budgets": [4], "samples": 0], timeout: 60)
        assertError(other, -32602, field: "params.generator")
        XCTAssertNotNil(p.call(5, "generate", ["generator": "g", "space": "nb201", "budgets": [4], "samples": 0], timeout: 60)?["result"])
    }

    /// `safetyMargin` in Pareto mode is -32602, as `confidence` is: it was ignored (the result
    /// had no `safetyMargin`, the front was unchanged).
    func testSafetyMarginInParetoModeIsRefused() throws {
        let p = try peer()
        trainLUT(p)
        let r = p.call(2, "search", ["space": "nb201", "predictor": "l", "pareto": true, "generations": 2, "safetyMargin": 0.1], timeout: 120)
        assertError(r, -32602, field: "params.safetyMargin")
        let budget = p.call(3, "search", ["space": "nb201", "predictor": "l", "budget": ["latency_ms": 5], "generations": 2, "safetyMargin": 0.1], timeout: 120)
        XCTAssertEqual(budget?["result"]?["safetyMargin"], 0.1, "\(String(describing: budget))")
    }

    /// `$/cancelRequest` and `exit` sent with an id are -32601 saying they are notifications (the
    /// message said only "method not found", of a method `initialize` lists).
    func testNotificationsSentAsRequestsSaySo() throws {
        let p = try peer()
        for (id, method) in [(1, "$/cancelRequest"), (2, "exit")] {
            let r = p.call(id, method, ["id": 7])
            assertError(r, -32601)
            XCTAssertTrue(message(r, contains: "notification: send it without an id"), "\(String(describing: r))")
        }
        XCTAssertNotNil(p.call(3, "hwnas/sample", ["space": "nb201"])?["result"], "the daemon still answers")
    }

    /// A budget search whose inline accuracies are all over the budget is -32022 saying why: the
    /// message named a fastest architecture within the budget as if nothing had been.
    func testInfeasibleInlineSearchSaysWhy() throws {
        let p = try peer()
        trainLUT(p)
        let values: JSONValue = [["arch": 0, "accuracy": 50], ["arch": 5, "accuracy": 60]]  // both above 5 ms on pixel3
        let r = p.call(2, "search", ["space": "nb201", "predictor": "l", "budget": ["latency_ms": 5], "generations": 5,
                                     "objective": ["accuracy": "inline", "accuracyValues": values]], timeout: 120)
        assertError(r, -32022)
        XCTAssertTrue(message(r, contains: "accuracyValues"), "\(String(describing: r))")
    }

    /// `finetune`'s `freeze` beyond the base network's layers is -32602 at `params.freeze` (it
    /// named `params.frozenLayers`, a member no request has).
    func testFreezeBeyondTheNetworkNamesParamsFreeze() throws {
        let p = try peer()
        XCTAssertNotNil(p.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "mlp", "hidden": [8], "maxEpochs": 2,
                                            "trainSize": 200, "id": "m"], timeout: 300)?["result"])
        let samples = samples(100..<112)
        let r = p.call(2, "finetune", ["base": "m", "samples": samples, "method": "finetune", "freeze": 9, "epochs": 2, "save": false], timeout: 300)
        assertError(r, -32602, field: "params.freeze")
        XCTAssertEqual(r?["error"]?["message"]?.stringValue?.hasPrefix("params.freeze: freeze must be in 0..<2"), true, "\(String(describing: r))")
    }

    /// `generate`'s `confidence` with a predictor that has no error profile does not advise
    /// `safetyMargin`, which `generate` refuses as an unknown parameter.
    func testGenerateConfidenceAdviceIsAParameterGenerateTakes() throws {
        let p = try peer()
        trainLUT(p)
        let samples = samples(100..<104)
        XCTAssertNotNil(p.call(2, "finetune", ["base": "l", "samples": samples, "id": "few", "save": false], timeout: 300)?["result"])
        XCTAssertNotNil(p.call(3, "trainGenerator", ["space": "nb201", "predictor": "few", "iterations": 2, "id": "g", "save": false], timeout: 300)?["result"])
        let r = p.call(4, "generate", ["generator": "g", "budgets": [4], "confidence": 0.9], timeout: 60)
        assertError(r, -32602, field: "params.confidence")
        XCTAssertFalse(message(r, contains: "give safetyMargin"), "\(String(describing: r))")
        let advice = p.call(5, "generate", ["generator": "g", "budgets": [4], "safetyMargin": 0.1], timeout: 60)
        XCTAssertEqual(errorCode(advice), -32602, "generate takes no safetyMargin: \(String(describing: advice))")
    }

    /// A cancelled `monotonicity` stops working, so its `--max-jobs` slot is free again: it was
    /// answered -32800 after 80 ms but computed the whole matrix on (10 s of a debug build for
    /// nb201's devices), and a long request sent meanwhile got -32041. (Kendall's tau: Spearman's
    /// matrix now ranks each device once and ends within the 0.3 s this test waits.)
    func testCancelledMonotonicityFreesItsJobSlot() throws {
        let p = try domainPeer("hwnas-docerrors", options: ServerOptions(maxJobs: 1))
        let dir = NSTemporaryDirectory() + "hwnas-docerrors-export-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        p.sendRequest(1, "monotonicity", ["space": "nb201", "metric": "kendall"])
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

    /// A `train` that would save on a `--read-only` daemon is -32030 saying how to fit anyway
    /// (`save: false`), which then works.
    func testReadOnlyStorageErrorSaysSaveFalse() throws {
        let p = try domainPeer("hwnas-docerrors", readOnly: true)
        let params: JSONValue = ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "l"]
        let r = p.call(1, "train", params, timeout: 300)
        assertError(r, -32030)
        XCTAssertTrue(message(r, contains: "save: false"), "\(String(describing: r))")
        guard case .object(var unsaved) = params else { return XCTFail() }
        unsaved["save"] = false
        XCTAssertNotNil(p.call(2, "train", .object(unsaved), timeout: 300)?["result"])
    }
    /// `finetune`'s `epochs` outside 1...100000 and a negative `trainSize` are -32602 naming them, as
    /// the schemas' ranges say: `epochs: 0` was taken as 1 without a word, and `trainSize: -5` was
    /// "need at least 2 training samples, have -5" (-32021).
    func testOutOfRangeEpochsAndTrainSizeNameTheirParameter() throws {
        let p = try peer()
        trainLUT(p)
        for (id, e) in [(2, 0), (3, -3), (4, 100_001)] {
            let r = p.call(id, "finetune", ["base": "l", "samples": samples(0..<10), "epochs": .number(Double(e)), "save": false],
                           timeout: 300)
            assertError(r, -32602, field: "params.epochs")
        }
        assertError(p.call(5, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": -5], timeout: 300),
                    -32602, field: "params.trainSize")
        assertError(p.call(6, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 1], timeout: 300),
                    -32021, field: "params.trainSize")
    }
}
