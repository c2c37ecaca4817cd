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
    func peer() throws -> InProcessPeer {
        let state = NSTemporaryDirectory() + "hwnas-trust-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: state) }
        let services = try DomainServices(environment: ServerEnvironment(stateDirectory: state, logger: Logger(level: .error)))
        let p = InProcessPeer { server in registerDomainHandlers(server: server, services: services) }
        p.initialize()
        return p
    }

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
}
