import JSONRPC
import XCTest

/// The lenient id scan behind parse errors that still answer the request, and `"params": null`.
final class RequestIDRecoveryTests: XCTestCase {
    func recovered(_ text: String) -> RequestID? { RequestID.recovered(fromMalformed: Array(text.utf8)) }

    func testIDOfARequestCarryingNaN() throws {
        let body = #"{"jsonrpc":"2.0","id":12,"method":"predict","params":{"space":"nb201","archs":[NaN]}}"#
        XCTAssertThrowsError(try JSONParser.parse(body))
        XCTAssertEqual(recovered(body), .number(12))
        XCTAssertEqual(recovered(#"{"params":{"x":Infinity},"id":"req-7","method":"m"}"#), .string("req-7"))
        XCTAssertEqual(recovered(#"  { "id" : -3 , "a": 1e"#), .number(-3))
    }

    func testOnlyTopLevelIntegerOrPlainStringIDs() {
        XCTAssertNil(recovered(#"{"params":{"id":5},"method":NaN}"#), "a nested id is not the request's")
        XCTAssertNil(recovered(#"{"method":"id","x":NaN}"#), "a string value \"id\" is not a key")
        XCTAssertNil(recovered(#"{"id":1.5,"x":NaN}"#))
        XCTAssertNil(recovered(#"{"id":"a\"b","x":NaN}"#), "escaped strings are not guessed at")
        XCTAssertNil(recovered(#"{"id":1,"id":2,x}"#), "two ids: unknown")
        XCTAssertNil(recovered(#"[{"id":1}, NaN]"#), "a batch is not one request")
        XCTAssertNil(recovered(#"{"jsonrpc":"2.0","id"#))
        XCTAssertNil(recovered(#"{"jsonrpc":"2.0","id":1000"#), "a truncated number may be a prefix of the id")
        XCTAssertNil(recovered(#"{"jsonrpc":"2.0","id":"ab"#))
        XCTAssertNil(recovered(""))
        XCTAssertEqual(recovered(#"{"a":"}{\"id\":9","id":4,NaN"#), .number(4), "braces and keys inside strings are skipped")
    }

    func testNullParamsAreAbsent() {
        XCTAssertEqual(IncomingMessage(json: ["jsonrpc": "2.0", "id": 1, "method": "shutdown", "params": .null]),
                       .request(id: .number(1), method: "shutdown", params: nil))
        XCTAssertEqual(IncomingMessage(json: ["jsonrpc": "2.0", "method": "exit", "params": .null]),
                       .notification(method: "exit", params: nil))
    }
}
