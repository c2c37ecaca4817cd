import XCTest
@testable import JSONRPC

final class JSONParserTests: XCTestCase {
    func testParsesEveryKindOfValue() throws {
        let v = try JSONParser.parse(#" {"a": [1, -2.5, 3e2, true, false, null], "b": {"c": "d"}, "e": ""} "#)
        XCTAssertEqual(v, ["a": [1, -2.5, 300, true, false, nil], "b": ["c": "d"], "e": ""])
    }

    func testStringEscapesAndSurrogatePairs() throws {
        let v = try JSONParser.parse(#""q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00""#)
        XCTAssertEqual(v, .string("q\"b\\s/n\nt\tué😀"))
    }

    /// The word-at-a-time string scan stops at every special byte wherever it falls in a word.
    func testStringScanFindsSpecialBytesAtEveryOffset() throws {
        for k in 0..<20 {
            let head = String(repeating: "a", count: k), tail = String(repeating: "b", count: 19 - k)
            XCTAssertEqual(try JSONParser.parse("\"\(head)\\n\(tail)\""), .string(head + "\n" + tail))
            XCTAssertEqual(try JSONParser.parse("\"\(head)é\(tail)\""), .string(head + "é" + tail))
            XCTAssertEqual(try JSONParser.parse("[\"\(head)\",\"\(tail)\"]"), [.string(head), .string(tail)])
            XCTAssertThrowsError(try JSONParser.parse(Array("\"\(head)".utf8) + [0x1F] + Array("\(tail)\"".utf8))) {
                XCTAssertEqual(($0 as? JSONParseError)?.offset, k + 1)
            }
            XCTAssertThrowsError(try JSONParser.parse("\"\(head)\(tail)"))
        }
    }

    func testNonASCIIStringsAreKept() throws {
        XCTAssertEqual(try JSONParser.parse(#""größe ≤ 5""#), .string("größe ≤ 5"))
    }

    func testInvalidUTF8InStringIsAnErrorWithOffset() {
        let bytes: [UInt8] = Array(#"{"k": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        XCTAssertThrowsError(try JSONParser.parse(bytes)) { e in
            let err = e as! JSONParseError
            XCTAssertTrue(err.reason.contains("UTF-8"), err.description)
            XCTAssertEqual(err.offset, 7)
        }
    }

    func testErrorsNameTheByteOffset() {
        XCTAssertThrowsError(try JSONParser.parse(#"{"a": tru}"#)) { e in
            XCTAssertEqual((e as! JSONParseError).offset, 6)
        }
        XCTAssertThrowsError(try JSONParser.parse(#"[1, 2"#))
        XCTAssertThrowsError(try JSONParser.parse(#"[1,]"#))
        XCTAssertThrowsError(try JSONParser.parse(#"01"#))
        XCTAssertThrowsError(try JSONParser.parse(#"1."#))
        XCTAssertThrowsError(try JSONParser.parse(#"{"a":1} x"#)) { e in
            XCTAssertEqual((e as! JSONParseError).offset, 8)
        }
        XCTAssertThrowsError(try JSONParser.parse("\"a\u{01}\""))
        XCTAssertThrowsError(try JSONParser.parse(#""\ud800""#))
        XCTAssertThrowsError(try JSONParser.parse(""))
    }

    func testDepthLimit() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        XCTAssertThrowsError(try JSONParser.parse(deep)) { e in
            XCTAssertTrue((e as! JSONParseError).reason.contains("nesting"))
        }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        XCTAssertNoThrow(try JSONParser.parse(ok))
    }

    func testNumbers() throws {
        XCTAssertEqual(try JSONParser.parse("0"), 0)
        XCTAssertEqual(try JSONParser.parse("-0.125"), .number(-0.125))
        XCTAssertEqual(try JSONParser.parse("12345678901234567890"), .number(1.2345678901234567e19), "the nearest Double")
        XCTAssertEqual(try JSONParser.parse("1E-3"), .number(0.001))
        XCTAssertEqual(try JSONParser.parse("9007199254740993").doubleValue, 9007199254740992)
    }

    func testWriterRoundTripsAndIsDeterministic() throws {
        let v: JSONValue = ["z": [1, 2.5, -3, 1e-7, 1e300], "a": "x\"y\n\u{01}é", "m": nil, "t": true]
        let bytes = JSONWriter.write(v)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self),
                       #"{"a":"x\"y\n\u0001é","m":null,"t":true,"z":[1,2.5,-3,1e-07,1e+300]}"#)
        XCTAssertEqual(try JSONParser.parse(bytes), v)
    }

    func testWriterShortestRoundTripFloats() throws {
        for d in [0.1, 1.0 / 3.0, 123456.789, -2.2250738585072014e-308, 4.35] {
            let text = JSONWriter.write(.number(d))
            XCTAssertEqual(try JSONParser.parse(text).doubleValue, d)
        }
        XCTAssertEqual(String(decoding: JSONWriter.write(.number(.nan)), as: UTF8.self), "null")
        XCTAssertEqual(String(decoding: JSONWriter.write(.number(42)), as: UTF8.self), "42")
    }
}
