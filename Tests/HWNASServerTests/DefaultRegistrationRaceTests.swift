import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import XCTest

/// A predictor registered under a default's id while that default trains on first use stays:
/// the default, once made, answers the request that made it and replaces nothing (it used to be
/// registered, and saved, over the user's predictor).
final class DefaultRegistrationRaceTests: XCTestCase {
    func testAPredictorTrainedUnderADefaultsIdWhileItTrainsIsKept() throws {
        let peer = try domainPeer("hwnas-default-race")
        // gold_6226's default is not shipped: the search trains it, reporting progress.
        peer.sendRequest(1, "search", ["space": "nb201", "device": "gold_6226", "budget": ["latency_ms": 5], "generations": 3,
                                       "progressToken": "t"])
        XCTAssertNotNil(peer.wait(timeout: 60) { $0["method"] == "$/progress" && $0["params"]?["value"]?["kind"] == "report" },
                        "the default's training reports progress")
        let train = peer.call(2, "train", ["space": "nb201", "device": "raspi4", "model": "lut", "trainSize": 300,
                                           "id": "default-nb201-gold_6226"], timeout: 60)
        XCTAssertEqual(train?["result"]?["device"], "raspi4", "\(String(describing: train))")
        XCTAssertNotNil(peer.response(1, timeout: 120)?["result"], "the search answers with the default it made")
        // The same LUT trained again under another id: the id holds the user's predictor.
        XCTAssertNotNil(peer.call(3, "train", ["space": "nb201", "device": "raspi4", "model": "lut", "trainSize": 300,
                                               "id": "mine"])?["result"])
        let archs: JSONValue = [5, 42, 9_000]
        let held = try XCTUnwrap(peer.call(4, "predict", ["predictor": "default-nb201-gold_6226", "archs": archs])?["result"]?["latency_ms"])
        XCTAssertEqual(held, peer.call(5, "predict", ["predictor": "mine", "archs": archs])?["result"]?["latency_ms"],
                       "the user's predictor under the id, not the default made meanwhile")
        XCTAssertEqual(peer.call(6, "predict", ["space": "nb201", "device": "gold_6226", "archs": archs])?["result"]?["latency_ms"], held,
                       "and the device's name resolves to it")
    }
}
