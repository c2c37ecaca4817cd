import Foundation
import HWNASTestSupport
import JSONRPC
import XCTest

/// The configurable limits through the real binary: `--max-message-bytes` in LSP framing (the
/// NDJSON case is in ErrorsEndToEndTests), and refused flag values.
final class LimitsEndToEndTests: XCTestCase {
    func testMaxMessageBytesInContentLengthFraming() throws {
        let d = try DaemonProcess(framing: .contentLength, arguments: ["--max-message-bytes", "300"])
        XCTAssertNotNil(d.call(1, "initialize")?["result"])
        let big = JSONValue.array(Array(repeating: .number(12_345), count: 100))
        d.sendRequest(2, "encode", ["space": "nb201", "archs": big])
        let e = d.wait { $0["id"] == .null }
        XCTAssertEqual(errorCode(e), -32040)
        XCTAssertTrue(e?["error"]?["message"]?.stringValue?.contains("300") ?? false, "\(String(describing: e))")
        XCTAssertNil(d.response(2, timeout: 0.2), "the skipped request must not be answered as well")
        XCTAssertNotNil(d.call(3, "encode", ["space": "nb201", "archs": [1]])?["result"])
    }

    func testRefusedFlagValuesExitWithTwo() throws {
        for args in [["--max-jobs", "0"], ["--max-jobs", "-3"], ["--max-message-bytes", "lots"], ["--max-message-bytes"]] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: DaemonProcess.binaryPath)
            p.arguments = args
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 2, "\(args)")
        }
    }
}
