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

    /// Long jobs' parallel parts (`concurrentPerform`, as a giant `predict` runs) fill
    /// Dispatch's shared pool; quick requests run on their own threads and do not wait for them
    /// (issue 18: they used to queue there behind a whole parallel section).
    func testQuickRequestsDoNotWaitForLongJobsParallelWork() {
        let peer = InProcessPeer { server in
            server.register(SpinRequest.self, kind: .long) { p, ctx in
                // Parallel sections of 4 × 1 s of busy work each, until cancelled.
                while !ctx.job.isCancelled {
                    DispatchQueue.concurrentPerform(iterations: 4) { _ in
                        let end = Date().addingTimeInterval(Double(p.ms) / 1000)
                        while Date() < end {}
                    }
                }
                return NullResult()
            }
        }
        peer.initialize()
        for id in 1...2 { peer.sendRequest(id, "test/spin", ["ms": 1000]) }
        usleep(300_000)
        var slowest = 0.0
        for id in 10..<16 {
            let t0 = Date()
            XCTAssertNotNil(peer.call(id, "hwnas/sample", ["space": "nb201"])?["result"])
            slowest = max(slowest, Date().timeIntervalSince(t0))
            usleep(100_000)
        }
        // Behind a parallel section a quick request waited up to its whole second.
        XCTAssertLessThan(slowest, 0.5, "a quick request waited \(slowest) s behind long jobs' parallel work")
        for id in 1...2 { peer.notify("$/cancelRequest", ["id": .number(Double(id))]) }
        for id in 1...2 { XCTAssertNotNil(peer.response(id, timeout: 30)) }
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

struct SpinRequest: RequestType {
    static let method = "test/spin"
    typealias Response = NullResult
    var ms: Int
}

struct DeafRequest: RequestType {
    static let method = "test/deaf"
    typealias Response = NullResult
}
