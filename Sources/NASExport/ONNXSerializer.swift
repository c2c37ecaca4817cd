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
/// same bytes (initializer `i` draws from its own stream, `SeededGenerator(seed)` split by `i`).
///
/// The initializers' data (nearly all of a file) is written once, in place, into a buffer of
/// the model's exact size; everything else is encoded with `ProtobufWriter`.
public enum ONNXSerializer {
    /// The IR version written.
    public static let irVersion = 8
    /// The default-domain opset written.
    public static let opsetVersion = 17

    // TensorProto.DataType values.
    static let floatType = 1
    static let int64Type = 7

    /// The serialized model. `metadata` becomes the model's `metadata_props` (key/value pairs,
    /// in this order), which runtimes expose (onnxruntime: `get_modelmeta().custom_metadata_map`).
    public static func modelBytes(_ graph: ONNXGraph, fill: WeightFill, seed: UInt64,
                                  producerVersion: String = "0.1.0", docString: String = "",
                                  metadata: [(key: String, value: String)] = []) -> [UInt8] {
        // Graph fields before the initializers: node (1), name (2).
        var before = ProtobufWriter()
        for node in graph.nodes { before.message(1) { writeNode(node, into: &$0) } }
        before.string(2, graph.name)
        // Each initializer (5): key, length, the tensor's fields up to raw_data's prefix; then data.
        var headers: [[UInt8]] = []
        var dataSizes: [Int] = []
        var initializersSize = 0
        for t in graph.initializers {
            let dataSize = t.count * (t.content.isInt64 ? 8 : 4)
            var tensor = ProtobufWriter()
            for d in t.dims { tensor.int(1, d) }                       // dims
            tensor.int(2, t.content.isInt64 ? int64Type : floatType)   // data_type
            tensor.string(8, t.name)                                   // name
            tensor.lengthPrefix(9, length: dataSize)                   // raw_data (little-endian)
            var entry = ProtobufWriter()
            entry.lengthPrefix(5, length: tensor.bytes.count + dataSize)
            headers.append(entry.bytes + tensor.bytes)
            dataSizes.append(dataSize)
            initializersSize += entry.bytes.count + tensor.bytes.count + dataSize
        }
        // After: input (11), output (12).
        var after = ProtobufWriter()
        for v in graph.inputs { after.message(11) { writeValueInfo(v, into: &$0) } }
        for v in graph.outputs { after.message(12) { writeValueInfo(v, into: &$0) } }
        let graphSize = before.bytes.count + initializersSize + after.bytes.count

        var head = ProtobufWriter()
        head.int(1, irVersion)                                  // ir_version
        head.string(2, "hwnasd")                                // producer_name
        head.string(3, producerVersion)                         // producer_version
        if !docString.isEmpty { head.string(6, docString) }     // doc_string
        head.lengthPrefix(7, length: graphSize)                 // graph
        var tail = ProtobufWriter()
        tail.message(8) { o in                                  // opset_import
            o.string(1, "")
            o.int(2, opsetVersion)
        }
        for (key, value) in metadata {
            tail.message(14) { e in                             // metadata_props
                e.string(1, key)
                e.string(2, value)
            }
        }

        var out = [UInt8](repeating: 0, count: head.bytes.count + graphSize + tail.bytes.count)
        out.withUnsafeMutableBytes { raw in
            var at = 0
            func put(_ b: [UInt8]) {
                b.withUnsafeBytes { raw.baseAddress!.advanced(by: at).copyMemory(from: $0.baseAddress!, byteCount: b.count) }
                at += b.count
            }
            put(head.bytes)
            put(before.bytes)
            var root = SeededGenerator(seed: seed)
            for (i, t) in graph.initializers.enumerated() {
                var rng = root.split(salt: UInt64(i))
                put(headers[i])
                fillData(t, fill: fill, rng: &rng, into: UnsafeMutableRawBufferPointer(rebasing: raw[at..<(at + dataSizes[i])]))
                at += dataSizes[i]
            }
            put(after.bytes)
            put(tail.bytes)
            precondition(at == raw.count, "ONNX size mismatch")
        }
        return out
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

    /// Writes the initializer's values (little-endian) into `out`, which holds zeros.
    static func fillData(_ t: ONNXInitializer, fill: WeightFill, rng: inout SeededGenerator, into out: UnsafeMutableRawBufferPointer) {
        func uniform(_ lo: Float, _ hi: Float) {
            guard fill == .random else { return }
            let span = hi - lo
            for i in 0..<t.count {
                out.storeBytes(of: (lo + span * rng.nextFloat()).bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
            }
        }
        switch t.content {
        case .floats(let values):
            for (i, v) in values.enumerated() { out.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        case .int64s(let values):
            for (i, v) in values.enumerated() { out.storeBytes(of: UInt64(bitPattern: Int64(v)).littleEndian, toByteOffset: 8 * i, as: UInt64.self) }
        case .weight(let fanIn):
            let bound = Float((3.0 / Double(max(1, fanIn))).squareRoot())
            uniform(-bound, bound)
        case .bias:
            uniform(-0.1, 0.1)
        case .scale:
            uniform(0.5, 1.5)
        }
    }
}

extension InitializerContent {
    var isInt64: Bool {
        if case .int64s = self { return true }
        return false
    }
}
