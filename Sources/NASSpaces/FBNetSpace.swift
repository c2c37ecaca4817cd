import NASCore

/// FBNet as benchmarked by HW-NAS-Bench on CIFAR-100: 22 searchable blocks, each one of 9 ops.
///
/// Genes: the 22 blocks in network order, each an index into `FBNetSpace.ops`. Accepted input:
/// `op_idx_list` (`7-8-1-...`, 22 integers joined by `-`), the op-name list (`k5_e6-skip-...`),
/// and the objects `{"op_idx_list":[22 ints]}` (alias `ops`). Formats back to `op_idx_list`.
public struct FBNetSpace: SearchSpace {
    /// Op names in gene order: kernel k, expansion e, g2 = grouped (2 groups) 1x1 convs.
    public static let ops = ["k3_e1", "k3_e1_g2", "k3_e3", "k3_e6", "k5_e1", "k5_e1_g2", "k5_e3", "k5_e6", "skip"]
    /// (kernel, expansion, groups) of ops 0..7; op 8 is skip.
    public static let opShapes: [(k: Int, e: Int, g: Int)] = [(3, 1, 1), (3, 1, 2), (3, 3, 1), (3, 6, 1), (5, 1, 1), (5, 1, 2), (5, 3, 1), (5, 6, 1)]
    /// Blocks per stage, output channels and strides (CIFAR-100 setting of HW-NAS-Bench).
    public static let stageDepths = [1, 4, 4, 4, 4, 4, 1]
    public static let stageChannels = [16, 24, 32, 64, 112, 184, 352]
    public static let stageStrides = [1, 1, 2, 2, 1, 2, 1]
    /// Stem, head and classifier widths.
    public static let stemChannels = 16
    public static let headChannels = 1504
    public static let classes = 100
    /// Number of searchable blocks.
    public static let blocks = 22

    /// Makes the space.
    public init() {}

    public var id: String { "fbnet" }
    public var summary: String { "FBNet (HW-NAS-Bench, CIFAR-100): 22 searchable blocks x 9 ops; 9^22 architectures" }
    /// Options of each block (stored: read on every validation).
    static let cardinalityList = [Int](repeating: 9, count: blocks)
    public var cardinalities: [Int] { Self.cardinalityList }
    public var decisionNames: [String] {
        var names: [String] = []
        for (s, d) in Self.stageDepths.enumerated() { for l in 0..<d { names.append("block\(names.count) (stage\(s).layer\(l))") } }
        return names
    }
    public func optionLabels(ofDecision i: Int) -> [String] { Self.ops }
    public var size: Double { pow9(22) }
    public var inputDescription: String { "CIFAR-100 32x32x3, stem 3x3 conv 16 ch stride 1, head 1x1 conv 1504 ch, 100 classes" }

    private func pow9(_ n: Int) -> Double { (0..<n).reduce(1.0) { acc, _ in acc * 9 } }

    public func parse(_ text: String) throws(NASError) -> Architecture {
        if let fast = Self.opList.parse(text) { return fast }
        let t = text.trimmingSpaces
        let tokens = t.split(separator: "-", omittingEmptySubsequences: false)
        guard tokens.count == Self.blocks else {
            throw SpaceErrors.malformed(id, "expected \(Self.blocks) ops joined by '-' (op_idx_list like 7-8-1-... or names like k5_e6-skip-...), got \(tokens.count) in '\(t.prefix(120))'")
        }
        var genes = [UInt8](repeating: 0, count: Self.blocks)
        for (i, tok) in tokens.enumerated() {
            if let v = Int(tok) {
                guard (0..<9).contains(v) else {
                    throw SpaceErrors.invalid(id, "block \(i)", "op index \(v) out of range", allowed: "0...8 (\(Self.ops.joined(separator: ", ")))")
                }
                genes[i] = UInt8(v)
            } else if let op = Self.ops.firstIndex(where: { $0 == tok }) {
                genes[i] = UInt8(op)
            } else {
                throw SpaceErrors.invalid(id, "block \(i)", "unknown op '\(tok)'", allowed: "0...8 or \(Self.ops.joined(separator: ", "))")
            }
        }
        return Architecture(genes: genes)
    }

    /// Byte-level parse of the well-formed forms (`7-8-1-...`, `k5_e6-skip-...`); anything else
    /// goes to the general parser, which explains it.
    static let opList = OpListFormat(cardinalities: cardinalityList, spellings: [ops], acceptsIndices: true)

    public func parse(fields: [String: [Int]]) throws(NASError) -> Architecture {
        guard let ops = fields["op_idx_list"] ?? fields["ops"] else {
            throw SpaceErrors.malformed(id, "expected the field 'op_idx_list' (22 op indices)")
        }
        guard ops.count == Self.blocks else {
            throw SpaceErrors.malformed(id, "expected \(Self.blocks) op indices in 'op_idx_list', got \(ops.count)")
        }
        return try architecture(ops: ops)
    }

