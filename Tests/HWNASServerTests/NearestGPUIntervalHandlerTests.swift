import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import NASData
import NASPredictors
import XCTest

/// `predict {spec, interval}` answers with the same model as `predict {spec}` (the nearest
/// measured GPU by default), and its interval is that model's: for a spec no GPU of the space has,
/// the `NearestGPUInterval` band calibrated on the fixtures' GPU chips, with a note; for a measured
/// GPU's own spec, that GPU's default's own profile (issue 17 item 4).
final class NearestGPUIntervalHandlerTests: XCTestCase {
    /// Domain handlers over a fresh state directory, removed at teardown.
    private func daemon() throws -> (DomainServices, InProcessPeer) {
        let state = NSTemporaryDirectory() + "hwnas-nnint-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: state) }
        let services = try DomainServices(environment: ServerEnvironment(stateDirectory: state, logger: Logger(level: .error)))
        let peer = InProcessPeer { server in registerDomainHandlers(server: server, services: services) }
        peer.initialize()
        return (services, peer)
    }

    func testAnUnseenSpecGetsTheNearestGPUsCalibratedIntervalAndANote() throws {
        let (services, peer) = try daemon()
        let plain = try XCTUnwrap(peer.call(1, "predict", ["space": "nb201", "spec": "GeForce RTX 3090", "archs": [5, 9000]],
                                            timeout: 300)?["result"])
        let r = try XCTUnwrap(peer.call(2, "predict", ["space": "nb201", "spec": "GeForce RTX 3090", "archs": [5, 9000],
                                                       "interval": 0.9], timeout: 300)?["result"])
        // The same answer as without `interval` (before, `interval` switched the answer to the MLP).
        XCTAssertEqual(r["predictor"]?.stringValue, plain["predictor"]?.stringValue)
        XCTAssertTrue(r["predictor"]?.stringValue?.hasPrefix("default-nb201-") == true)
        XCTAssertNotEqual(r["predictor"]?.stringValue, "default-nb201-mlp-hw")
        let latency = try XCTUnwrap(r["latency_ms"]?.arrayValue?.compactMap(\.doubleValue))
        XCTAssertEqual(latency, plain["latency_ms"]?.arrayValue?.compactMap(\.doubleValue))
        // The MLP, asked for, keeps its own unseen-GPU profile, and says the interval is weak.
        let mlp = try XCTUnwrap(peer.call(3, "predict", ["space": "nb201", "spec": "GeForce RTX 3090", "archs": [5, 9000],
                                                         "interval": 0.9, "specModel": "mlp"], timeout: 300)?["result"])
        XCTAssertEqual(mlp["predictor"]?.stringValue, "default-nb201-mlp-hw")
        let mlpLatency = try XCTUnwrap(mlp["latency_ms"]?.arrayValue?.compactMap(\.doubleValue))
        // Its band: the span of the answer and the MLP's, × e^(±q), q from the fixtures' GPU chips each
        // answered by its nearest other chip.
        let calibration = try XCTUnwrap(try NearestGPUInterval.calibrate(catalog: services.catalog, space: "nb201"))
        let q = calibration.halfWidth(level: 0.9)
        XCTAssertGreaterThan(q, 0.05, "GPUs of other chips differ by more than 5 %")
        let lower = try XCTUnwrap(r["lower"]?.arrayValue?.compactMap(\.doubleValue))
        let upper = try XCTUnwrap(r["upper"]?.arrayValue?.compactMap(\.doubleValue))
        for i in latency.indices {
            XCTAssertEqual(lower[i], min(latency[i], mlpLatency[i]) * exp(-q), accuracy: 1e-9 * latency[i])
            XCTAssertEqual(upper[i], max(latency[i], mlpLatency[i]) * exp(q), accuracy: 1e-9 * latency[i])
        }
        let note = try XCTUnwrap(r["intervalNote"]?.stringValue)
        XCTAssertTrue(note.contains("unseen GPU") && note.contains("4 GPU chips"), note)
        let m = mlpLatency[0]
        let unseen = try XCTUnwrap(HardwareGeneralizedTrainer.shippedUnseenGPUProfile(space: "nb201")?.interval(prediction: m, level: 0.9))
        XCTAssertEqual(try XCTUnwrap(mlp["lower"]?.arrayValue?.first?.doubleValue), unseen.lower, accuracy: 1e-9 * m)
        XCTAssertTrue(mlp["intervalNote"]?.stringValue?.contains("unseen GPU") == true, "\(mlp)")
    }

