import NASCore

/// The gene layout of an OFA-style elastic MobileNet space: per-layer kernel size and expand
/// ratio, per-stage depth, and input resolution.
///
/// Genes: `layers` kernel-size indices, then `layers` expand-ratio indices, then one depth index
/// per elastic stage (stages whose maximum depth is > 1), then the resolution index. Layer `j` of
/// stage `i` is active iff `j < d[i]` (fixed-depth stages are always fully active); canonical
/// form sets the kernel and expand genes of inactive layers to 0, which `format` prints as the
/// first option (kernel 3, expand 3).
public final class ElasticLayout: Sendable {
    /// Maximum number of layers of each stage.
    public let stageDepths: [Int]
    let kernelSizes: [Int]
    let expandRatios: [Int]
    let depths: [Int]
    let resolutions: [Int]

    /// Total layers (sum of `stageDepths`).
    let layers: Int
    /// Indices of stages with an elastic depth.
    let elasticStages: [Int]
    /// Stage of each layer, and the layer's position within its stage.
    let stageOfLayer: [Int]
    let slotOfLayer: [Int]
    /// First layer of each stage.
    let firstLayer: [Int]
    /// The `key=..` string format: ks, e, d, r.
    let format: KeyedListFormat
    /// The object form `{"ks":[..],"e":[..],"d":[..],"r":[res]}` (alias `resolution` for `r`; an
    /// object naming both is left to `parse(fields:)`), its values laid out as the string format's.
    let objectForm: ObjectForm
    /// Value → option index (0xFF: not an option) of each kind of gene.
    private let optionTables: (ks: [UInt8], e: [UInt8], d: [UInt8], r: [UInt8])

    init(stageDepths: [Int], kernelSizes: [Int] = [3, 5, 7], expandRatios: [Int] = [3, 4, 6],
         depths: [Int] = [2, 3, 4], resolutions: [Int] = Array(stride(from: 128, through: 224, by: 4))) {
        self.stageDepths = stageDepths
        self.kernelSizes = kernelSizes
        self.expandRatios = expandRatios
        self.depths = depths
        self.resolutions = resolutions
        layers = stageDepths.reduce(0, +)
        elasticStages = stageDepths.indices.filter { stageDepths[$0] > 1 }
        var st: [Int] = [], sl: [Int] = [], first: [Int] = []
        for (s, d) in stageDepths.enumerated() {
            first.append(st.count)
            for j in 0..<d { st.append(s); sl.append(j) }
        }
        stageOfLayer = st
        slotOfLayer = sl
        firstLayer = first
        format = KeyedListFormat([("ks", layers), ("e", layers), ("d", elasticStages.count), ("r", 1)])
        let keyed = format
        objectForm = ObjectForm(keyed.names.enumerated().map { k, name in
            .init(name == "r" ? ["r", "resolution"] : [name], count: keyed.counts[k])
        })
        func table(_ values: [Int]) -> [UInt8] {
            var t = [UInt8](repeating: 0xFF, count: (values.max() ?? 0) + 1)
            for (i, v) in values.enumerated() where v >= 0 { t[v] = UInt8(i) }
            return t
        }
        optionTables = (table(kernelSizes), table(expandRatios), table(depths), table(resolutions))
        cardinalities = [Int](repeating: kernelSizes.count, count: layers) + [Int](repeating: expandRatios.count, count: layers)
            + [Int](repeating: depths.count, count: elasticStages.count) + [resolutions.count]
        decisionNames = (0..<layers).map { "ks[\($0)] (stage\(st[$0]).layer\(sl[$0]))" }
            + (0..<layers).map { "e[\($0)] (stage\(st[$0]).layer\(sl[$0]))" }
            + elasticStages.enumerated().map { "d[\($0.offset)] (stage\($0.element))" } + ["r"]
    }

    var ksBase: Int { 0 }
    var eBase: Int { layers }
    var dBase: Int { 2 * layers }
    var rGene: Int { 2 * layers + elasticStages.count }
    var geneCount: Int { rGene + 1 }

    /// Options per gene (stored: read on every validation and mutation).
    let cardinalities: [Int]
    /// A name per gene.
    let decisionNames: [String]

    func optionLabels(ofDecision i: Int) -> [String] {
        let values = i < eBase ? kernelSizes : i < dBase ? expandRatios : i < rGene ? depths : resolutions
        return values.map { String($0) }
    }

