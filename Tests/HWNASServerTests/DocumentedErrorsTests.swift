import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import XCTest

/// Errors as protocol/PROTOCOL.md documents them for a client: the code, and `data.field`
/// naming the parameter to fix.
final class DocumentedErrorsTests: XCTestCase {
    /// Every domain handler over a fresh state directory.
    func peer() throws -> InProcessPeer { try domainPeer("hwnas-docerrors") }

    /// `encode`'s unknown encoding is -32602 at `params.encoding` (it was `params.encoding.encoding`).
    func testUnknownEncodingNamesParamsEncoding() throws {
        let p = try peer()
        let r = p.call(1, "encode", ["space": "nb201", "archs": [0], "encoding": "bogus"])
        XCTAssertEqual(errorCode(r), -32602, "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["data"]?["field"], "params.encoding", "\(String(describing: r))")
        XCTAssertEqual(r?["error"]?["message"]?.stringValue?.hasPrefix("params.encoding: "), true, "\(String(describing: r))")
    }
}