    func testAMeasuredGPUsOwnSpecGetsItsDefaultsOwnProfile() throws {
        let (services, peer) = try daemon()
        let d = try XCTUnwrap(try services.catalog.deviceSpecs().first { $0.name == "2080ti_32" })
        let spec = DeviceSpecVector.values(of: d).mapValues { JSONValue.number($0) }
        let r = try XCTUnwrap(peer.call(1, "predict", ["space": "nb201", "spec": .object(spec), "archs": [5], "interval": 0.9],
                                        timeout: 300)?["result"], "")
        XCTAssertEqual(r["predictor"]?.stringValue, "default-nb201-2080ti_32")
        XCTAssertNil(r["intervalNote"], "a measured GPU's own spec is no unseen GPU")
        let own = try XCTUnwrap(services.predictors.predictor("default-nb201-2080ti_32").errorProfile)
        let l = try XCTUnwrap(r["latency_ms"]?.arrayValue?.first?.doubleValue)
        XCTAssertEqual(try XCTUnwrap(r["upper"]?.arrayValue?.first?.doubleValue), try XCTUnwrap(own.interval(prediction: l, level: 0.9)).upper, accuracy: 1e-9 * l)
        // Its gpu_specs.csv name at its batch is the same GPU (specs equal to rounding).
        let named = try XCTUnwrap(peer.call(2, "predict", ["space": "nb201", "spec": "GeForce RTX 2080 Ti", "batch": 32, "archs": [5],
                                                           "interval": 0.9], timeout: 300)?["result"])
        XCTAssertEqual(named["predictor"]?.stringValue, "default-nb201-2080ti_32")
        XCTAssertNil(named["intervalNote"])
        XCTAssertEqual(named["upper"]?.arrayValue?.first?.doubleValue, r["upper"]?.arrayValue?.first?.doubleValue)
    }
    /// A loose GPU name's answer names the GPU it matched ("3090" is the GeForce RTX 3090, the one
    /// row ending in it), a family word is ambiguous ("RTX" used to answer as the TITAN RTX, the
    /// one row ending in "RTX"), and a matched row without specs says which row and what to do (it
    /// was "device spec is missing sm_count", for a request that gave no spec object).
    func testALooseGPUNameSaysWhichGPUItMatched() throws {
        let (_, peer) = try daemon()
        let r = try XCTUnwrap(peer.call(1, "predict", ["space": "nb201", "spec": "3090", "archs": [5]], timeout: 300)?["result"])
        XCTAssertEqual(r["gpu"], "GeForce RTX 3090")
        for (id, word) in [(5, "RTX"), (6, "Titan")] {
            let e = peer.call(id, "predict", ["space": "nb201", "spec": .string(word), "archs": [5]], timeout: 300)?["error"]
            XCTAssertEqual(e?["code"], -32010, "\(word): \(String(describing: e))")
            let message = e?["message"]?.stringValue ?? ""
            XCTAssertTrue(message.contains("is ambiguous") && message.contains("TITAN RTX") && message.contains("more"), message)
        }
        let exact = try XCTUnwrap(peer.call(2, "predict", ["space": "nb201", "spec": "GeForce RTX 3090", "archs": [5]],
                                            timeout: 300)?["result"])
        XCTAssertEqual(exact["gpu"], "GeForce RTX 3090")
        XCTAssertNil(try XCTUnwrap(peer.call(3, "predict", ["space": "nb201", "device": "1080ti_1", "archs": [5]],
                                                timeout: 300)?["result"])["gpu"])
        let titan = peer.call(4, "predict", ["space": "nb201", "spec": "geforce gtx titan", "archs": [5]], timeout: 300)
        XCTAssertEqual(titan?["error"]?["code"], -32602)
        let message = try XCTUnwrap(titan?["error"]?["message"]?.stringValue)
        XCTAssertTrue(message.contains("GPU 'GeForce GTX TITAN' (what 'geforce gtx titan' matched) has no sm_count"), message)
        XCTAssertTrue(message.contains("give its specs as an object"), message)
    }
}
