import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import XCTest

final class ServerRoutingTests: XCTestCase {
    func testLifecycleAndExitCodeAfterShutdown() {
        let peer = InProcessPeer()
        XCTAssertEqual(errorCode(peer.call(1, "encode", ["space": "nb201", "archs": [0]])), -32002)
        let r = peer.call(2, "initialize", ["clientInfo": ["name": "test"]])
        XCTAssertEqual(r?["result"]?["serverInfo"]?["name"], "hwnasd")
        let methods = r?["result"]?["methods"]?.arrayValue ?? []
        for m in ["initialize", "shutdown", "encode", "hwnas/sample", "hwnas/spaceInfo", "hwnas/listDevices", "hwnas/listPredictors", "$/cancelRequest"] {
            XCTAssertTrue(methods.contains(.string(m)), m)
        }
        XCTAssertEqual(errorCode(peer.call(3, "initialize")), -32600)
        XCTAssertEqual(peer.call(4, "shutdown")?["result"], .null)
        XCTAssertEqual(errorCode(peer.call(5, "hwnas/sample", ["space": "nb201"])), -32600)
        peer.notify("exit")
        XCTAssertEqual(peer.server.waitForExit(), 0)
    }

    func testExitWithoutShutdownIsOne() {
        let peer = InProcessPeer()
        peer.initialize()
        peer.notify("exit")
        XCTAssertEqual(peer.server.waitForExit(), 1)
    }

    func testEndOfInputExitsCleanly() {
        let peer = InProcessPeer()
        peer.initialize()
        peer.closeInput()
        XCTAssertEqual(peer.server.waitForExit(), 0)
    }

    func testEachStandardErrorCode() {
        let peer = InProcessPeer(framing: .ndjson)
        peer.initialize()
        peer.sendRaw(Array("{not json\n".utf8))
        XCTAssertEqual(errorCode(peer.wait { $0["id"] == .null }), -32700)
        peer.send(["jsonrpc": "1.0", "id": 7, "method": "initialize"])
        XCTAssertEqual(errorCode(peer.response(7)), -32600)
        XCTAssertEqual(errorCode(peer.call(8, "no/such/method")), -32601)
        let bad = peer.call(9, "encode", ["space": "nb201", "archs": ["|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", [1]]])
        XCTAssertEqual(errorCode(bad), -32602)
        XCTAssertEqual(bad?["error"]?["message"]?.stringValue?.hasPrefix("params.archs[1]"), true, "\(String(describing: bad))")
        XCTAssertEqual(bad?["error"]?["data"]?["field"], "params.archs[1]")
        XCTAssertEqual(errorCode(peer.call(10, "encode", ["archs": []])), -32602)
        peer.server.register(FailingRequest.self) { _, _ in throw SomeBug() }
        XCTAssertEqual(errorCode(peer.call(11, "test/fail")), -32603)
    }

    func testApplicationErrorCodes() {
        let peer = InProcessPeer()
        peer.initialize()
        let unknown = peer.call(1, "encode", ["space": "nope", "archs": []])
        XCTAssertEqual(errorCode(unknown), -32001)
        XCTAssertEqual(unknown?["error"]?["data"]?["field"], "params.space")
        let arch = peer.call(2, "encode", ["space": "nb201", "archs": ["|bogus~0|"]])
        XCTAssertEqual(errorCode(arch), -32020)
        XCTAssertEqual(arch?["error"]?["message"]?.stringValue?.hasPrefix("params.archs[0]"), true, "\(String(describing: arch))")
        XCTAssertEqual(errorCode(peer.call(3, "hwnas/sample", ["space": "nb201", "count": 0])), -32602)
    }

    func testEncodeSampleAndSpaceInfo() {
        let peer = InProcessPeer()
        peer.initialize()
        let s = peer.call(1, "hwnas/sample", ["space": "nb201", "count": 3, "seed": 7])
        let archs = s?["result"]?["archs"]?.arrayValue ?? []
        XCTAssertEqual(archs.count, 3)
        let e = peer.call(2, "encode", ["space": "nb201", "archs": .array(archs + [0]), "includeDimensions": true])
        XCTAssertEqual(e?["result"]?["vectors"]?.arrayValue?.count, 4)
        let dim = e?["result"]?["dimension"]?.intValue ?? -1
        XCTAssertEqual(e?["result"]?["vectors"]?.arrayValue?.first?.arrayValue?.count, dim)
        XCTAssertEqual(e?["result"]?["dimensions"]?.arrayValue?.count, dim)
        let info = peer.call(3, "hwnas/spaceInfo", ["space": "ofa_mbv3"])
        XCTAssertEqual(info?["result"]?["id"], "ofa_mbv3")
        XCTAssertGreaterThan(info?["result"]?["decisions"]?.arrayValue?.count ?? 0, 10)
    }

    func testBatchSemantics() {
        let peer = InProcessPeer(framing: .ndjson)
        peer.initialize()
        peer.sendRaw(Array("[]\n".utf8))
        let empty = peer.wait { $0["id"] == .null }
        XCTAssertEqual(errorCode(empty), -32600)
        peer.send([["jsonrpc": "2.0", "id": 1, "method": "hwnas/sample", "params": ["space": "fbnet"]],
                   ["jsonrpc": "2.0", "method": "some/notification"],
                   ["jsonrpc": "2.0", "id": 2, "method": "missing"],
                   5])
        let batch = peer.wait { $0.arrayValue != nil }?.arrayValue ?? []
        XCTAssertEqual(batch.count, 3)
        let byID = Dictionary(batch.map { ($0["id"]?.description ?? "?", $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertNotNil(byID["1"]?["result"])
        XCTAssertEqual(errorCode(byID["2"]), -32601)
        XCTAssertEqual(errorCode(byID["null"]), -32600)
        // A batch of notifications only is not answered: the next reply is for id 3.
        peer.send([["jsonrpc": "2.0", "method": "a"], ["jsonrpc": "2.0", "method": "b"]])
        peer.sendRequest(3, "hwnas/sample", ["space": "nb201"])
        XCTAssertNotNil(peer.response(3))
        XCTAssertTrue(peer.pending.isEmpty, "\(peer.pending)")
    }

    func testMessageTooLargeThenStillServes() {
        let peer = InProcessPeer(maxMessageBytes: 4096)
        peer.initialize()
        let big = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"x\",\"params\":{\"p\":\"" + String(repeating: "a", count: 20000) + "\"}}"
        peer.sendRaw(Array("Content-Length: \(big.utf8.count)\r\n\r\n\(big)".utf8))
        let e = peer.wait { $0["id"] == .null }
        XCTAssertEqual(errorCode(e), -32040)
        XCTAssertNotNil(peer.call(6, "hwnas/sample", ["space": "nb201"])?["result"])
    }
}

struct FailingRequest: RequestType {
    static let method = "test/fail"
    typealias Response = NullResult
}

struct SomeBug: Error {}
