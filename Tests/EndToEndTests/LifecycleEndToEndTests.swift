import Foundation
import HWNASTestSupport
import JSONRPC
import XCTest

/// The real binary, both framings: lifecycle, exit codes, end of input.
final class LifecycleEndToEndTests: XCTestCase {
    let framings: [Framing] = [.contentLength, .ndjson]

    func testInitializeShutdownExitGivesZero() throws {
        for f in framings {
            let d = try DaemonProcess(framing: f)
            let r = d.call(1, "initialize", ["clientInfo": ["name": "e2e"]])?["result"]
            XCTAssertEqual(r?["serverInfo"]?["name"], "hwnasd", "\(f)")
            XCTAssertNotNil(r?["protocolVersion"]?.stringValue)
            XCTAssertTrue(r?["methods"]?.arrayValue?.contains("encode") ?? false)
            XCTAssertGreaterThanOrEqual(r?["searchSpaces"]?.arrayValue?.count ?? 0, 3)
            XCTAssertGreaterThan(r?["devices"]?.arrayValue?.count ?? 0, 10)
            XCTAssertNotNil(r?["predictors"]?.arrayValue)
            XCTAssertEqual(d.call(2, "shutdown")?["result"], .null)
            d.notify("exit")
            XCTAssertEqual(d.waitForExit(), 0, "\(f)")
        }
    }

    func testExitWithoutShutdownGivesOne() throws {
        for f in framings {
            let d = try DaemonProcess(framing: f)
            XCTAssertNotNil(d.call(1, "initialize")?["result"])
            d.notify("exit")
            XCTAssertEqual(d.waitForExit(), 1, "\(f)")
        }
    }

    func testEndOfInputExitsCleanlyAndAnswersWhatWasReceived() throws {
        for f in framings {
            let d = try DaemonProcess(framing: f)
            d.sendRequest(1, "initialize")
            d.sendRequest(2, "hwnas/sample", ["space": "nb201", "count": 2])
            d.closeInput()
            XCTAssertEqual(d.waitForExit(), 0, "\(f)")
            XCTAssertNotNil(d.response(1, timeout: 2)?["result"])
            XCTAssertEqual(d.response(2, timeout: 2)?["result"]?["archs"]?.arrayValue?.count, 2)
        }
    }

    func testListMethods() throws {
        let d = try DaemonProcess(framing: .ndjson)
        XCTAssertNotNil(d.call(1, "initialize")?["result"])
        let devices = d.call(2, "hwnas/listDevices", ["space": "ofa_mbv3"])?["result"]?["devices"]?.arrayValue ?? []
        XCTAssertFalse(devices.isEmpty)
        XCTAssertTrue(devices.allSatisfy { $0["spaces"]?.arrayValue?.contains("ofa_mbv3") ?? false })
        XCTAssertNotNil(d.call(3, "hwnas/listPredictors")?["result"]?["predictors"]?.arrayValue)
        XCTAssertEqual(errorCode(d.call(4, "hwnas/listDevices", ["space": "nope"])), -32001)
    }
}
