import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import XCTest

/// Issue 17 through the real router: degenerate cells marked and left out, objectives named,
/// the FBNet default objective.
final class TrustHandlerTests: XCTestCase {
    static let allNone = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    static let mid = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"

    /// Every domain handler over a fresh state directory (removed when the test ends).
    func peer() throws -> InProcessPeer { try domainPeer("hwnas-trust") }

    /// A call that may train a predictor first (debug builds on a loaded machine: minutes).
    func slowCall(_ p: InProcessPeer, _ id: Int, _ method: String, _ params: JSONValue) -> JSONValue? {
        p.sendRequest(id, method, params)
        return p.response(id, timeout: 900)
    }

    func testEncodeAndPredictMarkDegenerateCells() throws {
        let p = try peer()
        let e = p.call(1, "encode", ["space": "nb201", "archs": [.string(Self.mid), .string(Self.allNone), 0]])
        XCTAssertEqual(e?["result"]?["degenerate"], [1], "\(String(describing: e))")
        XCTAssertNil(p.call(2, "encode", ["space": "nb201", "archs": [.string(Self.mid)]])?["result"]?["degenerate"])
        XCTAssertNotNil(slowCall(p, 3, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "l"])?["result"])
        let r = p.call(4, "predict", ["predictor": "l", "archs": [.string(Self.allNone), .string(Self.mid)]])
        XCTAssertEqual(r?["result"]?["degenerate"], [0], "\(String(describing: r))")
    }

    func testPixel3DefaultSearchLeavesDegenerateCellsOut() throws {
        let p = try peer()
        let r = slowCall(p, 1, "search", ["space": "nb201", "device": "pixel3", "pareto": true, "generations": 25])
        let result = try XCTUnwrap(r?["result"], "\(String(describing: r))")
        XCTAssertEqual(result["objective"], "cifar10")
        let fastest = try XCTUnwrap(result["fastest"]?["latency_ms"]?.doubleValue)
        XCTAssertGreaterThan(fastest, 0.01, "the old default reported a degenerate cell at 1e-06 ms")
        let front = try XCTUnwrap(result["front"]?.arrayValue).compactMap { $0["arch"] }
        let marks = p.call(2, "encode", ["space": "nb201", "archs": .array(front + [result["fastest"]!["arch"]!])])
        XCTAssertNotNil(marks?["result"])
        XCTAssertNil(marks?["result"]?["degenerate"], "no degenerate cell on the front nor as fastest")
        let tiny = slowCall(p, 3, "search", ["space": "nb201", "device": "pixel3", "budget": ["latency_ms": 0.0001], "generations": 10])
        XCTAssertEqual(errorCode(tiny), -32022, "\(String(describing: tiny))")
        let asked = slowCall(p, 4, "search", ["space": "nb201", "device": "pixel3", "pareto": true, "generations": 25, "includeDegenerate": true])
        XCTAssertNotNil(asked?["result"]?["front"], "\(String(describing: asked))")
    }

    func testFBNetDefaultObjectiveMaximizesMACsWithinTheBudget() throws {
        let p = try peer()
        XCTAssertNotNil(slowCall(p, 1, "train", ["space": "fbnet", "device": "pixel3", "model": "lut", "id": "fb"])?["result"])
        let r = p.call(2, "search", ["space": "fbnet", "predictor": "fb", "budget": ["latency_ms": 20], "generations": 20])
        let best = try XCTUnwrap(r?["result"]?["best"], "\(String(describing: r))")
        XCTAssertEqual(r?["result"]?["objective"], "max-macs")
        XCTAssertTrue(r?["result"]?["accuracyLabel"]?.stringValue?.hasPrefix("+MACs") ?? false)
        let old = p.call(3, "search", ["space": "fbnet", "predictor": "fb", "budget": ["latency_ms": 20], "generations": 20,
                                      "objective": ["accuracy": "macs"]])
        XCTAssertEqual(old?["result"]?["objective"], "macs")
        let oldMACs = -(try XCTUnwrap(old?["result"]?["best"]?["accuracy"]?.doubleValue))
        let newMACs = try XCTUnwrap(best["accuracy"]?.doubleValue)
        XCTAssertGreaterThan(newMACs, 5 * oldMACs, "the old default picked a nearly all-skip network")
        XCTAssertGreaterThan(try XCTUnwrap(best["latency_ms"]?.doubleValue), 10, "the budget is used")
        let front = p.call(4, "search", ["space": "fbnet", "predictor": "fb", "pareto": true, "generations": 20])
        XCTAssertGreaterThan(front?["result"]?["front"]?.arrayValue?.count ?? 0, 3, "the old front had 3 tiny nets")
    }
    /// `train` and `evaluate` leave degenerate cells out by default: on pixel3 their near-0 ms
    /// made a LUT's held-out MAPE 628 % and the default predictor's own-fixture MAPE 460 %.
    func testTrainAndEvaluateLeaveDegenerateCellsOutUnlessAsked() throws {
        let p = try peer()
        let base: [String: JSONValue] = ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "save": false]
        let kept = try XCTUnwrap(slowCall(p, 1, "train", .object(base.merging(["id": "without"]) { $1 }))?["result"])
        XCTAssertEqual(kept["notes"]?["source"], "fixtures nb201/pixel3 without 341 degenerate")
        XCTAssertEqual(kept["warnings"], [], "fixture data left out is the documented default, not a warning")
        let keptMAPE = try XCTUnwrap(kept["metrics"]?["heldOut"]?["mape"]?.doubleValue)
        XCTAssertLessThan(keptMAPE, 40, "\(kept)")
        let all = try XCTUnwrap(slowCall(p, 2, "train", .object(base.merging(["id": "with", "includeDegenerate": true]) { $1 }))?["result"])
        XCTAssertEqual(all["notes"]?["source"], "fixtures nb201/pixel3")
        XCTAssertGreaterThan(try XCTUnwrap(all["metrics"]?["heldOut"]?["mape"]?.doubleValue), 100, "\(all)")

        let e = try XCTUnwrap(p.call(3, "evaluate", ["predictor": "without"])?["result"])
        XCTAssertEqual(e["degenerateLeftOut"], 341)
        XCTAssertEqual(e["metrics"]?["count"]?.intValue, 15_625 - 341)
        XCTAssertLessThan(try XCTUnwrap(e["metrics"]?["mape"]?.doubleValue), 40, "\(e)")
        let eAll = try XCTUnwrap(p.call(4, "evaluate", ["predictor": "without", "includeDegenerate": true])?["result"])
        XCTAssertEqual(eAll["degenerateLeftOut"], 0)
        XCTAssertGreaterThan(try XCTUnwrap(eAll["metrics"]?["mape"]?.doubleValue), 100, "\(eAll)")
        let none = p.call(5, "evaluate", ["predictor": "without", "samples": [["arch": .string(Self.allNone), "latency_ms": 1]]])
        XCTAssertEqual(errorCode(none), -32602, "only degenerate samples: nothing to judge on")
    }

    /// Inline samples: degenerate ones are left out with a warning, and an outlier's `index` still
    /// points into the request's samples.
    func testTrainOnSamplesNamesDegenerateSamplesAndKeepsOutlierIndices() throws {
        let p = try peer()
        let table = try FixtureCSV("nb201/latency.csv")
        let ids = table.column("arch_id").compactMap { Int($0) }, ms = table.column("pixel3").compactMap { Double($0) }
        var samples: [JSONValue] = [["arch": .string(Self.allNone), "latency_ms": 0.05]]
        for i in stride(from: 7, to: 15_625, by: 397).prefix(40) {
            samples.append(["arch": .number(Double(ids[i])), "latency_ms": .number(i == 7 + 397 * 20 ? ms[i] * 30 : ms[i])])
        }
        let r = try XCTUnwrap(slowCall(p, 1, "train", ["space": "nb201", "device": "my-phone", "model": "lut",
                                                       "samples": .array(samples), "trainSize": 40, "save": false])?["result"])
        let marks = p.call(2, "encode", ["space": "nb201", "archs": .array(samples.compactMap { $0["arch"] })])
        let degenerate = try XCTUnwrap(marks?["result"]?["degenerate"]?.arrayValue).compactMap(\.intValue)
        XCTAssertEqual(degenerate.first, 0)
        XCTAssertFalse(degenerate.contains(21))
        let warnings = try XCTUnwrap(r["warnings"]?.arrayValue).compactMap(\.stringValue)
        XCTAssertTrue(warnings.contains { $0.hasPrefix("left \(degenerate.count) of the 41 samples out") }, "\(warnings)")
        let outliers = try XCTUnwrap(r["outliers"]?.arrayValue)
        XCTAssertEqual(outliers.map { $0["index"] }, [21], "the corrupted sample, by its index in the request: \(outliers)")
        let all = try XCTUnwrap(slowCall(p, 3, "train", ["space": "nb201", "device": "my-phone", "model": "lut", "save": false,
                                                         "samples": .array(samples), "trainSize": 41, "includeDegenerate": true])?["result"])
        XCTAssertEqual(all["warnings"], [])
    }
    /// A latency no device measures (1e300 ms) is refused by name; `evaluate` answered `rmse: null`
    /// (overflow), which its result schema refuses, and `train` fitted it.
    func testAnAbsurdLatencyIsRefusedByName() throws {
        let p = try peer()
        var samples: [JSONValue] = (0..<12).map { ["arch": .number(Double($0 * 397 + 7)), "latency_ms": .number(5 + Double($0 % 7))] }
        samples[3] = ["arch": 1198, "latency_ms": 1e300]
        for (id, method) in [(1, "evaluate"), (2, "train")] {
            let r = slowCall(p, id, method, ["space": "nb201", "device": "pixel3", "samples": .array(samples)])
            XCTAssertEqual(errorCode(r), -32602, "\(method): \(String(describing: r))")
            XCTAssertEqual(r?["error"]?["data"]?["field"], "params.samples[3].latency_ms", "\(method)")
            XCTAssertTrue(r?["error"]?["message"]?.stringValue?.contains("at most 10000000 ms") ?? false, "\(String(describing: r))")
        }
        samples[3] = ["arch": 1198, "latency_ms": 9_000_000]  // below the bound: taken
        XCTAssertNotNil(slowCall(p, 3, "evaluate", ["space": "nb201", "device": "pixel3", "samples": .array(samples)])?["result"])
    }
}
