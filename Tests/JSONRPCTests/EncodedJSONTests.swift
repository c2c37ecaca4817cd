import XCTest
@testable import JSONRPC

/// An answer kept encoded goes out byte for byte as the same answer encoded afresh.
final class EncodedJSONTests: XCTestCase {
    struct Answer: Codable, Equatable {
        var best: String?
        var front: [[Double]]
        var note: String
        var seed: UInt64
    }

    func testAnEncodedResponseIsTheResponseWrittenAfresh() throws {
        let answer = Answer(best: nil, front: [[0.5, 1e-7], [3, -2]], note: "quote \" and \\ and \n", seed: 1 << 40)
        let e = try EncodedJSON(answer)
        XCTAssertEqual(e.value, try JSONValueEncoder().encode(answer))
        for id in [RequestID.number(7), .string("a\"b")] {
            XCTAssertEqual(OutgoingMessage.response(id: id, encodedResult: e),
                           JSONWriter.write(OutgoingMessage.response(id: id, result: try JSONValueEncoder().encode(answer))))
        }
    }

    func testTheStaticTypeFastPathsEncodeAsTheirValues() throws {
        struct Scalars: Encodable {
            var i8: Int8 = -3, u16: UInt16 = 9, f: Float = 0.25, d: [Double] = [1.5], s: [String] = ["x"], v: JSONValue = [true, nil]
        }
        XCTAssertEqual(try JSONValueEncoder().encode(Scalars()),
                       ["i8": -3, "u16": 9, "f": 0.25, "d": [1.5], "s": ["x"], "v": [true, nil]])
    }
}
