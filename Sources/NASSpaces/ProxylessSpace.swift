import NASCore

/// The ProxylessNAS mobile space (w1.0, 224x224): 21 mobile inverted-bottleneck layers in 6
/// stages of 4, 4, 4, 4, 4, 1 (widths 24, 40, 80, 96, 192, 320; strides 2, 2, 2, 1, 2, 1), each
/// layer kernel {3,5,7} x expand {3,6}, plus `zero` (the layer is skipped) on every layer but the
/// first of a stage, as in the paper.
///
/// Genes (21): an index into `ProxylessSpace.ops`; first layers of stages have 6 options (no
/// zero), the others 7. Accepted input: the compact op list `3x3_MBConv3-zero-...` (21 names
/// joined by `-`; the short names `k3_e3` are accepted too) and `{"ks":[21],"e":[21]}` with
/// `0, 0` for zero.
public struct ProxylessSpace: SearchSpace {
    /// Op names in gene order (ProxylessNAS spelling).
    public static let ops = ["3x3_MBConv3", "3x3_MBConv6", "5x5_MBConv3", "5x5_MBConv6", "7x7_MBConv3", "7x7_MBConv6", "zero"]
    static let shortOps = ["k3_e3", "k3_e6", "k5_e3", "k5_e6", "k7_e3", "k7_e6", "zero"]
    /// (kernel, expand) of ops 0..5; op 6 is zero.
    public static let shapes: [(k: Int, e: Int)] = [(3, 3), (3, 6), (5, 3), (5, 6), (7, 3), (7, 6)]
    /// Layers, output channels and first-layer strides of the 6 stages.
    public static let stageDepths = [4, 4, 4, 4, 4, 1]
    public static let stageChannels = [24, 40, 80, 96, 192, 320]
    public static let stageStrides = [2, 2, 2, 1, 2, 1]
    static let layers = 21
    /// Whether layer `l` is the first of its stage (no zero option).
    static let isFirst: [Bool] = {
        var f: [Bool] = []
        for d in stageDepths { for j in 0..<d { f.append(j == 0) } }
        return f
    }()

    /// Makes the space.
    public init() {}

    public var id: String { "proxyless" }
    public var summary: String {
        "ProxylessNAS mobile: 21 MBConv layers, kernel {3,5,7} x expand {3,6}, plus zero except on the first layer of each stage; 224x224"
    }
    /// Options of each layer (stored: read on every validation).
    static let cardinalityList = isFirst.map { $0 ? 6 : 7 }
    /// Byte-level parse of well-formed op lists in either spelling; anything else goes to the
    /// general parser, which explains it.
    static let opList = OpListFormat(cardinalities: cardinalityList, spellings: [ops, shortOps], acceptsIndices: false)
    public var cardinalities: [Int] { Self.cardinalityList }
    public var decisionNames: [String] {
        var names: [String] = []
        for (s, d) in Self.stageDepths.enumerated() { for j in 0..<d { names.append("layer\(names.count) (stage\(s).layer\(j))") } }
        return names
    }
    public func optionLabels(ofDecision i: Int) -> [String] { Array(Self.ops.prefix(cardinalities[i])) }
    public var size: Double { Self.isFirst.reduce(1.0) { $0 * ($1 ? 6 : 7) } }
    public var inputDescription: String { "ImageNet 224x224x3, 1000 classes" }

    public func parse(_ text: String) throws(NASError) -> Architecture {
        if let fast = Self.opList.parse(text) { return fast }
        let t = text.trimmingSpaces
        let tokens = t.split(separator: "-", omittingEmptySubsequences: false)
        guard tokens.count == Self.layers else {
            throw SpaceErrors.malformed(id, "expected 21 ops joined by '-' (like 3x3_MBConv6-zero-...), got \(tokens.count) in '\(t.prefix(120))'")
        }
        var genes = [UInt8](repeating: 0, count: Self.layers)
        for (l, tok) in tokens.enumerated() {
            guard let op = Self.ops.firstIndex(where: { $0 == tok }) ?? Self.shortOps.firstIndex(where: { $0 == tok }) else {
                throw SpaceErrors.invalid(id, "layer \(l)", "unknown op '\(tok)'", allowed: optionLabels(ofDecision: l).joined(separator: ", "))
            }
            guard op < cardinalities[l] else {
                throw SpaceErrors.invalid(id, "layer \(l)", "zero is not allowed on the first layer of a stage",
                                          allowed: optionLabels(ofDecision: l).joined(separator: ", "))
            }
            genes[l] = UInt8(op)
        }
        return Architecture(genes: genes)
    }

    public func parse(fields: [String: [Int]]) throws(NASError) -> Architecture {
        guard let ks = fields["ks"], let e = fields["e"] else {
            throw SpaceErrors.malformed(id, "expected the fields 'ks' and 'e' (21 values each; 0 and 0 for zero)")
        }
        guard ks.count == Self.layers else { throw SpaceErrors.invalid(id, "ks", "expected 21 values, got \(ks.count)") }
        guard e.count == Self.layers else { throw SpaceErrors.invalid(id, "e", "expected 21 values, got \(e.count)") }
        return try architecture(ks: ks, e: e)
    }

