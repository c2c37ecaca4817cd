import NASExport
import XCTest

final class ProtobufWriterTests: XCTestCase {
    func testVarintsKeysAndFields() {
        var w = ProtobufWriter()
        w.varint(1)
        w.varint(300)
        XCTAssertEqual(w.bytes, [0x01, 0xAC, 0x02])

        var neg = ProtobufWriter()
        neg.int(3, -1)            // int64 -1: key 0x18, then ten bytes
        XCTAssertEqual(neg.bytes, [0x18] + [UInt8](repeating: 0xFF, count: 9) + [0x01])

        var s = ProtobufWriter()
        s.string(4, "Conv")       // key (4 << 3 | 2) = 0x22, length 4
        XCTAssertEqual(s.bytes, [0x22, 0x04] + Array("Conv".utf8))

        var f = ProtobufWriter()
        f.float(2, 1.0)           // key 0x15, 0x3F800000 little-endian
        XCTAssertEqual(f.bytes, [0x15, 0x00, 0x00, 0x80, 0x3F])

        var m = ProtobufWriter()
        m.message(8) { o in o.string(1, ""); o.int(2, 17) }
        XCTAssertEqual(m.bytes, [0x42, 0x04, 0x0A, 0x00, 0x10, 0x11])
    }

    /// y = Relu(x), x and y [1, 2].
    private func reluGraph() -> ONNXGraph {
        var g = ONNXGraph(name: "g")
        g.inputs = [ONNXValueInfo(name: "x", dims: [1, 2])]
        g.outputs = [ONNXValueInfo(name: "y", dims: [1, 2])]
        g.nodes = [ONNXNode(opType: "Relu", inputs: ["x"], outputs: ["y"], name: "r", attributes: [])]
        return g
    }

    func testModelHeader() {
        let g = reluGraph()
        let bytes = ONNXSerializer.modelBytes(g, fill: .random, seed: 0)
        XCTAssertEqual(Array(bytes.prefix(2)), [0x08, 0x08])            // ir_version = 8
        XCTAssertEqual(Array(bytes.suffix(6)), [0x42, 0x04, 0x0A, 0x00, 0x10, 0x11])   // opset_import {"" 17}
        XCTAssertNotNil(bytes.firstRange(of: Array("Relu".utf8)))
    }

    func testMetadataPropsFollowTheOpsetImport() {
        let g = reluGraph()
        let plain = ONNXSerializer.modelBytes(g, fill: .random, seed: 0)
        let bytes = ONNXSerializer.modelBytes(g, fill: .random, seed: 0, metadata: [(key: "k", value: "vw")])
        // metadata_props (14, length-delimited: 0x72) { key (1) "k", value (2) "vw" }, after the opset import.
        XCTAssertEqual(Array(bytes.suffix(9)), [0x72, 0x07, 0x0A, 0x01, 0x6B, 0x12, 0x02, 0x76, 0x77])
        XCTAssertEqual(Array(bytes.prefix(plain.count)), plain)
    }
}