    /// Number of distinct networks: per resolution, the product over elastic stages of the sum over
    /// depths of (ks x e)^depth, times (ks x e)^layers of fixed stages.
    var size: Double {
        let per = Double(kernelSizes.count * expandRatios.count)
        var total = Double(resolutions.count)
        for d in stageDepths {
            if d > 1 {
                total *= depths.reduce(0.0) { $0 + pow(per, $1) }
            } else {
                total *= pow(per, d)
            }
        }
        return total
    }

    private func pow(_ x: Double, _ n: Int) -> Double { (0..<n).reduce(1.0) { acc, _ in acc * x } }

    /// Depth of stage `s` in `genes`.
    @inline(__always)
    func depth(ofStage s: Int, _ genes: UnsafeBufferPointer<UInt8>) -> Int {
        if stageDepths[s] <= 1 { return stageDepths[s] }
        let k = elasticStages.firstIndex(of: s)!
        return depths[Int(genes[dBase + k])]
    }

    func isActive(decision i: Int, in arch: Architecture) -> Bool {
        guard i < dBase else { return true }
        let layer = i < eBase ? i : i - eBase
        let s = stageOfLayer[layer]
        return arch.genes.withUnsafeBufferPointer { slotOfLayer[layer] < depth(ofStage: s, $0) }
    }

    /// Every gene's `isActive`: kernel and expand genes of layers within their stage's depth,
    /// and every depth and resolution gene.
    func activeDecisions(in arch: Architecture, into out: UnsafeMutableBufferPointer<Bool>) {
        arch.genes.withUnsafeBufferPointer { g in
            var k = 0
            for (s, maxD) in stageDepths.enumerated() {
                var d = maxD
                if maxD > 1 {
                    d = depths[Int(g[dBase + k])]
                    k += 1
                }
                let first = firstLayer[s]
                for j in 0..<maxD {
                    out[ksBase + first + j] = j < d
                    out[eBase + first + j] = j < d
                }
            }
            for i in dBase..<geneCount { out[i] = true }
        }
    }

    func canonicalize(_ arch: inout Architecture) {
        arch.genes.withUnsafeMutableBufferPointer { canonicalize($0) }
    }

    /// Sets the kernel and expand genes of layers beyond their stage's depth to 0.
    @inline(__always)
    private func canonicalize(_ g: UnsafeMutableBufferPointer<UInt8>) {
        var k = 0
        for (s, maxD) in stageDepths.enumerated() where maxD > 1 {
            let d = depths[Int(g[dBase + k])]
            k += 1
            let first = firstLayer[s]
            for j in d..<maxD {
                g[ksBase + first + j] = 0
                g[eBase + first + j] = 0
            }
        }
    }

    /// Genes from the flat values `ks..., e..., d..., r` (validated, canonicalized); the genes
    /// array is the only allocation.
    func architecture(values v: UnsafeBufferPointer<Int>, space: String) throws(NASError) -> Architecture {
        var genes = [UInt8](repeating: 0, count: geneCount)
        let valid = genes.withUnsafeMutableBufferPointer { fill($0, values: v) }
        guard valid else { throw invalidValue(v, space: space) }
        return Architecture(genes: genes)
    }

    /// Writes the canonical genes of `v` into `g`; false at the first value that is no option
    /// (branch-free lookups: this runs for every architecture of a big `predict`).
    private func fill(_ g: UnsafeMutableBufferPointer<UInt8>, values v: UnsafeBufferPointer<Int>) -> Bool {
        @inline(__always) func index(_ value: Int, _ table: UnsafeBufferPointer<UInt8>) -> UInt8 {
            UInt(bitPattern: value) < UInt(table.count) ? table[value] : 0xFF
        }
        var bad: UInt8 = 0
        optionTables.ks.withUnsafeBufferPointer { ks in
            optionTables.e.withUnsafeBufferPointer { es in
                for l in 0..<layers {
                    let k = index(v[l], ks), e = index(v[layers + l], es)
                    bad |= (k | e) & 0x80
                    g[ksBase + l] = k
                    g[eBase + l] = e
                }
            }
        }
        optionTables.d.withUnsafeBufferPointer { ds in
            for k in 0..<elasticStages.count {
                let d = index(v[2 * layers + k], ds)
                bad |= d & 0x80
                g[dBase + k] = d
            }
        }
        let r = optionTables.r.withUnsafeBufferPointer { index(v[2 * layers + elasticStages.count], $0) }
        bad |= r & 0x80
        g[rGene] = r
        guard bad == 0 else { return false }
        canonicalize(g)
        return true
    }

