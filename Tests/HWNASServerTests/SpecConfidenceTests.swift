import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import NASData
import NASPredictors
import XCTest

/// `search {spec}` answers with the model `predict {spec}` answers with (the nearest measured GPU
/// by default, `specModel` as predict's), and `confidence` takes its margin from that model's
/// interval: for an unseen spec `NearestGPUInterval.margin` with a note naming the neighbour, for
/// a measured GPU's own spec its default's profile, for `specModel: mlp` the unseen-GPU profile.
final class SpecConfidenceTests: XCTestCase {
    /// Domain handlers over a fresh state directory, removed at teardown.
    private func daemon() throws -> (DomainServices, InProcessPeer) {
        let state = NSTemporaryDirectory() + "hwnas-specconf-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: state) }
        let services = try DomainServices(environment: ServerEnvironment(stateDirectory: state, logger: Logger(level: .error)))
        let peer = InProcessPeer { server in registerDomainHandlers(server: server, services: services) }
        peer.initialize()
        return (services, peer)
    }

    private func search(_ peer: InProcessPeer, _ id: Int, spec: JSONValue, extra: [String: JSONValue] = [:]) throws -> JSONValue {
        var params: [String: JSONValue] = ["space": "nb201", "spec": spec, "budget": ["latency_ms": 20], "confidence": 0.95,
                                           "generations": 2, "population": 8, "seed": 1]
        params.merge(extra) { $1 }
        let r = peer.call(id, "search", .object(params), timeout: 300)
        return try XCTUnwrap(r?["result"], "\(String(describing: r))")
    }

    func testSearchWithAnUnseenSpecUsesPredictsNearestGPUAndItsCalibratedMargin() throws {
        let (services, peer) = try daemon()
        let r = try search(peer, 1, spec: "GeForce RTX 3090")
        let predicted = try XCTUnwrap(peer.call(2, "predict", ["space": "nb201", "spec": "GeForce RTX 3090", "archs": [5]],
                                                timeout: 300)?["result"])
        let neighbour = try XCTUnwrap(predicted["predictor"]?.stringValue)
        XCTAssertNotEqual(neighbour, "default-nb201-mlp-hw")
        XCTAssertEqual(r["predictor"]?.stringValue, neighbour, "search answers with the model predict answers with")
        // Its best pick is priced as predict prices it.
        let best = try XCTUnwrap(r["best"]?["arch"]?.stringValue)
        let again = try XCTUnwrap(peer.call(3, "predict", ["space": "nb201", "spec": "GeForce RTX 3090", "archs": [.string(best)]],
                                            timeout: 300)?["result"]?["latency_ms"]?.arrayValue?.first?.doubleValue)
        XCTAssertEqual(try XCTUnwrap(r["best"]?["latency_ms"]?.doubleValue), again, accuracy: 1e-12)
        // The margin: the nearest-GPU band's at the confidence, not the MLP's unseen-GPU profile.
        let margin = try XCTUnwrap(r["safetyMargin"]?.doubleValue)
        let calibration = try XCTUnwrap(try NearestGPUInterval.calibrate(catalog: services.catalog, space: "nb201"))
        XCTAssertEqual(margin, 1 - exp(-calibration.halfWidth(level: 0.95)), accuracy: 1e-12)
        let unseen = try XCTUnwrap(HardwareGeneralizedTrainer.shippedUnseenGPUProfile(space: "nb201"))
        XCTAssertNotEqual(margin, unseen.margin(budget: 20, confidence: 0.95), "what it used before")
        let note = try XCTUnwrap(r["marginNote"]?.stringValue)
        XCTAssertTrue(note.contains("unseen GPU") && note.contains(String(neighbour.dropFirst("default-nb201-".count))), note)
    }

    func testSearchWithSpecModelMLPKeepsTheUnseenGPUProfile() throws {
        let (services, peer) = try daemon()
        let r = try search(peer, 1, spec: "GeForce RTX 3090", extra: ["specModel": "mlp"])
        XCTAssertEqual(r["predictor"]?.stringValue, "default-nb201-mlp-hw")
        let margin = try XCTUnwrap(r["safetyMargin"]?.doubleValue)
        let unseen = try XCTUnwrap(HardwareGeneralizedTrainer.shippedUnseenGPUProfile(space: "nb201"))
        XCTAssertEqual(margin, unseen.margin(budget: 20, confidence: 0.95), accuracy: 1e-12)
        let pooled = try XCTUnwrap(services.predictors.predictor("default-nb201-mlp-hw").errorProfile)
        XCTAssertNotEqual(margin, pooled.margin(budget: 20, confidence: 0.95), "the pooled in-sample profile")
        XCTAssertTrue(r["marginNote"]?.stringValue?.contains("specModel mlp") == true, "\(r)")
        let bad = peer.call(2, "search", ["space": "nb201", "spec": "GeForce RTX 3090", "specModel": "knn", "budget": ["latency_ms": 20],
                                          "generations": 1, "population": 4], timeout: 300)
        XCTAssertEqual(bad?["error"]?["code"]?.intValue, -32602)
        XCTAssertEqual(bad?["error"]?["data"]?["field"]?.stringValue, "params.specModel")
    }

    func testSearchWithAMeasuredGPUsOwnSpecUsesItsDefaultsProfile() throws {
        let (services, peer) = try daemon()
        let d = try XCTUnwrap(try services.catalog.deviceSpecs().first { $0.name == "2080ti_32" })
        let r = try search(peer, 1, spec: .object(DeviceSpecVector.values(of: d).mapValues { JSONValue.number($0) }))
        XCTAssertEqual(r["predictor"]?.stringValue, "default-nb201-2080ti_32")
        let own = try XCTUnwrap(services.predictors.predictor("default-nb201-2080ti_32").errorProfile)
        XCTAssertEqual(try XCTUnwrap(r["safetyMargin"]?.doubleValue), own.margin(budget: 20, confidence: 0.95), accuracy: 1e-12)
        XCTAssertNil(r["marginNote"], "a measured GPU's own spec is no unseen GPU")
    }
}
