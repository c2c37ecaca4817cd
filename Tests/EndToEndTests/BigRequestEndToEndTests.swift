import Foundation
import HWNASTestSupport
import JSONRPC
import XCTest

/// Big requests through the real binary: their params are decoded off the message loop, they
/// run as long jobs (counted against --max-jobs, with progress and cancellation), and small
/// requests and cancels are answered meanwhile.
final class BigRequestEndToEndTests: XCTestCase {
    /// A daemon with the LUT predictor `lut`.
    func daemon(_ arguments: [String] = []) throws -> DaemonProcess {
        let d = try DaemonProcess(framing: .contentLength, arguments: arguments)
        XCTAssertNotNil(d.call(1, "initialize")?["result"])
        XCTAssertNotNil(d.call(2, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "lut"])?["result"])
        return d
    }

    /// A `predict` of `count` NB201 archs written as one raw frame (faster than building a JSONValue).
    func sendBigPredict(_ d: DaemonProcess, id: Int, count: Int, token: String? = nil) {
        let archs = (0..<count).map { String($0 % 15_625) }.joined(separator: ",")
        let tokenPart = token.map { #","progressToken":"\#($0)""# } ?? ""
        d.sendRaw(d.framed(#"{"jsonrpc":"2.0","id":\#(id),"method":"predict","params":{"predictor":"lut"\#(tokenPart),"archs":[\#(archs)]}}"#))
    }

    func testSmallRequestsAndCancelsAreAnsweredWhileBigPredictsDecode() throws {
        let d = try daemon()
        // Two predicts of 250,000 archs each (1.6 MB): decoding them on the loop froze it for seconds.
        sendBigPredict(d, id: 10, count: 250_000, token: "g10")
        sendBigPredict(d, id: 11, count: 250_000)
        var worst = 0.0
        for i in 0..<20 {
            let t0 = Date()
            let r = d.call(100 + i, "predict", ["predictor": "lut", "archs": [.number(Double(i))]])
            XCTAssertEqual(r?["result"]?["latency_ms"]?.arrayValue?.count, 1)
            worst = max(worst, Date().timeIntervalSince(t0))
        }
        XCTAssertLessThan(worst, 1.0, "a 1-arch predict waited \(worst) s behind the big ones")
        // The big one reports progress under its token, and a cancel reaches it at once.
        XCTAssertNotNil(d.wait(timeout: 60) { $0["method"] == "$/progress" && $0["params"]?["token"] == "g10" },
                        "no progress from the big predict")
        let t0 = Date()
        d.notify("$/cancelRequest", ["id": 11])
        XCTAssertEqual(errorCode(d.response(11, timeout: 5)), -32800)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 1.0)
        // The other one completes, with every latency.
        let r10 = d.response(10, timeout: 300)
        XCTAssertEqual(r10?["result"]?["latency_ms"]?.arrayValue?.count, 250_000, "\(String(describing: r10?["error"]))")
        XCTAssertEqual(d.call(200, "predict", ["predictor": "lut", "archs": [5]])?["result"]?["latency_ms"]?.arrayValue?.count, 1)
    }

    func testABigPredictCountsAgainstMaxJobs() throws {
        let d = try daemon(["--max-jobs", "1"])
        d.sendRequest(10, "search", ["space": "nb201", "predictor": "lut", "budget": ["latency_ms": 30], "population": 20,
                                     "generations": 1_000_000, "seed": 3, "progressToken": "s"])
        XCTAssertNotNil(d.wait { $0["method"] == "$/progress" && $0["params"]?["token"] == "s" })
        sendBigPredict(d, id: 11, count: 100_000)
        let r = d.response(11, timeout: 30)
        XCTAssertEqual(errorCode(r), -32041, "\(String(describing: r))")
        XCTAssertTrue(r?["error"]?["message"]?.stringValue?.contains("big") ?? false)
        // A small predict is still quick work.
        XCTAssertEqual(d.call(12, "predict", ["predictor": "lut", "archs": [1, 2]])?["result"]?["latency_ms"]?.arrayValue?.count, 2)
        d.notify("$/cancelRequest", ["id": 10])
        XCTAssertNotNil(d.response(10, timeout: 5))
    }

    func testABigMalformedRequestIsAnsweredWithItsID() throws {
        let d = try daemon()
        let archs = (0..<100_000).map { String($0 % 15_625) }.joined(separator: ",")
        d.sendRaw(d.framed(#"{"jsonrpc":"2.0","id":7,"method":"predict","params":{"predictor":"lut","archs":[\#(archs),]}}"#))
        XCTAssertEqual(errorCode(d.response(7, timeout: 30)), -32700)
        d.sendRaw(d.framed(#"{"jsonrpc":"2.0","id":8,"method":"predict","params":{"predictor":"lut","archs":[\#(archs),"x"]}}"#))
        XCTAssertEqual(errorCode(d.response(8, timeout: 30)), -32020)
        XCTAssertEqual(d.call(9, "predict", ["predictor": "lut", "archs": [1]])?["result"]?["latency_ms"]?.arrayValue?.count, 1)
    }
}
