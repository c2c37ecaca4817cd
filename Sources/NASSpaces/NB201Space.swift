import NASCore

/// NAS-Bench-201: a cell of 4 nodes whose 6 edges each pick one of 5 ops; 15,625 cells,
/// stacked 5 per stage in a 3-stage CIFAR network (16/32/64 channels).
///
/// Genes: the 6 edges in order (1<-0), (2<-0), (2<-1), (3<-0), (3<-1), (3<-2), each an index into
/// `NB201Space.ops`. Accepted input: the arch string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`, the
/// official index as a decimal string, and the objects `{"index":[i]}` or `{"ops":[6 ints]}`.
public struct NB201Space: SearchSpace {
    /// The op names, in gene order.
    public static let ops = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
    /// (target, source) node of each edge, in gene order.
    public static let edges: [(to: Int, from: Int)] = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]
    /// Number of cells.
    public static let count = 15_625

    /// The official-order table, decoded once.
    private let table: NB201IndexTable

    /// Makes the space (the index table is decoded once per process and shared).
    public init() { table = NB201IndexTable.shared }

    public var id: String { "nb201" }
    public var summary: String {
        "NAS-Bench-201 cell: 6 edges x {none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3}; 15,625 cells in official index order"
    }
    /// Options of each edge (stored: read on every validation).
    static let cardinalityList = [5, 5, 5, 5, 5, 5]
    public var cardinalities: [Int] { Self.cardinalityList }
    public var decisionNames: [String] { Self.edges.map { "edge(\($0.to)<-\($0.from))" } }
    public func optionLabels(ofDecision i: Int) -> [String] { Self.ops }
    public var size: Double { Double(Self.count) }
    public var inputDescription: String { "CIFAR 32x32x3, stem 16 channels, 3 stages of 5 cells (16/32/64 channels), 10 classes" }

    public func parse(_ text: String) throws(NASError) -> Architecture {
        if let fast = Self.parseWellFormed(text) { return fast }
        let t = text.trimmingSpaces
        if !t.isEmpty, t.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            guard t.utf8.count <= 6, let idx = Int(t) else {
                throw SpaceErrors.invalid(id, "index", "index \(t) out of range", allowed: "0...15624")
            }
            return try architecture(officialIndex: idx)
        }
        let nodes = t.split(separator: "+", omittingEmptySubsequences: false)
        guard nodes.count == 3 else {
            throw SpaceErrors.malformed(id, "expected 3 nodes joined by '+' like |op~0|+|op~0|op~1|+|op~0|op~1|op~2|, got \(nodes.count) in '\(t.prefix(120))'")
        }
        var genes = [UInt8](repeating: 0, count: 6)
        var g = 0
        for (k, node) in nodes.enumerated() {
            let target = k + 1
            guard node.first == "|", node.last == "|", node.count >= 2 else {
                throw SpaceErrors.invalid(id, "node \(target)", "expected |op~i|...| but got '\(node)'")
            }
            let tokens = node.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
            guard tokens.count == target else {
                throw SpaceErrors.invalid(id, "node \(target)", "expected \(target) incoming edges, got \(tokens.count)")
            }
            for (src, tok) in tokens.enumerated() {
                let position = "edge \(g) (\(target)<-\(src))"
                let parts = tok.split(separator: "~", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw SpaceErrors.invalid(id, position, "expected op~\(src) but got '\(tok)'")
                }
                guard parts[1] == Substring(String(src)) else {
                    throw SpaceErrors.invalid(id, position, "source node '\(parts[1])' out of order", allowed: "\(src)")
                }
                guard let op = Self.ops.firstIndex(where: { $0 == parts[0] }) else {
                    throw SpaceErrors.invalid(id, position, "unknown op '\(parts[0])'", allowed: Self.ops.joined(separator: ", "))
                }
                genes[g] = UInt8(op)
                g += 1
            }
        }
        return Architecture(genes: genes)
    }

    /// The op names as UTF-8, for the byte-level fast path.
    private static let opBytes: [[UInt8]] = ops.map { Array($0.utf8) }

    /// Byte-level parse of a well-formed arch string (the common case, ~50x faster than the
    /// general parser); nil for anything else, which the general parser then explains.
    static func parseWellFormed(_ text: String) -> Architecture? {
        var text = text
        return text.withUTF8 { b -> Architecture? in
            let n = b.count
            var i = 0
            var genes = [UInt8](repeating: 0, count: 6)
            var g = 0
            for k in 1...3 {
                if k > 1 {
                    guard i < n, b[i] == UInt8(ascii: "+") else { return nil }
                    i += 1
                }
                guard i < n, b[i] == UInt8(ascii: "|") else { return nil }
                i += 1
                for src in 0..<k {
                    let start = i
                    while i < n && b[i] != UInt8(ascii: "~") { i += 1 }
                    let length = i - start
                    var op = -1
                    for (o, name) in opBytes.enumerated() where name.count == length {
                        var same = true
                        for j in 0..<length where name[j] != b[start + j] { same = false; break }
                        if same { op = o; break }
                    }
                    guard op >= 0, i + 2 < n, b[i] == UInt8(ascii: "~"), b[i + 1] == UInt8(48 + src),
                          b[i + 2] == UInt8(ascii: "|") else { return nil }
                    i += 3
                    genes[g] = UInt8(op)
                    g += 1
                }
            }
            return i == n ? Architecture(genes: genes) : nil
        }
    }

    public func parse(fields: [String: [Int]]) throws(NASError) -> Architecture {
        if let index = fields["index"] {
            guard index.count == 1 else { throw SpaceErrors.invalid(id, "index", "expected 1 value, got \(index.count)") }
            return try architecture(officialIndex: index[0])
        }
        guard let ops = fields["ops"] else {
            throw SpaceErrors.malformed(id, "expected the field 'index' (official index) or 'ops' (6 op indices)")
        }
        guard ops.count == 6 else { throw SpaceErrors.invalid(id, "ops", "expected 6 values, got \(ops.count)") }
        return try architecture(ops: ops)
    }

    /// The cell of 6 op indices (`ops.count` is 6), or the error naming the first out of range.
    private func architecture<C: RandomAccessCollection<Int>>(ops: C) throws(NASError) -> Architecture where C.Index == Int {
        var genes = [UInt8](repeating: 0, count: 6)
        for i in 0..<6 {
            let v = ops[ops.startIndex + i]
            guard (0..<5).contains(v) else {
                throw SpaceErrors.invalid(id, "ops[\(i)] \(decisionNames[i])", "op index \(v) out of range",
                                          allowed: "0...4 (\(Self.ops.joined(separator: ", ")))")
            }
            genes[i] = UInt8(v)
        }
        return Architecture(genes: genes)
    }

    /// `{"index":[i]}` and `{"ops":[6 ints]}` (both may be given; the index wins, as in
    /// `parse(fields:)`).
    static let objectForm = ObjectForm([.init(["index"], count: 1, optional: true), .init(["ops"], count: 6, optional: true)])

    public func parse(objectText: UnsafeBufferPointer<UInt8>) -> Architecture? {
        Self.objectForm.architecture(objectText) { v, seen in
            if seen & 1 != 0 { return try? architecture(officialIndex: v[0]) }
            guard seen & 2 != 0 else { return nil }
            return try? architecture(ops: UnsafeBufferPointer(rebasing: v[1..<7]))
        }
    }

    public func fields(of arch: Architecture) -> [String: [Int]] {
        var f: [String: [Int]] = ["ops": arch.genes.map { Int($0) }]
        if let idx = officialIndex(of: arch) { f["index"] = [idx] }
        return f
    }

    public func format(_ arch: Architecture) -> String {
        let g = arch.genes
        func e(_ i: Int, _ src: Int) -> String { "\(Self.ops[Int(g[i])])~\(src)" }
        return "|\(e(0, 0))|+|\(e(1, 0))|\(e(2, 1))|+|\(e(3, 0))|\(e(4, 1))|\(e(5, 2))|"
    }

    public func canonicalize(_ arch: inout Architecture) {}

    public func isActive(decision i: Int, in arch: Architecture) -> Bool { true }

    /// True when every path from node 0 to node 3 crosses a `none` edge (341 of the 15,625 cells).
    public func hasNoDataPath(_ arch: Architecture) -> Bool {
        Self.nodesFed(arch) & (1 << 3) == 0
    }

    /// Nodes the input reaches through non-`none` edges, as a bit mask (bit n: node n); no
    /// allocation, since `predict` asks it of every architecture.
    private static func nodesFed(_ arch: Architecture) -> UInt8 {
        var reached: UInt8 = 1
        for (e, edge) in edges.enumerated() where arch.genes[e] != 0 && reached & (1 << edge.from) != 0 {
            reached |= 1 << edge.to  // edges are listed by target node, sources before targets
        }
        return reached
    }

    /// Edges on a path from node 0 to node 3 through non-`none` edges.
    public func dataPathDecisions(_ arch: Architecture) -> [Bool]? {
        guard arch.genes.count == Self.edges.count else { return nil }
        let fromInput = Self.nodesFed(arch)
        var toOutput: UInt8 = 1 << 3
        for (e, edge) in Self.edges.enumerated().reversed() where arch.genes[e] != 0 && toOutput & (1 << edge.to) != 0 {
            toOutput |= 1 << edge.from
        }
        return Self.edges.indices.map { e in
            arch.genes[e] != 0 && fromInput & (1 << Self.edges[e].from) != 0 && toOutput & (1 << Self.edges[e].to) != 0
        }
    }

    /// The official index a client wrote as an integer.
    public func parse(index: Int) throws(NASError) -> Architecture { try architecture(officialIndex: index) }

    /// The architecture with an official index, or an error naming the allowed range.
    public func architecture(officialIndex idx: Int) throws(NASError) -> Architecture {
        guard (0..<Self.count).contains(idx) else {
            throw SpaceErrors.invalid(id, "index", "index \(idx) out of range", allowed: "0...15624")
        }
        return NB201IndexTable.architecture(code: table.codeOfIndex[idx])
    }

    public func officialIndex(of arch: Architecture) -> Int? {
        guard arch.genes.count == 6 else { return nil }
        return Int(table.indexOfCode[NB201IndexTable.code(of: arch)])
    }

    public func enumerateAll() -> [Architecture]? {
        table.codeOfIndex.map { NB201IndexTable.architecture(code: $0) }
    }

    // MARK: Encodings

    public var encodings: [String] { ["onehot", "graph"] }

    public func encodingDimension(_ encoding: String) throws(NASError) -> Int {
        switch encoding {
        case "onehot": return 30
        case "graph": return NB201Graph.dimension
        default: throw SpaceErrors.unknownEncoding(id, encoding, known: encodings)
        }
    }

    public func encodingInfo(_ encoding: String) throws(NASError) -> [EncodingDimension] {
        switch encoding {
        case "onehot":
            var dims: [EncodingDimension] = []
            for (e, name) in decisionNames.enumerated() {
                for (o, op) in Self.ops.enumerated() {
                    dims.append(EncodingDimension(index: e * 5 + o, name: "\(name)=\(op)", kind: "onehot",
                                                  description: "1 when edge \(e) \(name) is \(op)"))
                }
            }
            return dims
        case "graph": return NB201Graph.info
        default: throw SpaceErrors.unknownEncoding(id, encoding, known: encodings)
        }
    }

    public func encode(_ arch: Architecture, encoding: String, into out: UnsafeMutableBufferPointer<Float>) {
        if encoding == "graph" {
            NB201Graph.encode(arch, into: out)
            return
        }
        arch.genes.withUnsafeBufferPointer { g in
            for e in 0..<6 { out[e * 5 + Int(g[e])] = 1 }
        }
    }

    // MARK: Cost

    public func cost(of arch: Architecture) -> ArchitectureCost {
        NB201Cost.cost(of: arch)
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return s
    }
}
