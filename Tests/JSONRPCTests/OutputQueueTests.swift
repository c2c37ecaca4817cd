import Foundation
import XCTest
@testable import JSONRPC

final class OutputQueueTests: XCTestCase {
    /// A small answer queued behind big ones leaves before the big ones not yet begun (issue 18:
    /// a 1-arch answer waited for the client to read 50 MB answers queued before it); a frame
    /// already begun is finished first, and each size class keeps its order.
    func testSmallFramesOvertakeBigFramesNotYetBegun() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]) }
        let transport = MessageTransport(input: fds[0], output: fds[1], framing: .ndjson,
                                         maxMessageBytes: 1 << 20, maxOutputBytes: 64 << 20)
        // Nobody reads yet: the writer blocks inside the first big frame (a pipe holds 64 KiB).
        let big = String(repeating: "x", count: 1 << 20)
        transport.send(["id": 1, "result": .string(big)])
        transport.send(["id": 2, "result": .string(big)])
        transport.send(["id": 3, "result": "small"])
        transport.send(["id": 4, "result": "small too"])

        var bytes: [UInt8] = []
        var lines = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while lines < 4 {
            let n = chunk.withUnsafeMutableBytes { read(fds[0], $0.baseAddress!, $0.count) }
            XCTAssertGreaterThan(n, 0)
            if n <= 0 { break }
            lines += chunk.withUnsafeBytes { raw in raw[0..<n].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
            bytes += chunk[0..<n]
        }
        transport.closeOutput()
        close(fds[1])
        let ids = try bytes.split(separator: 0x0A).map { try JSONParser.parse(Array($0))["id"]?.intValue ?? -1 }
        XCTAssertEqual(ids.count, 4)
        // 3 and 4 pass 2, which was not begun; 1 came first or (not yet begun either) after them.
        XCTAssertLessThan(ids.firstIndex(of: 3)!, ids.firstIndex(of: 2)!)
        XCTAssertLessThan(ids.firstIndex(of: 3)!, ids.firstIndex(of: 4)!)
        XCTAssertLessThan(ids.firstIndex(of: 1)!, ids.firstIndex(of: 2)!)
        XCTAssertTrue(ids == [1, 3, 4, 2] || ids == [3, 4, 1, 2], "order \(ids)")
    }
}
