import XCTest
@testable import JSONRPC

final class CodableTests: XCTestCase {
    struct Inner: Codable, Equatable {
        var name: String
        var sizes: [Int]
    }

    enum Mode: String, Codable { case fast, slow }

    struct Params: Codable, Equatable {
        var space: String
        var archs: [String]
        var inner: [Inner]?
        var mode: Mode?
        var ratio: Double?
        var extra: JSONValue?
    }

    let decoder = JSONValueDecoder(rootPath: "params")

    func testDecodesAndEncodesRoundTrip() throws {
        let json: JSONValue = ["space": "nb201", "archs": ["a", "b"], "inner": [["name": "x", "sizes": [1, 2]]],
                               "mode": "slow", "ratio": 0.5, "extra": ["k": [1, nil]]]
        let p = try decoder.decode(Params.self, from: json)
        XCTAssertEqual(p.inner?.first?.sizes, [1, 2])
        XCTAssertEqual(p.mode, .slow)
        XCTAssertEqual(p.extra, ["k": [1, nil]])
        XCTAssertEqual(try JSONValueEncoder().encode(p), json)
    }

    func testErrorNamesTheFieldPath() {
        let json: JSONValue = ["space": "nb201", "archs": ["a", "b", "c", 4]]
        XCTAssertThrowsError(try decoder.decode(Params.self, from: json)) { e in
            XCTAssertEqual((e as! JSONDecodingError).description, "params.archs[3]: expected a string, got a number")
        }
    }

    func testMissingFieldAndNestedErrors() {
        XCTAssertThrowsError(try decoder.decode(Params.self, from: ["archs": []])) { e in
            XCTAssertEqual((e as! JSONDecodingError).description, "params.space: missing required field")
        }
        let nested: JSONValue = ["space": "s", "archs": [], "inner": [["name": "x", "sizes": [1, 2.5]]]]
        XCTAssertThrowsError(try decoder.decode(Params.self, from: nested)) { e in
            XCTAssertTrue((e as! JSONDecodingError).description.hasPrefix("params.inner[0].sizes[1]: expected an integer"))
        }
        let badEnum: JSONValue = ["space": "s", "archs": [], "mode": "medium"]
        XCTAssertThrowsError(try decoder.decode(Params.self, from: badEnum)) { e in
            XCTAssertTrue((e as! JSONDecodingError).path == "params.mode", "\(e)")
        }
        XCTAssertThrowsError(try decoder.decode(Params.self, from: [1, 2])) { e in
            XCTAssertEqual((e as! JSONDecodingError).description, "params: expected an object, got an array")
        }
    }

    /// Decodes only through `JSONValueDecodable`: its `init(from:)` fails the test.
    struct Fast: JSONValueDecodable, Equatable {
        var n: Int
        init(n: Int) { self.n = n }
        init(from decoder: any Decoder) throws {
            XCTFail("the Decoder path was taken")
            n = try decoder.singleValueContainer().decode(Int.self)
        }
        init(jsonValue value: JSONValue, path: () -> String) throws(JSONDecodingError) {
            guard let n = value.intValue else { throw JSONDecodingError(path: path(), reason: "expected an integer") }
            self.n = n
        }
    }

    struct FastParams: Decodable {
        var one: Fast
        var many: [Fast]
        var maybe: Fast?
    }

    func testJSONValueDecodableSkipsTheDecoderAndNamesThePath() throws {
        let p = try decoder.decode(FastParams.self, from: ["one": 1, "many": [2, 3], "maybe": 4])
        XCTAssertEqual(p.one, Fast(n: 1))
        XCTAssertEqual(p.many, [Fast(n: 2), Fast(n: 3)])
        XCTAssertEqual(p.maybe, Fast(n: 4))
        XCTAssertThrowsError(try decoder.decode(FastParams.self, from: ["one": 1, "many": [2, "x"]])) { e in
            XCTAssertEqual((e as! JSONDecodingError).description, "params.many[1]: expected an integer")
        }
        XCTAssertThrowsError(try decoder.decode(FastParams.self, from: ["one": 1, "many": 2])) { e in
            XCTAssertEqual((e as! JSONDecodingError).description, "params.many: expected an array, got a number")
        }
    }

    func testEncoderOmitsNilOptionals() throws {
        let p = Params(space: "s", archs: [])
        XCTAssertEqual(try JSONValueEncoder().encode(p), ["space": "s", "archs": []])
        XCTAssertEqual(try JSONValueEncoder().encode(NullResult()), .null)
    }

    func testEncoderTakesEveryStandardInteger() throws {
        // A UInt64 (a search's seed) recursed until the stack overflowed: its encode(to:) asks the
        // single-value container for itself.
        struct Ints: Encodable { var a: UInt64 = 7; var b: Int32 = -3; var c: UInt8 = 255; var d: [UInt64] = [1, 2]; var e: Int64? = 5 }
        XCTAssertEqual(try JSONValueEncoder().encode(Ints()), ["a": 7, "b": -3, "c": 255, "d": [1, 2], "e": 5])
    }

    func testRequestIDAndMessageClassification() {
        XCTAssertEqual(IncomingMessage(json: ["jsonrpc": "2.0", "id": 3, "method": "m"]), .request(id: .number(3), method: "m", params: nil))
        XCTAssertEqual(IncomingMessage(json: ["jsonrpc": "2.0", "id": "x", "method": "m", "params": [1]]),
                       .request(id: .string("x"), method: "m", params: [1]))
        XCTAssertEqual(IncomingMessage(json: ["jsonrpc": "2.0", "method": "n"]), .notification(method: "n", params: nil))
        func code(_ m: IncomingMessage) -> Int? {
            if case .invalid(_, let e) = m { return e.code.rawValue }
            return nil
        }
        XCTAssertEqual(code(IncomingMessage(json: ["id": 1, "method": "m"])), -32600)
        XCTAssertEqual(code(IncomingMessage(json: ["jsonrpc": "2.0", "id": 1, "method": 5])), -32600)
        XCTAssertEqual(code(IncomingMessage(json: ["jsonrpc": "2.0", "id": 1.5, "method": "m"])), -32600)
        XCTAssertEqual(code(IncomingMessage(json: ["jsonrpc": "2.0", "id": 1, "method": "m", "params": "x"])), -32600)
        XCTAssertEqual(code(IncomingMessage(json: 7)), -32600)
    }
}
