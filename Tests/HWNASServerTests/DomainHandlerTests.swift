import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import XCTest

/// The domain methods through the real router, in-process: predictors, search, errors.
final class DomainHandlerTests: XCTestCase {
    static let mid = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"

    /// A fresh state directory under the temporary directory, removed when the test ends.
    func temporaryState(_ prefix: String) -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// A peer with every domain handler registered over `state` (default: a fresh one).
    func makePeer(state: String? = nil) throws -> InProcessPeer {
        let state = state ?? temporaryState("hwnas-domain")
        let env = ServerEnvironment(stateDirectory: state, logger: Logger(level: .error))
        let services = try DomainServices(environment: env)
        let peer = InProcessPeer { server in registerDomainHandlers(server: server, services: services) }
        peer.initialize()
        return peer
    }

    func testTrainPredictEvaluateSaveDelete() throws {
        let peer = try makePeer()
        let train = peer.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 500, "id": "px3-lut"])
        XCTAssertEqual(train?["result"]?["predictor"], "px3-lut", "\(String(describing: train))")
        XCTAssertEqual(train?["result"]?["model"], "lut")
        let heldOut = try XCTUnwrap(train?["result"]?["metrics"]?["heldOut"]?["spearman"]?.doubleValue)
        XCTAssertGreaterThan(heldOut, 0.9)  // pixel3 latencies are additive per edge

        let predict = peer.call(2, "predict", ["predictor": "px3-lut", "archs": [.string(Self.mid), 5]])
        let lat = try XCTUnwrap(predict?["result"]?["latency_ms"]?.arrayValue)
        XCTAssertEqual(lat.count, 2)
        XCTAssertTrue(lat.allSatisfy { ($0.doubleValue ?? 0) > 0 })

        let packed = peer.call(3, "predict", ["predictor": "px3-lut", "archs": [.string(Self.mid)], "output": "f32-base64"])
        let b64 = try XCTUnwrap(packed?["result"]?["latency_ms_f32"]?.stringValue)
        let bytes = try XCTUnwrap(Data(base64Encoded: b64))
        XCTAssertEqual(bytes.count, 4)
        let f = bytes.withUnsafeBytes { $0.load(as: Float.self) }
        XCTAssertEqual(Double(f), lat[0].doubleValue!, accuracy: 1e-3 * lat[0].doubleValue!)

        let eval = peer.call(4, "evaluate", ["predictor": "px3-lut"])
        XCTAssertEqual(eval?["result"]?["data"], "fixtures:pixel3")
        XCTAssertEqual(eval?["result"]?["metrics"]?["count"]?.intValue, 15_625 - 341, "degenerate cells left out")
        XCTAssertEqual(eval?["result"]?["degenerateLeftOut"]?.intValue, 341)

        let saved = peer.call(5, "save", ["predictor": "px3-lut"])
        let path = try XCTUnwrap(saved?["result"]?["path"]?.stringValue)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(peer.call(7, "deletePredictor", ["predictor": "px3-lut"])?["result"]?["deleted"], true)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(errorCode(peer.call(8, "predict", ["predictor": "px3-lut", "archs": [5]])), -32011)
    }

    func testSavedPredictorIsReloadedOnRestart() throws {
        let state = temporaryState("hwnas-restart")
        let first = try makePeer(state: state)
        XCTAssertNotNil(first.call(1, "train", ["space": "fbnet", "device": "raspi4", "model": "lut", "id": "r4"])?["result"])
        let before = first.call(2, "predict", ["predictor": "r4", "archs": ["7-8-1-8-4-8-8-8-7-4-1-4-7-3-2-7-3-2-4-2-4-5"]])
        let second = try makePeer(state: state)
        let after = second.call(1, "predict", ["predictor": "r4", "archs": ["7-8-1-8-4-8-8-8-7-4-1-4-7-3-2-7-3-2-4-2-4-5"]])
        XCTAssertNotNil(after?["result"]?["latency_ms"])
        XCTAssertEqual(before?["result"]?["latency_ms"], after?["result"]?["latency_ms"])
    }

    func testErrorsNameTheProblem() throws {
        let peer = try makePeer()
        let unknownDevice = peer.call(1, "predict", ["space": "nb201", "device": "abacus", "archs": [1]])
        XCTAssertEqual(errorCode(unknownDevice), -32010)
        XCTAssertEqual(errorCode(peer.call(2, "predict", ["space": "nb999", "device": "pixel3", "archs": [1]])), -32001)
        XCTAssertNotNil(peer.call(3, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "id": "p", "trainSize": 300])?["result"])
        let badArch = peer.call(4, "predict", ["predictor": "p", "archs": [.string(Self.mid), "|conv5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|"]])
        XCTAssertEqual(errorCode(badArch), -32020)
        XCTAssertTrue(badArch?["error"]?["message"]?.stringValue?.contains("archs[1]") ?? false, "\(String(describing: badArch))")
        let badModel = peer.call(5, "train", ["space": "nb201", "device": "pixel3", "model": "gbdt"])
        XCTAssertEqual(errorCode(badModel), -32602)
        XCTAssertTrue(badModel?["error"]?["message"]?.stringValue?.contains("lut") ?? false)
        let badLatency = peer.call(6, "finetune", ["base": "p", "samples": [["arch": 1, "latency_ms": -2]]])
        XCTAssertEqual(errorCode(badLatency), -32602)
        XCTAssertTrue(badLatency?["error"]?["message"]?.stringValue?.contains("samples[0].latency_ms") ?? false)
        XCTAssertEqual(errorCode(peer.call(7, "finetune", ["base": "p", "samples": [["arch": 1, "latency_ms": 2]]])), -32021)
        XCTAssertEqual(errorCode(peer.call(8, "search", ["space": "nb201", "predictor": "p"])), -32602)
    }

    func testTwoLatencySourcesOrAPredictorOfAnotherSpaceAreRefused() throws {
        // predict used to answer with the predictor (ignoring `device`), with the spec's nearest GPU
        // (ignoring `device`, though predictor, device, spec is the documented order), and with an
        // nb201 predictor for `space: fbnet` (search refused that one already).
        let peer = try makePeer()
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "id": "p", "trainSize": 300])?["result"])
        let cases: [([String: JSONValue], String)] = [
            (["space": "nb201", "predictor": "p", "device": "raspi4", "archs": [1]], "device"),
            (["space": "nb201", "device": "pixel3", "spec": "RTX 3090", "archs": [1]], "spec"),
            (["space": "fbnet", "predictor": "p", "archs": [1]], "predictor"),
        ]
        for (i, (params, field)) in cases.enumerated() {
            for method in ["predict", "search"] {
                var request = params
                if method == "search" { request["budget"] = ["latency_ms": 5]; request["archs"] = nil }
                let r = peer.call(10 + 2 * i + (method == "search" ? 1 : 0), method, .object(request))
                XCTAssertEqual(errorCode(r), -32602, "\(method) \(params): \(String(describing: r))")
                XCTAssertEqual(r?["error"]?["data"]?["field"]?.stringValue, "params.\(field)", "\(method) \(params)")
            }
        }
        XCTAssertNotNil(peer.call(20, "predict", ["space": "nb201", "predictor": "p", "archs": [1]])?["result"], "the same space is fine")
        XCTAssertNotNil(peer.call(21, "evaluate", ["predictor": "p", "device": "raspi4"])?["result"], "evaluate's device is its data")
    }

    func testEvaluateOfAnAdaptedPredictorWithoutSamplesAsksForThem() throws {
        // It used to answer -32010 "no measurements of device 'my-phone' ...; devices: <36 names>".
        let peer = try makePeer()
        let samples: [JSONValue] = (0..<6).map { i in ["arch": .number(Double(i * 97)), "latency_ms": .number(2 + Double(i))] }
        XCTAssertNotNil(peer.call(1, "finetune", ["space": "nb201", "base": "pixel3", "samples": .array(samples), "method": "affine",
                                                  "device": "my-phone", "id": "mine", "save": false])?["result"])
        let r = peer.call(2, "evaluate", ["predictor": "mine"])
        XCTAssertEqual(errorCode(r), -32602, "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["data"]?["field"]?.stringValue, "params.samples")
        XCTAssertTrue(r?["error"]?["message"]?.stringValue?.contains("'my-phone', which has no shipped measurements") ?? false,
                      "\(String(describing: r))")
        XCTAssertEqual(errorCode(peer.call(3, "evaluate", ["predictor": "mine", "device": "pixle3"])), -32010, "a named device: as before")
    }

    func testFinetuneFromAnotherDevice() throws {
        let peer = try makePeer()
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "gold_6226", "model": "mlp", "id": "base", "trainSize": 800,
                                               "hidden": [64, 64], "maxEpochs": 60])?["result"])
        // 20 measured samples of the target (raspi4), the first 20 NB201 archs.
        let ids = Array(0..<20)
        let m = try measured(space: "nb201", device: "raspi4", ids: ids)
        let samples: [JSONValue] = zip(ids, m).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) }
        let r = peer.call(2, "finetune", ["base": "base", "samples": .array(samples), "device": "raspi4", "id": "r4ft"])
        XCTAssertEqual(r?["result"]?["predictor"], "r4ft", "\(String(describing: r))")
        let before = peer.call(3, "evaluate", ["predictor": "base", "device": "raspi4"])
        let after = peer.call(4, "evaluate", ["predictor": "r4ft", "device": "raspi4"])
        let srccBefore = try XCTUnwrap(before?["result"]?["metrics"]?["spearman"]?.doubleValue)
        let srccAfter = try XCTUnwrap(after?["result"]?["metrics"]?["spearman"]?.doubleValue)
        // The default method picks affine calibration or network fine-tuning by a split of the
        // samples, so the ranking must not get materially worse (quality: hwnas-bench predictors).
        XCTAssertGreaterThanOrEqual(srccAfter, srccBefore - 0.05, "fine-tuning on 20 raspi4 samples must not wreck the base's ranking")
        let rmseBefore = try XCTUnwrap(before?["result"]?["metrics"]?["rmse"]?.doubleValue)
        let rmseAfter = try XCTUnwrap(after?["result"]?["metrics"]?["rmse"]?.doubleValue)
        XCTAssertLessThan(rmseAfter, rmseBefore, "the base predicts gold_6226 milliseconds; the fine-tuned one raspi4's")
    }

    func testFinetuneOnABlendOfBases() throws {
        let peer = try makePeer()
        trainLUTs(peer, ["gold_6226", "pixel3", "titan_rtx_1"])
        let ids = Array(stride(from: 5, to: 15_625, by: 781))  // 20 raspi4 measurements
        let m = try measured(space: "nb201", device: "raspi4", ids: ids)
        let samples: [JSONValue] = zip(ids, m).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) }
        let r = peer.call(5, "finetune", ["base": "lut-gold_6226", "blendWith": ["lut-pixel3", "lut-titan_rtx_1"],
                                          "samples": .array(samples), "device": "raspi4", "id": "r4blend", "save": false])
        let result = try XCTUnwrap(r?["result"], "\(String(describing: r))")
        XCTAssertTrue(result["model"]?.stringValue?.contains("blend(") ?? false, "\(result)")
        let blend = try XCTUnwrap(result["notes"]?["blend"]?.stringValue)
        XCTAssertTrue(blend.contains("lut-pixel3×"), "pixel3 ranks raspi4 best (SRCC 0.97): \(blend)")
        // Issue 19: the result names the members offered and the blend's weights.
        XCTAssertEqual(result["pool"], ["lut-gold_6226", "lut-pixel3", "lut-titan_rtx_1"])
        let weights = try XCTUnwrap(result["weights"]?.arrayValue)
        XCTAssertTrue(weights.contains { $0["member"] == "lut-pixel3" && ($0["weight"]?.doubleValue ?? 0) > 0 }, "\(weights)")
        let single = peer.call(6, "finetune", ["base": "lut-gold_6226", "samples": .array(samples), "id": "r4single", "save": false])
        XCTAssertNotNil(single?["result"])
        let srcc = { (id: String) throws -> Double in
            try XCTUnwrap(peer.call(7, "evaluate", ["predictor": .string(id), "device": "raspi4"])?["result"]?["metrics"]?["spearman"]?.doubleValue)
        }
        XCTAssertGreaterThan(try srcc("r4blend"), 0.9)
        XCTAssertGreaterThan(try srcc("r4blend"), try srcc("r4single"))
        XCTAssertFalse(result["warnings"]?.arrayValue?.contains { $0.stringValue?.contains("milliseconds") == true } ?? false)
        // The same samples in seconds: judged against the base and the members as given (the blend
        // itself is fitted to the samples' scale), and said.
        let seconds: [JSONValue] = zip(ids, m).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1 / 1000)]) }
        let slip = peer.call(40, "finetune", ["base": "lut-gold_6226", "blendWith": ["lut-pixel3", "lut-titan_rtx_1"],
                                              "samples": .array(seconds), "id": "r4s", "save": false])
        let said = try XCTUnwrap(slip?["result"]?["warnings"]?.arrayValue, "\(String(describing: slip))")
        XCTAssertTrue(said.contains { $0.stringValue?.contains("measured in seconds") == true }, "\(said)")
        // Errors: an unknown member; too few samples to fit a blend.
        XCTAssertEqual(errorCode(peer.call(8, "finetune", ["base": "lut-gold_6226", "blendWith": ["nope"], "samples": .array(samples)])), -32011)
        XCTAssertEqual(errorCode(peer.call(9, "finetune", ["base": "lut-gold_6226", "blendWith": ["lut-pixel3"],
                                                           "samples": .array(Array(samples.prefix(2)))])), -32021)
        // The list is checked as adaptProxy's pool: a duplicate, the base, the target (device).
        for (i, (list, device)) in [(["lut-pixel3", "lut-pixel3"], "r4"), (["lut-gold_6226"], "r4"),
                                    (["lut-pixel3", "raspi4"], "raspi4")].enumerated() {
            let e = peer.call(10 + i, "finetune", ["base": "lut-gold_6226", "blendWith": .array(list.map { .string($0) }),
                                                   "device": .string(device), "samples": .array(samples), "save": false])?["error"]
            XCTAssertEqual(e?["code"], -32602, "\(list)")
            XCTAssertEqual(e?["data"]?["field"], .string("params.blendWith[\(list.count - 1)]"), "\(list)")
        }
    }

    /// Issue 19: `adapt` scores every family by outer cross-validation and returns the best;
    /// bad families and pool members are -32602.
    func testAdaptChoosesAFamilyAndNamesBaseAndPool() throws {
        let peer = try makePeer()
        trainLUTs(peer, ["gold_6226", "pixel3", "titan_rtx_1"])
        let ids = Array(stride(from: 5, to: 15_625, by: 1_301))  // 13 raspi4 measurements
        let m = try measured(space: "nb201", device: "raspi4", ids: ids)
        let samples: [JSONValue] = zip(ids, m).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) }
        let r = peer.call(5, "adapt", ["space": "nb201", "pool": ["lut-gold_6226", "lut-pixel3", "lut-titan_rtx_1"],
                                       "target": ["name": "raspi4-mine", "samples": .array(samples)], "save": false], timeout: 120)
        let result = try XCTUnwrap(r?["result"], "\(String(describing: r))")
        XCTAssertEqual(result["base"], "lut-pixel3", "the pool member ranking the samples best")
        XCTAssertEqual(result["pool"], ["lut-gold_6226", "lut-titan_rtx_1"])
        let scores = try XCTUnwrap(result["scores"]?.arrayValue)
        XCTAssertEqual(scores.map { $0["family"]?.stringValue ?? "" }, ["blend", "proxy", "mean"], "LUT bases: no finetune family")
        let best = scores.max { ($0["cvSRCC"]?.doubleValue ?? -2) < ($1["cvSRCC"]?.doubleValue ?? -2) }
        XCTAssertEqual(result["family"], best?["family"])
        XCTAssertEqual(result["evaluation"], "crossValidated")
        XCTAssertEqual(try XCTUnwrap(result["srccAfter"]?.doubleValue), try XCTUnwrap(best?["cvSRCC"]?.doubleValue), accuracy: 1e-9)
        XCTAssertEqual(result["crossValidated"]?["count"]?.doubleValue, Double(ids.count))
        // Its interval: from the outer out-of-fold residuals (the calibrated `adapt` profile), same wire shape.
        let p = try XCTUnwrap(peer.call(10, "predict", ["predictor": "raspi4-mine", "archs": [5, 9000], "interval": 0.9])?["result"])
        let lat = try XCTUnwrap(p["latency_ms"]?.arrayValue).compactMap(\.doubleValue)
        let lower = try XCTUnwrap(p["lower"]?.arrayValue).compactMap(\.doubleValue)
        let upper = try XCTUnwrap(p["upper"]?.arrayValue).compactMap(\.doubleValue)
        XCTAssertEqual(lower.count, 2)
        for i in 0..<2 { XCTAssertTrue(lower[i] < lat[i] && lat[i] < upper[i], "\(lower[i]) \(lat[i]) \(upper[i])") }
        let bad = peer.call(6, "adapt", ["space": "nb201", "families": ["proxy", "magic"], "pool": ["lut-pixel3"],
                                         "target": ["name": "x", "samples": .array(samples)], "save": false])?["error"]
        XCTAssertEqual(bad?["code"], -32602)
        XCTAssertEqual(bad?["data"]?["field"], "params.families[1]")
        // `stack` on the wire: blend, proxy and mix combined instead of chosen, scored and named.
        let st = try XCTUnwrap(peer.call(11, "adapt", ["space": "nb201", "families": ["stack"],
                                                       "pool": ["lut-gold_6226", "lut-pixel3", "lut-titan_rtx_1"],
                                                       "target": ["name": "x", "samples": .array(samples)], "save": false],
                                         timeout: 120)?["result"])
        XCTAssertEqual(st["family"], "stack")
        XCTAssertEqual(try XCTUnwrap(st["scores"]?.arrayValue).map { $0["family"]?.stringValue ?? "" }, ["blend", "proxy", "mix", "stack"])
        let twice = peer.call(7, "adapt", ["space": "nb201", "pool": ["lut-pixel3", "lut-pixel3"],
                                           "target": ["name": "x", "samples": .array(samples)], "save": false])?["error"]
        XCTAssertEqual(twice?["data"]?["field"], "params.pool[1]")
        // This project's own measurements are a fixture device but not a published one: the pool
        // cannot fit them, and the message says what to do instead.
        let own = peer.call(9, "adapt", ["space": "nb201", "pool": ["lut-pixel3", "onnxrt_epyc_zen4"],
                                         "target": ["name": "x", "samples": .array(samples)], "save": false])?["error"]
        XCTAssertEqual(own?["code"], -32602)
        XCTAssertEqual(own?["data"]?["field"], "params.pool[1]")
        XCTAssertTrue(own?["message"]?.stringValue?.contains("published devices only") == true, "\(String(describing: own))")
        XCTAssertEqual(errorCode(peer.call(8, "adapt", ["space": "nb201", "pool": false,
                                                        "target": ["name": "x", "samples": .array(samples)]])), -32602,
                       "no base and no pool")
    }

    /// A misspelled parameter used to be ignored (`generation: 3` ran 500 generations); it is refused,
    /// naming it and the method's parameters. `initialize` still takes any LSP field.
    func testUnknownParamsAreRefusedByName() throws {
        let peer = try makePeer()
        let r = peer.call(1, "search", ["space": "nb201", "device": "pixel3", "budget": ["latency_ms": 5], "generation": 3])
        XCTAssertEqual(errorCode(r), -32602, "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["data"]?["field"]?.stringValue, "params.generation")
        let message = r?["error"]?["message"]?.stringValue ?? ""
        XCTAssertTrue(message.contains("unknown parameter") && message.contains("generations"), message)
        let two = peer.call(2, "predict", ["space": "nb201", "device": "pixel3", "archs": [1], "intervl": 0.9, "devise": "x"])
        XCTAssertEqual(two?["error"]?["data"]?["field"]?.stringValue, "params.devise", "the first, sorted")
        XCTAssertTrue(two?["error"]?["message"]?.stringValue?.contains("(also: intervl)") == true, "\(String(describing: two))")
        XCTAssertNotNil(peer.call(3, "predict", ["space": "nb201", "device": "pixel3", "archs": [1], "progressToken": "t"])?["result"],
                        "the server's own members are never unknown")
        let services = try DomainServices(environment: ServerEnvironment(stateDirectory: temporaryState("hwnas-init"), logger: Logger(level: .error)))
        let fresh = InProcessPeer { server in registerDomainHandlers(server: server, services: services) }
        let hello = fresh.call(1, "initialize", ["capabilities": ["textDocument": [:]], "rootUri": .null, "processId": 1, "clientInfo": ["name": "vscode"]])
        XCTAssertNotNil(hello?["result"], "\(String(describing: hello))")
    }

    func testSearchBudgetInfeasibleAndCancel() throws {
        let peer = try makePeer()
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "id": "p", "trainSize": 500])?["result"])
        let r = peer.call(2, "search", ["space": "nb201", "predictor": "p", "budget": ["latency_ms": 6], "generations": 30, "seed": 1])
        let best = try XCTUnwrap(r?["result"]?["best"], "\(String(describing: r))")
        XCTAssertLessThanOrEqual(best["latency_ms"]?.doubleValue ?? 99, 6)
        XCTAssertGreaterThan(best["accuracy"]?.doubleValue ?? 0, 90)
        XCTAssertEqual(r?["result"]?["partial"], false)
        XCTAssertNil(r?["result"]?["warnings"], "a budget that binds says nothing")
        // A budget above every architecture evaluated (a unit slip, a typo) constrains nothing, and says so.
        let loose = peer.call(9, "search", ["space": "nb201", "predictor": "p", "budget": ["latency_ms": 5000], "generations": 3, "seed": 1])
        let warnings = try XCTUnwrap(loose?["result"]?["warnings"]?.arrayValue, "\(String(describing: loose))")
        XCTAssertTrue(warnings.contains { $0.stringValue?.contains("did not constrain") == true }, "\(warnings)")

        let none = peer.call(3, "search", ["space": "nb201", "predictor": "p", "budget": ["latency_ms": 1e-9], "generations": 3])
        XCTAssertEqual(errorCode(none), -32022)

        peer.sendRequest(4, "search", ["space": "nb201", "predictor": "p", "pareto": true, "generations": 1_000_000, "progressToken": "s"])
        XCTAssertNotNil(peer.wait(timeout: 30) { $0["method"] == "$/progress" && $0["params"]?["value"]?["kind"] == "report" })
        let t0 = Date()
        peer.notify("$/cancelRequest", ["id": 4])
        let cancelled = peer.response(4, timeout: 10)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 2)
        XCTAssertEqual(cancelled?["result"]?["partial"], true, "\(String(describing: cancelled))")
        XCTAssertFalse(cancelled?["result"]?["front"]?.arrayValue?.isEmpty ?? true)
    }

    /// proxyless and mbv2 had no latency data; this machine's onnxruntime measurements make them
    /// searchable with the device's default predictor, like every other space.
    func testProxylessAndMobileNetV2SearchOnThisMachinesMeasurements() throws {
        let peer = try makePeer()
        for (k, space) in ["proxyless", "mbv2"].enumerated() {
            let id = 10 * k
            let sample = try XCTUnwrap(peer.call(id + 2, "hwnas/sample", ["space": .string(space), "count": 2])?["result"]?["archs"]?.arrayValue)
            let predict = peer.call(id + 3, "predict", ["space": .string(space), "device": "onnxrt_epyc_zen4", "archs": .array(sample)])
            XCTAssertEqual(predict?["result"]?["predictor"]?.stringValue, "default-\(space)-onnxrt_epyc_zen4", "\(String(describing: predict))")
            let lat = try XCTUnwrap(predict?["result"]?["latency_ms"]?.arrayValue?.compactMap(\.doubleValue))
            XCTAssertEqual(lat.count, 2)
            XCTAssertTrue(lat.allSatisfy { $0 > 0 })
            let r = peer.call(id + 4, "search", ["space": .string(space), "device": "onnxrt_epyc_zen4", "budget": ["latency_ms": .number(2 * lat.max()!)],
                                                 "generations": 3, "population": 16, "seed": 1])
            let best = try XCTUnwrap(r?["result"]?["best"], "\(String(describing: r))")
            XCTAssertLessThanOrEqual(best["latency_ms"]?.doubleValue ?? .infinity, 2 * lat.max()!)
            XCTAssertEqual(r?["result"]?["partial"], false)
        }
    }

    func testSearchConfidenceDerivesTheMarginFromTheHeldOutErrorProfile() throws {
        let peer = try makePeer()
        // gold_6226 LUT: 500 training cells, 15,125 held out → the profile saved in notes.
        let train = peer.call(1, "train", ["space": "nb201", "device": "gold_6226", "model": "lut", "id": "g", "trainSize": 500])
        let profile = try XCTUnwrap(train?["result"]?["notes"]?["errorProfile"]?.stringValue, "\(String(describing: train))")
        XCTAssertTrue(profile.hasPrefix("v2;"))
        let budget = 12.0
        let plain = peer.call(2, "search", ["space": "nb201", "predictor": "g", "budget": ["latency_ms": .number(budget)],
                                            "generations": 40, "seed": 3])
        XCTAssertEqual(plain?["result"]?["safetyMargin"]?.doubleValue, 0)
        let safe = peer.call(3, "search", ["space": "nb201", "predictor": "g", "budget": ["latency_ms": .number(budget)],
                                           "generations": 40, "seed": 3, "confidence": 0.95])
        let result = try XCTUnwrap(safe?["result"], "\(String(describing: safe))")
        let margin = try XCTUnwrap(result["safetyMargin"]?.doubleValue)
        XCTAssertGreaterThan(margin, 0.01, "a LUT's held-out error on a CPU is several percent")
        XCTAssertLessThanOrEqual(margin, 0.5)
        XCTAssertLessThanOrEqual(try XCTUnwrap(result["best"]?["latency_ms"]?.doubleValue), budget * (1 - margin) + 1e-9)
        // A higher confidence never asks for a smaller margin.
        let safer = peer.call(4, "search", ["space": "nb201", "predictor": "g", "budget": ["latency_ms": .number(budget)],
                                            "generations": 5, "confidence": 0.99])
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(safer?["result"]?["safetyMargin"]?.doubleValue), margin)
        // Errors: range, both margins, Pareto mode, a predictor without a profile.
        XCTAssertEqual(errorCode(peer.call(5, "search", ["space": "nb201", "predictor": "g", "budget": ["latency_ms": 12], "confidence": 1.5])), -32602)
        XCTAssertEqual(errorCode(peer.call(6, "search", ["space": "nb201", "predictor": "g", "budget": ["latency_ms": 12],
                                                         "confidence": 0.9, "safetyMargin": 0.1])), -32602)
        XCTAssertEqual(errorCode(peer.call(7, "search", ["space": "nb201", "predictor": "g", "pareto": true, "confidence": 0.9])), -32602)
        let ids = Array(stride(from: 0, to: 15_625, by: 997))
        let y = try measured(space: "nb201", device: "gold_6226", ids: ids)
        let samples: [JSONValue] = zip(ids, y).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) }
        // A fine-tuned predictor (the new-device case) has a cross-validated profile: issue 17
        // found it answering "has no held-out error profile".
        let tuned = peer.call(8, "finetune", ["base": "g", "samples": .array(samples), "id": "g-tuned"])
        XCTAssertTrue(try XCTUnwrap(tuned?["result"]?["notes"]?["errorProfile"]?.stringValue).hasPrefix("v2;"))
        let tunedSearch = peer.call(9, "search", ["space": "nb201", "predictor": "g-tuned", "budget": ["latency_ms": 12],
                                                  "generations": 5, "confidence": 0.9])
        let tunedMargin = try XCTUnwrap(tunedSearch?["result"]?["safetyMargin"]?.doubleValue, "\(String(describing: tunedSearch))")
        XCTAssertGreaterThan(tunedMargin, 0)
        // Too few samples to cross-validate: no profile, a clear error.
        XCTAssertNotNil(peer.call(10, "finetune", ["base": "g", "samples": .array(Array(samples.prefix(4))), "id": "g-four"])?["result"])
        let noProfile = peer.call(11, "search", ["space": "nb201", "predictor": "g-four", "budget": ["latency_ms": 12], "confidence": 0.9])
        XCTAssertEqual(errorCode(noProfile), -32602)
        XCTAssertEqual(noProfile?["error"]?["data"]?["field"], "params.confidence")
    }

    func testGenerateWithConfidenceAsksForTheBudgetLessTheMargin() throws {
        let peer = try makePeer()
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "gold_6226", "model": "lut", "id": "g", "trainSize": 500])?["result"])
        XCTAssertNotNil(peer.call(2, "trainGenerator", ["space": "nb201", "predictor": "g", "budgetRange": ["min": 8, "max": 30],
                                                        "iterations": 5, "id": "gen-g", "save": false])?["result"])
        // Issue 17: without a margin `generate` answered 4 of 5 pixel3 budgets over budget on the device.
        let r = peer.call(3, "generate", ["generator": "gen-g", "budgets": [12, 20], "samples": 8, "confidence": 0.95])
        let results = try XCTUnwrap(r?["result"]?["results"]?.arrayValue, "\(String(describing: r))")
        XCTAssertEqual(results.count, 2)
        for (answer, budget) in zip(results, [12.0, 20.0]) {
            XCTAssertEqual(answer["budget_ms"]?.doubleValue, budget)
            let margin = try XCTUnwrap(answer["safetyMargin"]?.doubleValue)
            XCTAssertGreaterThan(margin, 0.01, "a LUT's held-out error on a CPU is several percent")
            if answer["feasible"] == true {
                XCTAssertLessThanOrEqual(try XCTUnwrap(answer["latency_ms"]?.doubleValue), budget * (1 - margin) + 1e-9)
            }
        }
        XCTAssertEqual(errorCode(peer.call(4, "generate", ["generator": "gen-g", "budgets": [12], "confidence": 0.3])), -32602)
    }

    func testFinetuneReportsCrossValidatedMetricsOutliersAndIntervals() throws {
        let peer = try makePeer()
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "gold_6226", "model": "lut", "id": "g", "trainSize": 500])?["result"])
        let ids = Array(stride(from: 3, to: 15_625, by: 780))  // 21 silver_4114 measurements, one corrupted
        var y = try measured(space: "nb201", device: "silver_4114", ids: ids)
        y[4] *= 0.001
        let samples: [JSONValue] = zip(ids, y).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) }
        let r = peer.call(2, "finetune", ["base": "g", "samples": .array(samples), "id": "s-ft", "save": false])
        let result = try XCTUnwrap(r?["result"], "\(String(describing: r))")
        // In-sample numbers are no longer reported as held out (issue 17: SRCC 0.973 reported, 0.69 true).
        XCTAssertNil(result["metrics"]?["heldOut"])
        XCTAssertEqual(result["metrics"]?["crossValidated"]?["count"]?.intValue, 20)
        XCTAssertEqual(result["metrics"]?["trainCount"]?.intValue, 20)
        // The near-zero sample is named, with what was measured and what the model predicts.
        let outliers = try XCTUnwrap(result["outliers"]?.arrayValue)
        XCTAssertEqual(outliers.count, 1, "\(outliers)")
        XCTAssertEqual(outliers.first?["index"]?.intValue, 4)
        XCTAssertEqual(try XCTUnwrap(outliers.first?["measured"]?.doubleValue), y[4], accuracy: 1e-12)
        XCTAssertGreaterThan(try XCTUnwrap(outliers.first?["predicted"]?.doubleValue), 100 * y[4])
        XCTAssertNotNil(result["warnings"]?.arrayValue)
        // Intervals from its cross-validated profile.
        let p = peer.call(3, "predict", ["predictor": "s-ft", "archs": [5, 700, 9000], "interval": 0.9])
        let lat = try XCTUnwrap(p?["result"]?["latency_ms"]?.arrayValue).compactMap(\.doubleValue)
        let lower = try XCTUnwrap(p?["result"]?["lower"]?.arrayValue).compactMap(\.doubleValue)
        let upper = try XCTUnwrap(p?["result"]?["upper"]?.arrayValue).compactMap(\.doubleValue)
        XCTAssertEqual(p?["result"]?["interval"]?.doubleValue, 0.9)
        XCTAssertEqual(lower.count, 3)
        for i in 0..<3 {
            XCTAssertLessThan(lower[i], lat[i])
            XCTAssertGreaterThan(upper[i], lat[i])
        }
        let wider = peer.call(4, "predict", ["predictor": "s-ft", "archs": [5], "interval": 0.99])
        XCTAssertGreaterThan(try XCTUnwrap(wider?["result"]?["upper"]?.arrayValue?.first?.doubleValue), upper[0])
        XCTAssertEqual(errorCode(peer.call(5, "predict", ["predictor": "s-ft", "archs": [5], "interval": 1.2])), -32602)
        // MAPE is in percent on the wire (issue 17: `mape: 3.88` meant 388%): every sample at twice the prediction.
        let doubled: [JSONValue] = zip([5, 700, 9000], lat).map { .object(["arch": .number(Double($0)), "latency_ms": .number(2 * $1)]) }
        let e = peer.call(6, "evaluate", ["predictor": "s-ft", "samples": .array(doubled)])
        XCTAssertEqual(try XCTUnwrap(e?["result"]?["metrics"]?["mape"]?.doubleValue), 50, accuracy: 1e-6)
    }

    func testReuseJudgesAProxyFrontWithTheTargetsMeasurements() throws {
        let peer = try makePeer()
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "titan_rtx_1", "model": "lut", "id": "titan", "trainSize": 500])?["result"])
        XCTAssertNotNil(peer.call(2, "train", ["space": "nb201", "device": "eyeriss", "model": "lut", "id": "own", "trainSize": 500])?["result"])
        let weak = try XCTUnwrap(peer.call(3, "reuse", ["space": "nb201", "proxy": "titan", "target": "eyeriss"])?["result"])
        let own = try XCTUnwrap(peer.call(4, "reuse", ["space": "nb201", "proxy": "own", "target": "eyeriss"])?["result"])
        XCTAssertEqual(weak["archs"]?.intValue, 15_625)
        XCTAssertEqual(own["trueFront"], weak["trueFront"])
        let weakSRCC = try XCTUnwrap(weak["srcc"]?.doubleValue), ownSRCC = try XCTUnwrap(own["srcc"]?.doubleValue)
        XCTAssertLessThan(weakSRCC, 0.6, "titan_rtx_1 ranks eyeriss poorly")
        XCTAssertGreaterThan(ownSRCC, 0.95)
        let weakHV = try XCTUnwrap(weak["hypervolumeRatio"]?.doubleValue), ownHV = try XCTUnwrap(own["hypervolumeRatio"]?.doubleValue)
        XCTAssertLessThanOrEqual(weakHV, ownHV + 1e-9)
        XCTAssertGreaterThan(ownHV, 0.99)
        XCTAssertGreaterThan(try XCTUnwrap(own["recovered"]?.doubleValue), try XCTUnwrap(weak["recovered"]?.doubleValue))
        // The front lists measured and predicted latency; onTrueFront agrees with `recovered`.
        let front = try XCTUnwrap(own["front"]?.arrayValue)
        let hits = front.filter { $0["onTrueFront"] == true }.count
        let trueFront = try XCTUnwrap(own["trueFront"]?.intValue)
        XCTAssertEqual(Double(hits) / Double(trueFront), try XCTUnwrap(own["recovered"]?.doubleValue), accuracy: 1e-12)
        XCTAssertTrue(front.allSatisfy { ($0["latency_ms"]?.doubleValue ?? 0) > 0 && $0["predicted_ms"]?.doubleValue != nil })
        // A partly measured target (nb201_oneproxy: 1,999 archs) compares those archs only.
        let partial = peer.call(5, "reuse", ["space": "nb201", "proxy": "titan", "target": "rice_eyeriss"])
        XCTAssertEqual(partial?["result"]?["archs"]?.intValue, 1_999)
        XCTAssertEqual(errorCode(peer.call(6, "reuse", ["space": "nb201", "proxy": "titan", "target": "abacus"])), -32010)
        XCTAssertEqual(errorCode(peer.call(7, "reuse", ["space": "nb201", "proxy": "nope", "target": "eyeriss"])), -32011)
        XCTAssertEqual(errorCode(peer.call(8, "reuse", ["space": "fbnet", "proxy": "titan", "target": "raspi4"])), -32602)
    }

    func testMonotonicityMatrixAndBestProxy() throws {
        let peer = try makePeer()
        let r = peer.call(1, "monotonicity", ["space": "nb201", "devices": ["pixel3", "raspi4", "eyeriss", "rice_edgetpu"],
                                              "target": "raspi4"])
        let result = try XCTUnwrap(r?["result"], "\(String(describing: r))")
        let m = try XCTUnwrap(result["matrix"]?.arrayValue?.map { $0.arrayValue!.map { $0.doubleValue! } })
        XCTAssertEqual(m.count, 4)
        for i in 0..<4 {
            XCTAssertEqual(m[i][i], 1, accuracy: 1e-12)
            for j in 0..<4 { XCTAssertEqual(m[i][j], m[j][i], accuracy: 1e-12) }
        }
        // rice_edgetpu misses 259 of its 1,999 archs: those are skipped, not used.
        let counts = try XCTUnwrap(result["count"]?.arrayValue?.map { $0.arrayValue!.map { $0.intValue! } })
        XCTAssertEqual(counts[0][3], 1_999 - 259)
        XCTAssertEqual(counts[0][1], 15_625)
        XCTAssertEqual(result["bestProxy"]?["target"], "raspi4")
        XCTAssertEqual(errorCode(peer.call(2, "monotonicity", ["space": "nb201", "devices": ["pixel3", "abacus"]])), -32010)
        XCTAssertEqual(errorCode(peer.call(3, "monotonicity", ["space": "nb201", "metric": "pearson"])), -32602)
        // A device listed twice is named at its second place.
        let twice = peer.call(4, "monotonicity", ["space": "nb201", "devices": ["raspi4", "pixel3", "pixel3"]])?["error"]
        XCTAssertEqual(twice?["code"], -32602)
        XCTAssertEqual(twice?["data"]?["field"], "params.devices[2]")
    }

    func testAPredictorTrainedUnderADefaultsIdIsThatDefaultAtOnce() throws {
        // It answered for the device's name only after a restart: the daemon kept the default it held.
        let peer = try makePeer()
        let arch: JSONValue = ["7-8-1-8-4-8-8-8-7-4-1-4-7-3-2-7-3-2-4-2-4-5"]
        let held = try XCTUnwrap(peer.call(1, "predict", ["space": "fbnet", "device": "raspi4", "archs": arch])?["result"]?["latency_ms"])
        XCTAssertNotNil(peer.call(2, "train", ["space": "fbnet", "device": "raspi4", "model": "flops", "id": "default-fbnet-raspi4",
                                               "trainSize": 300])?["result"])
        let byName = try XCTUnwrap(peer.call(3, "predict", ["space": "fbnet", "device": "raspi4", "archs": arch])?["result"]?["latency_ms"])
        let byID = try XCTUnwrap(peer.call(4, "predict", ["predictor": "default-fbnet-raspi4", "archs": arch])?["result"]?["latency_ms"])
        XCTAssertEqual(byName, byID)
        XCTAssertNotEqual(byName, held, "the flops model is not the exact table")
    }

    func testSearchRepeatsFromMemoryUntilAPredictorChanges() throws {
        let peer = try makePeer()
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "id": "p", "trainSize": 300])?["result"])
        let params: JSONValue = ["space": "nb201", "predictor": "p", "budget": ["latency_ms": 5], "generations": 30, "seed": 3]
        let first = try XCTUnwrap(peer.call(2, "search", params)?["result"])
        XCTAssertEqual(peer.call(3, "search", params)?["result"], first, "a repeat is the first answer, elapsedMs included")
        // Another seed is another search.
        let other: JSONValue = ["space": "nb201", "predictor": "p", "budget": ["latency_ms": 5], "generations": 30, "seed": 4]
        XCTAssertNotEqual(peer.call(4, "search", other)?["result"]?["elapsedMs"], first["elapsedMs"])
        // `p` retrained under its id: searched again, on the new predictor.
        XCTAssertNotNil(peer.call(5, "train", ["space": "nb201", "device": "raspi4", "model": "lut", "id": "p", "trainSize": 300])?["result"])
        let again = try XCTUnwrap(peer.call(6, "search", params)?["result"])
        XCTAssertNotEqual(again["best"]?["latency_ms"], first["best"]?["latency_ms"])
    }

    func testMonotonicityRepeatsMeasuredMatricesButNeverAPredictorsStaleOne() throws {
        let peer = try makePeer()
        let params: JSONValue = ["space": "nb201", "devices": ["pixel3", "raspi4", "eyeriss"], "metric": "kendall"]
        let first = peer.call(1, "monotonicity", params)?["result"]
        XCTAssertNotNil(first?["matrix"])
        XCTAssertEqual(peer.call(2, "monotonicity", params)?["result"], first, "a repeat (kept in memory) answers the same")
        // A predictor among the devices is asked every time: retrained under its id, the answer follows it.
        XCTAssertNotNil(peer.call(3, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "id": "p", "trainSize": 300])?["result"])
        let withP: JSONValue = ["space": "nb201", "devices": ["pixel3", "p"]]
        let before = try XCTUnwrap(peer.call(4, "monotonicity", withP)?["result"]?["matrix"]?.arrayValue?[0].arrayValue?[1].doubleValue)
        XCTAssertNotNil(peer.call(5, "train", ["space": "nb201", "device": "gold_6226", "model": "flops", "id": "p", "trainSize": 300])?["result"])
        let after = try XCTUnwrap(peer.call(6, "monotonicity", withP)?["result"]?["matrix"]?.arrayValue?[0].arrayValue?[1].doubleValue)
        XCTAssertNotEqual(before, after)
    }

    func testAdaptProxySavesUnderTheTargetName() throws {
        let state = temporaryState("hwnas-adapt")
        let peer = try makePeer(state: state)
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "titan_rtx_1", "model": "lut", "id": "proxy", "trainSize": 800])?["result"])
        let ids = Array(stride(from: 0, to: 15_625, by: 301))  // 52 archs spread over the index
        let y = try measured(space: "nb201", device: "eyeriss", ids: ids)
        let samples: [JSONValue] = zip(ids, y).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) }
        let evalIDs = Array(stride(from: 7, to: 15_625, by: 97))
        let evalY = try measured(space: "nb201", device: "eyeriss", ids: evalIDs)
        let evalSamples: [JSONValue] = zip(evalIDs, evalY).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) }
        // The pool's fixture models are fitted on first use (debug build, 2 shared cores): more than the default 20 s.
        let r = peer.call(2, "adaptProxy", ["proxy": "proxy", "target": ["name": "eyeriss-mine", "samples": .array(samples)],
                                            "evalSamples": .array(evalSamples)], timeout: 120)
        let result = try XCTUnwrap(r?["result"], "\(String(describing: r))")
        XCTAssertEqual(result["predictor"], "eyeriss-mine")
        XCTAssertEqual(result["evaluation"], "evalSamples")
        let before = try XCTUnwrap(result["srccBefore"]?.doubleValue)
        let after = try XCTUnwrap(result["srccAfter"]?.doubleValue)
        XCTAssertGreaterThan(after, before, "titan_rtx_1 ranks eyeriss poorly; 52 eyeriss samples must fix that")
        let predicted = peer.call(3, "predict", ["predictor": "eyeriss-mine", "archs": [5, 17]])
        XCTAssertNotNil(predicted?["result"]?["latency_ms"])
        // The adapted predictor (a new device) has a cross-validated profile: search {confidence}
        // and predict {interval} work for it (issue 17: "has no held-out error profile").
        XCTAssertEqual(result["crossValidated"]?["count"]?.intValue, 52 - (result["outliers"]?.arrayValue?.count ?? 0))
        let safe = peer.call(4, "search", ["space": "nb201", "predictor": "eyeriss-mine", "budget": ["latency_ms": 5],
                                           "generations": 5, "confidence": 0.95])
        XCTAssertNotNil(safe?["result"]?["safetyMargin"]?.doubleValue, "\(String(describing: safe))")
        let interval = peer.call(5, "predict", ["predictor": "eyeriss-mine", "archs": [5], "interval": 0.8])
        XCTAssertEqual(interval?["result"]?["lower"]?.arrayValue?.count, 1, "\(String(describing: interval))")

        let restarted = try makePeer(state: state)
        let again = restarted.call(1, "predict", ["predictor": "eyeriss-mine", "archs": [5, 17]])
        XCTAssertEqual(again?["result"]?["latency_ms"], predicted?["result"]?["latency_ms"])
    }

    func testAdaptProxyPoolBlendsFixtureDevicesAndReloads() throws {
        let state = temporaryState("hwnas-adapt-pool")
        let peer = try makePeer(state: state)
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "titan_rtx_1", "model": "lut", "id": "proxy", "trainSize": 800])?["result"])
        let ids = Array(stride(from: 3, to: 15_625, by: 701))  // 23 archs
        let y = try measured(space: "nb201", device: "eyeriss", ids: ids)
        let samples: [JSONValue] = zip(ids, y).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) }
        let evalIDs = Array(stride(from: 11, to: 15_625, by: 89))
        let evalY = try measured(space: "nb201", device: "eyeriss", ids: evalIDs)
        let evalSamples: [JSONValue] = zip(evalIDs, evalY).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) }
        // The target is named after a fixture device: the pool leaves that name out, and the proxy's
        // own device (titan_rtx_1).
        let r = peer.call(2, "adaptProxy", ["proxy": "proxy", "method": "pool",
                                            "target": ["name": "eyeriss", "samples": .array(samples)],
                                            "evalSamples": .array(evalSamples)], timeout: 120)
        let result = try XCTUnwrap(r?["result"], "\(String(describing: r))")
        XCTAssertEqual(result["method"], "pool")
        let variant = try XCTUnwrap(result["variant"]?.stringValue)
        XCTAssertTrue(variant.hasPrefix("pool"), variant)
        let members = variant.split(separator: ":").last!.split(separator: "+").map { $0.split(separator: "×")[0].trimmingCharacters(in: .whitespaces) }
        XCTAssertFalse(members.contains("eyeriss"), "the target is not in its own pool: \(variant)")
        XCTAssertFalse(members.contains("titan_rtx_1"), variant)
        XCTAssertGreaterThan(try XCTUnwrap(result["srccAfter"]?.doubleValue), try XCTUnwrap(result["srccBefore"]?.doubleValue))
        let predicted = peer.call(4, "predict", ["predictor": "eyeriss", "archs": [5, 17, 15_000]])
        let values = try XCTUnwrap(predicted?["result"]?["latency_ms"]?.arrayValue)
        XCTAssertTrue(values.allSatisfy { ($0.doubleValue ?? 0) > 0 })
        // The saved file holds every member: a restarted daemon predicts the same.
        let restarted = try makePeer(state: state)
        XCTAssertEqual(restarted.call(1, "predict", ["predictor": "eyeriss", "archs": [5, 17, 15_000]])?["result"]?["latency_ms"],
                       predicted?["result"]?["latency_ms"])
        // pool: false leaves method pool nothing to blend.
        XCTAssertEqual(errorCode(restarted.call(2, "adaptProxy", ["proxy": "proxy", "method": "pool", "pool": false,
                                                                  "target": ["name": "e2", "samples": .array(samples)]])), -32602)
    }

    /// Issue 19: an explicit pool list blends only the members named; the result names them and the
    /// blend's weights; bad members are -32602 naming `pool[i]`.
    func testAdaptProxyPoolListRestrictsTheMembersAndRejectsBadOnes() throws {
        let peer = try makePeer(state: temporaryState("hwnas-adapt-poollist"))
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "titan_rtx_1", "model": "lut", "id": "proxy", "trainSize": 800])?["result"])
        let ids = Array(stride(from: 3, to: 15_625, by: 701))  // 23 archs
        let y = try measured(space: "nb201", device: "eyeriss", ids: ids)
        let samples: [JSONValue] = zip(ids, y).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) }
        let r = peer.call(2, "adaptProxy", ["proxy": "proxy", "method": "pool", "pool": ["pixel3", "raspi4"],
                                            "target": ["name": "eyeriss", "samples": .array(samples)], "save": false],
                       timeout: 120)
        let result = try XCTUnwrap(r?["result"], "\(String(describing: r))")
        XCTAssertEqual(result["pool"], ["pixel3", "raspi4"])
        let weights = try XCTUnwrap(result["weights"]?.arrayValue)
        XCTAssertFalse(weights.isEmpty, "method pool blends")
        for w in weights {
            let member = try XCTUnwrap(w["member"]?.stringValue)
            XCTAssertTrue(["proxy", "pixel3", "raspi4"].contains(member), member)
            XCTAssertNotNil(w["weight"]?.doubleValue)
        }
        func poolError(_ pool: JSONValue, _ id: Int) -> JSONValue? {
            peer.call(id, "adaptProxy", ["proxy": "proxy", "method": "pool", "pool": pool,
                                         "target": ["name": "eyeriss", "samples": .array(samples)], "save": false])?["error"]
        }
        let unknown = poolError(["pixel3", "abacus"], 3)
        XCTAssertEqual(unknown?["code"], -32602)
        XCTAssertEqual(unknown?["data"]?["field"], "params.pool[1]")
        XCTAssertTrue(unknown?["message"]?.stringValue?.contains("raspi4") ?? false, "lists the allowed devices")
        XCTAssertEqual(poolError(["eyeriss"], 4)?["data"]?["field"], "params.pool[0]", "the held-out target is refused")
        let twice = poolError(["pixel3", "pixel3"], 5)
        XCTAssertEqual(twice?["code"], -32602)
        XCTAssertEqual(twice?["data"]?["field"], "params.pool[1]")
        let own = poolError(["titan_rtx_1"], 6)
        XCTAssertEqual(own?["code"], -32602, "the proxy's own device")
        // adaptProxy has a proxy, not a base: the message says which argument the member repeats.
        XCTAssertTrue(own?["message"]?.stringValue?.contains("is the proxy, which is always used") ?? false, "\(String(describing: own))")
    }

    /// Trains `lut-<device>` (600 NB201 cells) for each device, with request ids 1, 2, ...
    /// A user who adapted `my-phone` and then names it as a device is told to give it as the
    /// predictor (it used to get only the list of measured devices).
    func testAnAdaptedPredictorNamedAsADeviceIsPointedTo() throws {
        let peer = try makePeer()
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "id": "my-phone", "trainSize": 300])?["result"])
        for (i, method) in ["predict", "search"].enumerated() {
            var params: [String: JSONValue] = ["space": "nb201", "device": "my-phone"]
            if method == "predict" { params["archs"] = [42] } else { params["budget"] = ["latency_ms": 5] }
            let e = try XCTUnwrap(peer.call(2 + i, method, .object(params))?["error"])
            XCTAssertEqual(e["code"], -32010)
            XCTAssertEqual(e["data"]?["field"], "params.device")
            XCTAssertTrue(e["message"]?.stringValue?.contains("give predictor 'my-phone'") == true, "\(e)")
        }
        // Of another space, the id is no help: the measured devices are listed as before.
        let other = try XCTUnwrap(peer.call(4, "predict", ["space": "fbnet", "device": "my-phone", "archs": [0]])?["error"])
        XCTAssertTrue(other["message"]?.stringValue?.contains("no measurements of device 'my-phone' for space fbnet") == true, "\(other)")
    }

    func trainLUTs(_ peer: InProcessPeer, _ devices: [String]) {
        for (i, d) in devices.enumerated() {
            XCTAssertNotNil(peer.call(i + 1, "train", ["space": "nb201", "device": .string(d), "model": "lut", "id": .string("lut-\(d)"),
                                                       "trainSize": 600])?["result"])
        }
    }

    /// Measured latencies of NB201 archs by official index, read from the fixtures.
    func measured(space: String, device: String, ids: [Int]) throws -> [Double] {
        let csv = try FixtureCSV("\(space)/latency.csv")
        let col = try XCTUnwrap(csv.header.firstIndex(of: device))
        return ids.map { Double(csv.rows[$0][col])! }
    }
}