    /// The error of the first value of `v` that is no option, naming its position.
    private func invalidValue(_ v: UnsafeBufferPointer<Int>, space: String) -> NASError {
        do throws(NASError) {
            for l in 0..<layers {
                _ = try optionIndex(of: v[l], in: kernelSizes, space: space, position: "ks[\(l)] (stage\(stageOfLayer[l]).layer\(slotOfLayer[l]))")
                _ = try optionIndex(of: v[layers + l], in: expandRatios, space: space, position: "e[\(l)] (stage\(stageOfLayer[l]).layer\(slotOfLayer[l]))")
            }
            for k in 0..<elasticStages.count {
                _ = try optionIndex(of: v[2 * layers + k], in: depths, space: space, position: "d[\(k)] (stage\(elasticStages[k]))")
            }
            let r = v[2 * layers + elasticStages.count]
            return SpaceErrors.invalid(space, "r", "resolution \(r) out of range",
                                       allowed: "\(resolutions.first!)...\(resolutions.last!) step \(resolutions.count > 1 ? resolutions[1] - resolutions[0] : 0)")
        } catch {
            return error
        }
    }

    /// Runs `body` on a stack buffer of `format.total` values (no heap allocation).
    private func withValueBuffer(_ body: (UnsafeMutableBufferPointer<Int>) -> Result<Architecture, NASError>) throws(NASError) -> Architecture {
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: format.total) { buf in
            buf.initialize(repeating: 0)
            return body(buf)
        }.get()
    }

    /// Flat values `ks..., e..., d..., r` of genes.
    func values(of arch: Architecture) -> [Int] {
        var v = [Int](repeating: 0, count: format.total)
        for l in 0..<layers {
            v[l] = kernelSizes[Int(arch.genes[ksBase + l])]
            v[layers + l] = expandRatios[Int(arch.genes[eBase + l])]
        }
        for k in 0..<elasticStages.count { v[2 * layers + k] = depths[Int(arch.genes[dBase + k])] }
        v[format.total - 1] = resolutions[Int(arch.genes[rGene])]
        return v
    }

    func parse(_ text: String, space: String) throws(NASError) -> Architecture {
        var text = text
        return try withValueBuffer { values in
            text.withUTF8 { b in
                if let e = format.parseBytes(b, into: values, space: space) { return .failure(e) }
                return Result { () throws(NASError) in try architecture(values: UnsafeBufferPointer(values), space: space) }
            }
        }
    }

    func parse(fields: [String: [Int]], space: String) throws(NASError) -> Architecture {
        try withValueBuffer { values in
            for (k, name) in format.names.enumerated() {
                guard let list = fields[name] ?? (name == "r" ? fields["resolution"] : nil) else {
                    return .failure(SpaceErrors.invalid(space, name, "missing field; expected \(format.example)"))
                }
                guard list.count == format.counts[k] else {
                    return .failure(SpaceErrors.invalid(space, name, "expected \(format.counts[k]) values, got \(list.count)"))
                }
                for (j, x) in list.enumerated() { values[format.offset(k) + j] = x }
            }
            return Result { () throws(NASError) in try architecture(values: UnsafeBufferPointer(values), space: space) }
        }
    }

    /// The architecture of an object's text in the common spelling with valid values, else nil.
    func parse(objectText: UnsafeBufferPointer<UInt8>, space: String) -> Architecture? {
        objectForm.architecture(objectText) { v, _ in try? architecture(values: v, space: space) }
    }

    func fields(of arch: Architecture) -> [String: [Int]] {
        let v = values(of: arch)
        var f: [String: [Int]] = [:]
        for (k, name) in format.names.enumerated() {
            f[name] = Array(v[format.offset(k)..<(format.offset(k) + format.counts[k])])
        }
        return f
    }

    func formatString(_ arch: Architecture) -> String { format.format(values(of: arch)) }

    // MARK: One-hot encoding

    /// Per layer [ks one-hot, e one-hot] (zeros for inactive layers), then a depth one-hot per
    /// elastic stage, then a resolution one-hot, then the resolution scaled to [0, 1].
    var onehotDimension: Int {
        layers * (kernelSizes.count + expandRatios.count) + elasticStages.count * depths.count + resolutions.count + 1
    }

    func encodeOnehot(_ arch: Architecture, into out: UnsafeMutableBufferPointer<Float>) {
        let nk = kernelSizes.count, ne = expandRatios.count, per = nk + ne
        arch.genes.withUnsafeBufferPointer { g in
            var l = 0
            var k = 0
            for (s, maxD) in stageDepths.enumerated() {
                let d: Int
                if maxD > 1 {
                    d = depths[Int(g[dBase + k])]
                    out[layers * per + k * depths.count + Int(g[dBase + k])] = 1
                    k += 1
                } else {
                    d = maxD
                }
                _ = s
                for j in 0..<d {
                    out[(l + j) * per + Int(g[ksBase + l + j])] = 1
                    out[(l + j) * per + nk + Int(g[eBase + l + j])] = 1
                }
                l += maxD
            }
            let rBase = layers * per + elasticStages.count * depths.count
            let ri = Int(g[rGene])
            out[rBase + ri] = 1
            let lo = Float(resolutions.first!), hi = Float(resolutions.last!)
            out[rBase + resolutions.count] = hi > lo ? (Float(resolutions[ri]) - lo) / (hi - lo) : 0
        }
    }

    var onehotInfo: [EncodingDimension] {
        var dims: [EncodingDimension] = []
        func add(_ name: String, _ kind: String, _ d: String) {
            dims.append(EncodingDimension(index: dims.count, name: name, kind: kind, description: d))
        }
        for l in 0..<layers {
            let where_ = "stage\(stageOfLayer[l]).layer\(slotOfLayer[l])"
            for k in kernelSizes { add("\(where_).ks=\(k)", "onehot", "1 when layer \(l) (\(where_)) is active with kernel \(k); 0 when skipped") }
            for e in expandRatios { add("\(where_).e=\(e)", "onehot", "1 when layer \(l) (\(where_)) is active with expand ratio \(e); 0 when skipped") }
        }
        for s in elasticStages {
            for d in depths { add("stage\(s).d=\(d)", "onehot", "1 when stage \(s) has \(d) layers") }
        }
        for r in resolutions { add("r=\(r)", "onehot", "1 when the input resolution is \(r)") }
        add("r", "scalar", "(r - \(resolutions.first!)) / \(resolutions.last! - resolutions.first!): resolution scaled to [0, 1]")
        return dims
    }
}