    /// The blocks of 22 op indices (`ops.count` is 22), or the error naming the first out of range.
    private func architecture<C: RandomAccessCollection<Int>>(ops: C) throws(NASError) -> Architecture where C.Index == Int {
        var genes = [UInt8](repeating: 0, count: Self.blocks)
        for i in 0..<Self.blocks {
            let v = ops[ops.startIndex + i]
            guard (0..<9).contains(v) else {
                throw SpaceErrors.invalid(id, "block \(i)", "op index \(v) out of range", allowed: "0...8 (\(Self.ops.joined(separator: ", ")))")
            }
            genes[i] = UInt8(v)
        }
        return Architecture(genes: genes)
    }

    /// `{"op_idx_list":[22 ints]}` (alias `ops`; an object naming both is left to `parse(fields:)`).
    static let objectForm = ObjectForm([.init(["op_idx_list", "ops"], count: blocks)])

    public func parse(objectText: UnsafeBufferPointer<UInt8>) -> Architecture? {
        Self.objectForm.architecture(objectText) { v, _ in try? architecture(ops: v) }
    }

    public func fields(of arch: Architecture) -> [String: [Int]] { ["op_idx_list": arch.genes.map { Int($0) }] }

    public func format(_ arch: Architecture) -> String { arch.genes.map { String($0) }.joined(separator: "-") }

    /// The op-name list, e.g. `k5_e6-skip-...`.
    public func formatNames(_ arch: Architecture) -> String { arch.genes.map { Self.ops[Int($0)] }.joined(separator: "-") }

    public func canonicalize(_ arch: inout Architecture) {}
    public func isActive(decision i: Int, in arch: Architecture) -> Bool { true }
    public func enumerateAll() -> [Architecture]? { nil }

    public var encodings: [String] { ["onehot"] }

    public func encodingDimension(_ encoding: String) throws(NASError) -> Int {
        guard encoding == "onehot" else { throw SpaceErrors.unknownEncoding(id, encoding, known: encodings) }
        return Self.blocks * 9
    }

    public func encodingInfo(_ encoding: String) throws(NASError) -> [EncodingDimension] {
        _ = try encodingDimension(encoding)
        var dims: [EncodingDimension] = []
        for b in 0..<Self.blocks {
            for (o, op) in Self.ops.enumerated() {
                dims.append(EncodingDimension(index: b * 9 + o, name: "block\(b)=\(op)", kind: "onehot",
                                              description: "1 when searchable block \(b) is \(op)"))
            }
        }
        return dims
    }

    public func encode(_ arch: Architecture, encoding: String, into out: UnsafeMutableBufferPointer<Float>) {
        arch.genes.withUnsafeBufferPointer { g in
            for b in 0..<Self.blocks { out[b * 9 + Int(g[b])] = 1 }
        }
    }

    /// MACs/params of the HW-NAS-Bench CIFAR-100 macro network: a block is 1x1 conv (groups g)
    /// -> kxk depthwise (stride) -> 1x1 conv (groups g), BN after each; skip is free unless the
    /// shape changes, then a 1x1 conv (stride) + BN.
    public func cost(of arch: Architecture) -> ArchitectureCost {
        var c = LayerCounter()
        var h = 32
        c.conv(inC: 3, outC: Self.stemChannels, k: 3, outH: h, bn: true)
        var inC = Self.stemChannels
        var b = 0
        for (s, depth) in Self.stageDepths.enumerated() {
            let outC = Self.stageChannels[s]
            for l in 0..<depth {
                let stride = l == 0 ? Self.stageStrides[s] : 1
                let outH = (h - 1) / stride + 1
                let op = Int(arch.genes[b])
                if op == 8 {
                    if stride != 1 || inC != outC { c.conv(inC: inC, outC: outC, k: 1, outH: outH, bn: true) }
                } else {
                    let shape = Self.opShapes[op]
                    let mid = inC * shape.e
                    c.conv(inC: inC, outC: mid, k: 1, outH: h, groups: shape.g, bn: true)
                    c.conv(inC: mid, outC: mid, k: shape.k, outH: outH, groups: mid, bn: true)
                    c.conv(inC: mid, outC: outC, k: 1, outH: outH, groups: shape.g, bn: true)
                }
                h = outH
                inC = outC
                b += 1
            }
        }
        c.conv(inC: inC, outC: Self.headChannels, k: 1, outH: h, bn: true)
        c.linear(inF: Self.headChannels, outF: Self.classes, bias: true)
        return c.cost
    }
}
