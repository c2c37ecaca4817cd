import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import XCTest

final class ServerConcurrencyTests: XCTestCase {
    func testQuickRequestAnsweredWhileLongOneRuns() {
        let peer = InProcessPeer { $0.registerSlowHandler() }
        peer.initialize()
        peer.sendRequest(1, "test/slow", ["ms": 3000])
        let t0 = Date()
        XCTAssertNotNil(peer.call(2, "hwnas/sample", ["space": "nb201"])?["result"])
        XCTAssertLessThan(Date().timeIntervalSince(t0), 2.0)
        XCTAssertTrue(peer.pending.isEmpty, "the long request must still be running")
        peer.notify("$/cancelRequest", ["id": 1])
        XCTAssertEqual(errorCode(peer.response(1)), -32800)
    }

    func testCancellationEndsTheRequestQuickly() {
        let peer = InProcessPeer { $0.registerSlowHandler() }
        peer.initialize()
        peer.sendRequest(1, "test/slow", ["ms": 20000])
        usleep(50_000)
        let t0 = Date()
        peer.notify("$/cancelRequest", ["id": 1])
        XCTAssertEqual(errorCode(peer.response(1)), -32800)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 1.0)  // real figure: hwnas-bench rpc
    }

    func testCancelOfAHandlerThatIgnoresItStillAnswersWithinGrace() {
        let peer = InProcessPeer { server in
            server.register(DeafRequest.self, kind: .long) { _, _ in
                usleep(1_500_000)
                return NullResult()
            }
        }
        peer.initialize()
        peer.sendRequest(1, "test/deaf")
        usleep(50_000)
        let t0 = Date()
        peer.notify("$/cancelRequest", ["id": 1])
        XCTAssertEqual(errorCode(peer.response(1)), -32800)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 1.0)
        usleep(1_600_000)
        XCTAssertTrue(peer.pending.isEmpty, "exactly one response: \(peer.pending)")
    }

    func testPartialResultOnCancelWhenTheMethodSaysSo() {
        let peer = InProcessPeer { $0.registerSlowHandler(partial: true) }
        peer.initialize()
        peer.sendRequest(1, "test/slow", ["ms": 20000])
        usleep(50_000)
        peer.notify("$/cancelRequest", ["id": 1])
        XCTAssertEqual(peer.response(1)?["result"]?["partial"], true)
    }

    func testWriteWaitsForEarlierReadOfTheSameResource() {
        let peer = InProcessPeer { $0.registerSlowHandler() }
        peer.initialize()
        peer.sendRequest(1, "test/slow", ["ms": 600, "resource": "predictor:a"])
        peer.sendRequest(2, "test/slow", ["ms": 10, "resource": "predictor:a", "write": true])
        peer.sendRequest(3, "test/slow", ["ms": 10, "resource": "predictor:b", "write": true])
        // The unrelated write finishes first; the conflicting one only after the read.
        let first = peer.wait { $0["id"] != nil }
        XCTAssertEqual(first?["id"], 3)
        let second = peer.wait { $0["id"] != nil }
        XCTAssertEqual(second?["id"], 1)
        XCTAssertEqual(peer.wait { $0["id"] != nil }?["id"], 2)
    }

    func testCancellingAQueuedRequestAnswersAtOnceAndUnblocksOthers() {
        let peer = InProcessPeer { $0.registerSlowHandler() }
        peer.initialize()
        peer.sendRequest(1, "test/slow", ["ms": 20000, "resource": "r", "write": true])
        peer.sendRequest(2, "test/slow", ["ms": 10, "resource": "r"])
        usleep(30_000)
        peer.notify("$/cancelRequest", ["id": 2])
        XCTAssertEqual(errorCode(peer.response(2, timeout: 2)), -32800)
        peer.notify("$/cancelRequest", ["id": 1])
        XCTAssertEqual(errorCode(peer.response(1)), -32800)
    }

    func testTooManyJobs() {
        let peer = InProcessPeer(options: ServerOptions(maxJobs: 2)) { $0.registerSlowHandler() }
        peer.initialize()
        peer.sendRequest(1, "test/slow", ["ms": 20000])
        peer.sendRequest(2, "test/slow", ["ms": 20000])
        let r = peer.call(3, "test/slow", ["ms": 10])
        XCTAssertEqual(errorCode(r), -32041)
        peer.closeInput()  // end of input cancels the long jobs; each still gets its response
        XCTAssertEqual(errorCode(peer.response(1)), -32800)
        XCTAssertEqual(errorCode(peer.response(2)), -32800)
        XCTAssertEqual(peer.server.waitForExit(), 0)
    }

    func testProgressIsCoalescedAndEndsBeforeTheResponse() {
        let peer = InProcessPeer { $0.registerSlowHandler() }
        peer.initialize()
        peer.sendRequest(1, "test/slow", ["ms": 500, "steps": 5000, "progressToken": "tok"])
        XCTAssertEqual(peer.response(1)?["result"]?["done"], true)
        var notes: [JSONValue] = []
        while let n = peer.wait(timeout: 0.2, { $0["method"] == "$/progress" }) { notes.append(n) }
        let kinds = notes.compactMap { $0["params"]?["value"]?["kind"]?.stringValue }
        XCTAssertEqual(kinds.first, "begin")
        XCTAssertEqual(kinds.last, "end")
        let reports = notes.filter { $0["params"]?["value"]?["kind"] == "report" }
        // 5000 reports in 0.5 s coalesced to about one per 50 ms.
        XCTAssertGreaterThan(reports.count, 1)
        XCTAssertLessThan(reports.count, 40)
        XCTAssertEqual(reports.last?["params"]?["value"]?["step"], 5000)
        XCTAssertEqual(reports.last?["params"]?["value"]?["generation"], 5000)
        XCTAssertEqual(notes.first?["params"]?["token"], "tok")
    }
}

struct DeafRequest: RequestType {
    static let method = "test/deaf"
    typealias Response = NullResult
}
