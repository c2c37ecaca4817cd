import NASCore

/// How the learned parameters of an exported network are filled.
public enum WeightFill: String, Sendable, CaseIterable {
    /// Seeded uniform values (see `InitializerContent`): a network that computes something,
    /// with activations of a sane scale (no denormals, no overflow).
    case random
    /// All zeros.
    case zeros
}

/// Writes an `ONNXGraph` as an ONNX `ModelProto` (IR version 8, default-domain opset 17),
/// field numbers as in onnx/onnx.proto. Deterministic: the same graph, fill and seed give the
/// same bytes (initializer `i` draws from its own stream, `SeededGenerator(seed) split by i`).
public enum ONNXSerializer {
    /// The IR version written.
    public static let irVersion = 8
    /// The default-domain opset written.
    public static let opsetVersion = 17

    // TensorProto.DataType values.
    static let floatType = 1
    static let int64Type = 7

    /// The serialized model.
    public static func modelBytes(_ graph: ONNXGraph, fill: WeightFill, seed: UInt64,
                                  producerVersion: String = "0.1.0", docString: String = "") -> [UInt8] {
        var m = ProtobufWriter()
        m.int(1, irVersion)                                   // ir_version
        m.string(2, "hwnasd")                                 // producer_name
        m.string(3, producerVersion)                          // producer_version
        if !docString.isEmpty { m.string(6, docString) }      // doc_string
        m.message(7) { g in writeGraph(graph, fill: fill, seed: seed, into: &g) }   // graph
        m.message(8) { o in                                   // opset_import
            o.string(1, "")
            o.int(2, opsetVersion)
        }
        return m.bytes
    }

    static func writeGraph(_ graph: ONNXGraph, fill: WeightFill, seed: UInt64, into g: inout ProtobufWriter) {
        let dataBytes = graph.initializers.reduce(0) { $0 + 8 * $1.count }
        g.reserve(dataBytes + 64 * (graph.nodes.count + graph.initializers.count))
        for node in graph.nodes {
            g.message(1) { n in writeNode(node, into: &n) }
        }
        g.string(2, graph.name)
        var root = SeededGenerator(seed: seed)
        for (i, initializer) in graph.initializers.enumerated() {
            var rng = root.split(salt: UInt64(i))
            g.message(5) { t in writeTensor(initializer, fill: fill, rng: &rng, into: &t) }
        }
        for v in graph.inputs { g.message(11) { writeValueInfo(v, into: &$0) } }
        for v in graph.outputs { g.message(12) { writeValueInfo(v, into: &$0) } }
    }

    static func writeNode(_ node: ONNXNode, into n: inout ProtobufWriter) {
        for i in node.inputs { n.string(1, i) }
        for o in node.outputs { n.string(2, o) }
        n.string(3, node.name)
        n.string(4, node.opType)
        for (name, value) in node.attributes {
            n.message(5) { a in
                a.string(1, name)
                switch value {
                case .float(let f):
                    a.float(2, f)
                    a.int(20, 1)        // AttributeType.FLOAT
                case .int(let i):
                    a.int(3, i)
                    a.int(20, 2)        // INT
                case .ints(let list):
                    for i in list { a.int(8, i) }
                    a.int(20, 7)        // INTS
                }
            }
        }
    }

    static func writeValueInfo(_ v: ONNXValueInfo, into w: inout ProtobufWriter) {
        w.string(1, v.name)
        w.message(2) { type in                     // TypeProto
            type.message(1) { tensor in            // tensor_type
                tensor.int(1, floatType)           // elem_type
                tensor.message(2) { shape in       // TensorShapeProto
                    for d in v.dims { shape.message(1) { $0.int(1, d) } }   // dim { dim_value }
                }
            }
        }
    }

    static func writeTensor(_ t: ONNXInitializer, fill: WeightFill, rng: inout SeededGenerator, into w: inout ProtobufWriter) {
        for d in t.dims { w.int(1, d) }            // dims
        if case .int64s(let values) = t.content {
            w.int(2, int64Type)
            w.string(8, t.name)
            var raw = [UInt8]()
            raw.reserveCapacity(8 * values.count)
            for v in values {
                let u = UInt64(bitPattern: Int64(v))
                for s in stride(from: 0, to: 64, by: 8) { raw.append(UInt8(truncatingIfNeeded: u >> UInt64(s))) }
            }
            w.bytesField(9, raw)
            return
        }
        w.int(2, floatType)
        w.string(8, t.name)
        w.bytesField(9, floatBytes(t, fill: fill, rng: &rng))   // raw_data, little-endian
    }

    /// The initializer's values as little-endian float32 bytes.
    static func floatBytes(_ t: ONNXInitializer, fill: WeightFill, rng: inout SeededGenerator) -> [UInt8] {
        let n = t.count
        var values: [Float]
        switch t.content {
        case .floats(let v): values = v
        case .int64s: values = []
        case .weight(let fanIn):
            guard fill == .random else { return [UInt8](repeating: 0, count: 4 * n) }
            let bound = Float((3.0 / Double(max(1, fanIn))).squareRoot())
            values = uniform(n, -bound, bound, &rng)
        case .bias:
            guard fill == .random else { return [UInt8](repeating: 0, count: 4 * n) }
            values = uniform(n, -0.1, 0.1, &rng)
        case .scale:
            guard fill == .random else { return [UInt8](repeating: 0, count: 4 * n) }
            values = uniform(n, 0.5, 1.5, &rng)
        }
        var out = [UInt8](repeating: 0, count: 4 * values.count)
        out.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        return out
    }

    static func uniform(_ n: Int, _ lo: Float, _ hi: Float, _ rng: inout SeededGenerator) -> [Float] {
        var v = [Float](repeating: 0, count: n)
        let span = hi - lo
        for i in 0..<n { v[i] = lo + span * rng.nextFloat() }
        return v
    }
}
