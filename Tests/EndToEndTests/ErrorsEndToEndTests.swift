import Foundation
import HWNASTestSupport
import JSONRPC
import XCTest

/// The real binary, both framings: an error for each code we can trigger, and malformed input
/// (bad header, wrong Content-Length, invalid UTF-8, a 100 MB body) each followed by a request
/// that still succeeds.
final class ErrorsEndToEndTests: XCTestCase {
    let framings: [Framing] = [.contentLength, .ndjson]
    let nb201Arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|"

    /// A request that must succeed after each bad input.
    func assertStillServes(_ d: DaemonProcess, id: Int, file: StaticString = #filePath, line: UInt = #line) {
        let r = d.call(id, "encode", ["space": "nb201", "archs": [.string(nb201Arch)]])
        XCTAssertEqual(r?["result"]?["dimension"]?.intValue, r?["result"]?["vectors"]?.arrayValue?.first?.arrayValue?.count,
                       "\(d.framing): \(String(describing: r))", file: file, line: line)
        XCTAssertNotNil(r?["result"], "\(d.framing)", file: file, line: line)
    }

    func testEveryErrorCode() throws {
        for f in framings {
            let d = try DaemonProcess(framing: f)
            XCTAssertEqual(errorCode(d.call(1, "encode", ["space": "nb201", "archs": []])), -32002, "\(f)")
            XCTAssertNotNil(d.call(2, "initialize")?["result"])
            d.sendRaw(d.framed("{\"jsonrpc\": \"2.0\", \"id\": "))
            XCTAssertEqual(errorCode(d.wait { $0["id"] == .null }), -32700, "\(f)")
            d.sendRaw(d.framed(#"{"jsonrpc":"2.0","id":3}"#))
            XCTAssertEqual(errorCode(d.response(3)), -32600, "\(f)")
            XCTAssertEqual(errorCode(d.call(4, "no/such")), -32601, "\(f)")
            let ip = d.call(5, "encode", ["space": "nb201", "archs": [.string(nb201Arch), true]])
            XCTAssertEqual(errorCode(ip), -32602)
            XCTAssertEqual(ip?["error"]?["data"]?["field"], "params.archs[1]")
            XCTAssertEqual(errorCode(d.call(6, "encode", ["space": "mnasnet", "archs": []])), -32001, "\(f)")
            XCTAssertEqual(errorCode(d.call(7, "encode", ["space": "nb201", "archs": ["|conv~0|"]])), -32020, "\(f)")
            XCTAssertEqual(errorCode(d.call(8, "initialize")), -32600, "\(f)")
            assertStillServes(d, id: 9)
        }
    }

    func testMalformedFramesThenStillServes() throws {
        let d = try DaemonProcess(framing: .contentLength)
        XCTAssertNotNil(d.call(1, "initialize")?["result"])
        // A header without Content-Length.
        d.sendRaw(Array("Content-Type: text/plain\r\n\r\n".utf8))
        XCTAssertEqual(errorCode(d.wait { $0["id"] == .null }), -32700)
        assertStillServes(d, id: 2)
        // A Content-Length that is not a number.
        d.sendRaw(Array("Content-Length: lots\r\n\r\n".utf8))
        XCTAssertEqual(errorCode(d.wait { $0["id"] == .null }), -32700)
        assertStillServes(d, id: 3)
        // Too short: the body is cut, the rest is garbage before the next header.
        let body = #"{"jsonrpc":"2.0","id":40,"method":"hwnas/sample","params":{"space":"nb201"}}"#
        d.sendRaw(Array("Content-Length: 20\r\n\r\n\(body)".utf8))
        XCTAssertNotNil(d.wait { $0["id"] == .null })
        assertStillServes(d, id: 4)
        // Too long: the body swallows the start of the next frame; the one after is served.
        d.sendRaw(Array("Content-Length: \(body.utf8.count + 30)\r\n\r\n\(body)".utf8))
        d.sendRaw(d.framed(#"{"jsonrpc":"2.0","id":41,"method":"hwnas/sample","params":{"space":"nb201"}}"#))
        // The swallowing frame is a parse error answered with the id recovered from its start.
        XCTAssertEqual(errorCode(d.response(40)), -32700)
        assertStillServes(d, id: 5)
    }

    func testInvalidUTF8ThenStillServes() throws {
        for f in framings {
            let d = try DaemonProcess(framing: f)
            XCTAssertNotNil(d.call(1, "initialize")?["result"])
            let bad: [UInt8] = Array(#"{"jsonrpc":"2.0","id":2,"method":"encode","params":{"space":""#.utf8) + [0xFF, 0xFE] + Array(#""}}"#.utf8)
            d.sendRaw(f == .ndjson ? bad + [0x0A] : Array("Content-Length: \(bad.count)\r\n\r\n".utf8) + bad)
            let e = d.response(2)
            XCTAssertEqual(errorCode(e), -32700, "\(f)")
            XCTAssertTrue(e?["error"]?["message"]?.stringValue?.contains("UTF-8") ?? false)
            assertStillServes(d, id: 3)
        }
    }

    /// A request carrying NaN (Python's json.dumps writes it) is not JSON: its parse error
    /// carries the request's id, so the client waiting on it is answered; `"params": null` is
    /// accepted as absent.
    func testParseErrorAnswersTheRequestAndNullParams() throws {
        for f in framings {
            let d = try DaemonProcess(framing: f)
            XCTAssertNotNil(d.call(1, "initialize")?["result"])
            d.sendRaw(d.framed(#"{"jsonrpc":"2.0","id":2,"method":"predict","params":{"space":"nb201","device":"pixel3","archs":[NaN]}}"#))
            let e = d.response(2)
            XCTAssertEqual(errorCode(e), -32700, "\(f): \(String(describing: e))")
            d.sendRaw(d.framed(#"{"jsonrpc":"2.0","id":"s","method":"hwnas/sample","params":{"space":"nb201","count":Infinity}}"#))
            XCTAssertEqual(errorCode(d.wait { $0["id"] == "s" }), -32700, "\(f)")
            assertStillServes(d, id: 3)
            d.sendRaw(d.framed(#"{"jsonrpc":"2.0","id":4,"method":"shutdown","params":null}"#))
            let r = d.response(4)
            XCTAssertNil(r?["error"], "\(f): \(String(describing: r))")
            XCTAssertEqual(r?["result"], .null, "\(f)")
            d.sendRaw(d.framed(#"{"jsonrpc":"2.0","method":"exit","params":null}"#))
            XCTAssertEqual(d.waitForExit(), 0, "\(f)")
        }
    }

    func testHundredMegabyteBodyIsRefusedThenStillServes() throws {
        let size = 100 << 20
        for f in framings {
            let d = try DaemonProcess(framing: f)
            XCTAssertNotNil(d.call(1, "initialize")?["result"])
            var big = [UInt8](repeating: UInt8(ascii: "a"), count: size)
            let head = Array(#"{"jsonrpc":"2.0","id":2,"method":"encode","params":{"space":""#.utf8)
            big.replaceSubrange(0..<head.count, with: head)
            if f == .ndjson {
                big[size - 1] = 0x0A
                d.sendRaw(big)
            } else {
                d.sendRaw(Array("Content-Length: \(size)\r\n\r\n".utf8))
                d.sendRaw(big)
            }
            let e = d.wait(timeout: 60) { $0["id"] == .null }
            XCTAssertEqual(errorCode(e), -32040, "\(f)")
            assertStillServes(d, id: 3)
        }
    }

    func testSmallerLimitFlag() throws {
        let d = try DaemonProcess(framing: .ndjson, arguments: ["--max-message-bytes", "200"])
        XCTAssertNotNil(d.call(1, "initialize")?["result"])
        let archs = JSONValue.array(Array(repeating: .string(nb201Arch), count: 10))
        d.sendRequest(2, "encode", ["space": "nb201", "archs": archs])
        XCTAssertEqual(errorCode(d.wait { $0["id"] == .null }), -32040)
        XCTAssertNotNil(d.call(3, "hwnas/sample", ["space": "nb201"])?["result"])
    }
}