/// A space built on an `ElasticLayout` (OFA MobileNetV3, MobileNetV2): parsing, formatting,
/// canonical form and the one-hot encoding come from the layout.
public protocol ElasticMobileNetSpace: SearchSpace {
    /// The gene layout.
    static var layout: ElasticLayout { get }
}

extension ElasticMobileNetSpace {
    public var cardinalities: [Int] { Self.layout.cardinalities }
    public var decisionNames: [String] { Self.layout.decisionNames }
    public func optionLabels(ofDecision i: Int) -> [String] { Self.layout.optionLabels(ofDecision: i) }
    public var size: Double { Self.layout.size }
    public var inputDescription: String { "ImageNet r x r x 3 at the architecture's resolution r, 1000 classes" }

    public func parse(_ text: String) throws(NASError) -> Architecture { try Self.layout.parse(text, space: id) }
    public func parse(fields: [String: [Int]]) throws(NASError) -> Architecture { try Self.layout.parse(fields: fields, space: id) }
    public func parse(objectText: UnsafeBufferPointer<UInt8>) -> Architecture? {
        Self.layout.parse(objectText: objectText, space: id)
    }
    public func fields(of arch: Architecture) -> [String: [Int]] { Self.layout.fields(of: arch) }
    public func format(_ arch: Architecture) -> String { Self.layout.formatString(arch) }
    public func canonicalize(_ arch: inout Architecture) { Self.layout.canonicalize(&arch) }
    public func isActive(decision i: Int, in arch: Architecture) -> Bool { Self.layout.isActive(decision: i, in: arch) }
    public func activeDecisions(in arch: Architecture, into out: UnsafeMutableBufferPointer<Bool>) {
        Self.layout.activeDecisions(in: arch, into: out)
    }
    public func enumerateAll() -> [Architecture]? { nil }

    public var encodings: [String] { ["onehot"] }
    public func encodingDimension(_ encoding: String) throws(NASError) -> Int {
        guard encoding == "onehot" else { throw SpaceErrors.unknownEncoding(id, encoding, known: encodings) }
        return Self.layout.onehotDimension
    }
    public func encodingInfo(_ encoding: String) throws(NASError) -> [EncodingDimension] {
        _ = try encodingDimension(encoding)
        return Self.layout.onehotInfo
    }
    public func encode(_ arch: Architecture, encoding: String, into out: UnsafeMutableBufferPointer<Float>) {
        Self.layout.encodeOnehot(arch, into: out)
    }
}