    /// The layers of 21 (kernel, expand) pairs, `0, 0` for zero, or the error naming the first
    /// pair that is no option.
    private func architecture<C: RandomAccessCollection<Int>>(ks: C, e: C) throws(NASError) -> Architecture where C.Index == Int {
        var genes = [UInt8](repeating: 0, count: Self.layers)
        for l in 0..<Self.layers {
            let k = ks[ks.startIndex + l], x = e[e.startIndex + l]
            if k == 0 && x == 0 && !Self.isFirst[l] {
                genes[l] = 6
            } else if UInt(k) < 8, UInt(x) < 8, Self.shapeOfPair[k * 8 + x] != 0xFF {
                genes[l] = Self.shapeOfPair[k * 8 + x]
            } else {
                throw SpaceErrors.invalid(id, "layer \(l)", "(ks \(k), e \(x)) is not an option",
                                          allowed: "ks in 3, 5, 7 with e in 3, 6" + (Self.isFirst[l] ? "" : "; or ks 0, e 0 for zero"))
            }
        }
        return Architecture(genes: genes)
    }

    /// The index in `shapes` of (kernel k, expand e) at `k * 8 + e`, 0xFF for no shape.
    private static let shapeOfPair: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 64)
        for (i, s) in shapes.enumerated() { t[s.k * 8 + s.e] = UInt8(i) }
        return t
    }()

    /// `{"ks":[21 ints],"e":[21 ints]}`.
    static let objectForm = ObjectForm([.init(["ks"], count: layers), .init(["e"], count: layers)])

    public func parse(objectText: UnsafeBufferPointer<UInt8>) -> Architecture? {
        Self.objectForm.architecture(objectText) { v, _ in
            try? architecture(ks: UnsafeBufferPointer(rebasing: v[0..<Self.layers]), e: UnsafeBufferPointer(rebasing: v[Self.layers..<(2 * Self.layers)]))
        }
    }

    public func fields(of arch: Architecture) -> [String: [Int]] {
        let g = arch.genes.map { Int($0) }
        return ["ks": g.map { $0 == 6 ? 0 : Self.shapes[$0].k }, "e": g.map { $0 == 6 ? 0 : Self.shapes[$0].e }]
    }

    public func format(_ arch: Architecture) -> String { arch.genes.map { Self.ops[Int($0)] }.joined(separator: "-") }
    public func canonicalize(_ arch: inout Architecture) {}
    public func isActive(decision i: Int, in arch: Architecture) -> Bool { true }
    public func enumerateAll() -> [Architecture]? { nil }

    public var encodings: [String] { ["onehot"] }
    public func encodingDimension(_ encoding: String) throws(NASError) -> Int {
        guard encoding == "onehot" else { throw SpaceErrors.unknownEncoding(id, encoding, known: encodings) }
        return Self.layers * 6
    }

    /// Per layer 6 values: ks one-hot (3), e one-hot (2), and a "zero" flag (1 when skipped, the
    /// other five then 0).
    public func encodingInfo(_ encoding: String) throws(NASError) -> [EncodingDimension] {
        _ = try encodingDimension(encoding)
        var dims: [EncodingDimension] = []
        for (l, name) in decisionNames.enumerated() {
            for k in [3, 5, 7] {
                dims.append(EncodingDimension(index: dims.count, name: "layer\(l).ks=\(k)", kind: "onehot", description: "1 when \(name) has kernel \(k); 0 when zero"))
            }
            for e in [3, 6] {
                dims.append(EncodingDimension(index: dims.count, name: "layer\(l).e=\(e)", kind: "onehot", description: "1 when \(name) has expand ratio \(e); 0 when zero"))
            }
            dims.append(EncodingDimension(index: dims.count, name: "layer\(l).zero", kind: "binary", description: "1 when \(name) is zero (skipped)"))
        }
        return dims
    }

    public func encode(_ arch: Architecture, encoding: String, into out: UnsafeMutableBufferPointer<Float>) {
        arch.genes.withUnsafeBufferPointer { g in
            for l in 0..<Self.layers {
                let op = Int(g[l])
                if op == 6 {
                    out[l * 6 + 5] = 1
                } else {
                    out[l * 6 + op / 2] = 1
                    out[l * 6 + 3 + op % 2] = 1
                }
            }
        }
    }

    /// Layer shapes of ProxylessNAS mobile (w1.0): 3x3 stem (32, stride 2), first block
    /// (depthwise 3x3 on 32 + 1x1 to 16), the 21 layers (mid = in * e; zero layers cost nothing),
    /// a 1x1 320->1280 feature-mix conv before pooling, and a 1280->1000 classifier.
    public func cost(of arch: Architecture) -> ArchitectureCost {
        var c = LayerCounter()
        var h = 112
        c.conv(inC: 3, outC: 32, k: 3, outH: h, bn: true)
        c.invertedBottleneck(inC: 32, outC: 16, mid: 32, k: 3, stride: 1, inH: h, expand: false, se: false)
        var inC = 16
        var l = 0
        for (s, d) in Self.stageDepths.enumerated() {
            for j in 0..<d {
                let op = Int(arch.genes[l])
                l += 1
                if op == 6 { continue }
                let shape = Self.shapes[op]
                h = c.invertedBottleneck(inC: inC, outC: Self.stageChannels[s], mid: inC * shape.e, k: shape.k,
                                         stride: j == 0 ? Self.stageStrides[s] : 1, inH: h, expand: true, se: false)
                inC = Self.stageChannels[s]
            }
        }
        c.conv(inC: inC, outC: 1280, k: 1, outH: h, bn: true)
        c.linear(inF: 1280, outF: 1000, bias: true)
        return c.cost
    }
}
