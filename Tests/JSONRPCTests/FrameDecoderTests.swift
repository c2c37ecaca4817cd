import XCTest
@testable import JSONRPC

final class FrameDecoderTests: XCTestCase {
    func frame(_ body: String) -> [UInt8] { Array("Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8) }

    func decode(_ chunks: [[UInt8]], framing: Framing = .contentLength, max: Int = 1 << 20) -> [FrameEvent] {
        var d = FrameDecoder(framing: framing, maxMessageBytes: max)
        var out: [FrameEvent] = []
        for c in chunks { d.push(c) { out.append($0) } }
        d.finish { out.append($0) }
        return out
    }

    func testFramesSplitAnywhereAreReassembled() {
        let stream = frame(#"{"a":1}"#) + Array("Content-Type: application/json\r\n".utf8) + frame(#"{"b":2}"#)
        for cut in 1..<stream.count {
            let events = decode([Array(stream[..<cut]), Array(stream[cut...])])
            XCTAssertEqual(events, [.message(Array(#"{"a":1}"#.utf8)), .message(Array(#"{"b":2}"#.utf8))], "cut at \(cut)")
        }
    }

    func testBadHeaderIsReportedAndResynchronised() {
        let events = decode([Array("Foo: bar\r\n\r\n".utf8) + Array("Content-Length: x\r\n\r\n".utf8) + frame("{}")])
        XCTAssertEqual(events, [.malformed("header without Content-Length"), .malformed("invalid Content-Length"), .message(Array("{}".utf8))])
    }

    func testTooShortContentLengthResynchronises() {
        let body = #"{"jsonrpc":"2.0"}"#
        let bad = Array("Content-Length: 5\r\n\r\n\(body)".utf8)
        let events = decode([bad + frame("[1]")])
        XCTAssertEqual(events.first, .message(Array(body.utf8.prefix(5))))
        XCTAssertEqual(events.last, .message(Array("[1]".utf8)))
        XCTAssertTrue(events.contains(.malformed("unexpected bytes before a header")))
    }

    func testTooLargeBodyIsSkippedWithoutBuffering() {
        let big = [UInt8](repeating: 0x20, count: 5000)
        let events = decode([Array("Content-Length: 5000\r\n\r\n".utf8), big, frame("{}")], max: 1000)
        XCTAssertEqual(events, [.tooLarge(5000), .message(Array("{}".utf8))])
    }

    func testNDJSONLinesBlankLinesAndOverlongLines() {
        let events = decode([Array("{\"a\":1}\r\n\n  \n{\"b\"".utf8), Array(":2}\n".utf8),
                             [UInt8](repeating: 0x41, count: 300), Array("\n[]".utf8)], framing: .ndjson, max: 100)
        XCTAssertEqual(events, [.message(Array(#"{"a":1}"#.utf8)), .message(Array(#"{"b":2}"#.utf8)), .tooLarge(300), .message(Array("[]".utf8))])
    }

    func testEndOfInputInsideABody() {
        XCTAssertEqual(decode([Array("Content-Length: 10\r\n\r\n{}".utf8)]), [.malformed("end of input inside a message body")])
    }
}
