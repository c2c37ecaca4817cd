import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import NASPredictors
import XCTest

/// `search {spec, confidence}` on the hardware-generalized model takes its margin from the
/// profile `predict {spec, interval}` uses for that spec, not the model's pooled in-sample one.
final class SpecConfidenceTests: XCTestCase {
    func testSearchConfidenceForAnUnseenGPUUsesTheUnseenGPUProfile() throws {
        let state = NSTemporaryDirectory() + "hwnas-specconf-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: state) }
        let services = try DomainServices(environment: ServerEnvironment(stateDirectory: state, logger: Logger(level: .error)))
        let peer = InProcessPeer { server in registerDomainHandlers(server: server, services: services) }
        peer.initialize()
        let budget = 20.0
        let r = peer.call(1, "search", ["space": "nb201", "spec": "GeForce RTX 3090", "budget": ["latency_ms": 20],
                                        "confidence": 0.95, "generations": 2, "population": 8, "seed": 1], timeout: 300)
        let margin = try XCTUnwrap(r?["result"]?["safetyMargin"]?.doubleValue, "\(String(describing: r))")
        let unseen = try XCTUnwrap(HardwareGeneralizedTrainer.shippedUnseenGPUProfile(space: "nb201"))
        XCTAssertEqual(margin, unseen.margin(budget: budget, confidence: 0.95), accuracy: 1e-12)
        let pooled = try XCTUnwrap(services.predictors.predictor("default-nb201-mlp-hw").errorProfile)
        XCTAssertNotEqual(margin, pooled.margin(budget: budget, confidence: 0.95), "the pooled in-sample profile is what it used before")
    }
}
