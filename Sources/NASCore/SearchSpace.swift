/// One dimension of an encoding: what the value at that index means.
public struct EncodingDimension: Sendable, Equatable {
    /// Index in the vector.
    public var index: Int
    /// Short machine name, e.g. `edge0=nor_conv_3x3` or `stage2.layer1.ks=5`.
    public var name: String
    /// What kind of value: `onehot`, `binary`, `scalar` (normalized), `adjacency`, ...
    public var kind: String
    /// A sentence for people.
    public var description: String

    /// Makes a dimension description.
    public init(index: Int, name: String, kind: String, description: String) {
        self.index = index
        self.name = name
        self.kind = kind
        self.description = description
    }
}

/// Analytic cost of an architecture computed from its layer shapes.
public struct ArchitectureCost: Sendable, Equatable {
    /// Multiply-accumulate operations of one forward pass at the space's input size.
    public var macs: Double
    /// Number of parameters.
    public var params: Double

    /// Makes a cost.
    public init(macs: Double, params: Double) {
        self.macs = macs
        self.params = params
    }
}

/// A search space of the hardware-aware NAS literature.
///
/// An architecture is a vector of decisions (`Architecture.genes`); decision `i` takes one of
/// `cardinalities[i]` options. Every combination of options is a valid architecture; spaces with
/// inactive decisions normalize them in `canonicalize`. The generic operators (sampling, mutation,
/// crossover, neighbours) are provided by the protocol extension on top of this contract.
public protocol SearchSpace: Sendable {
    /// Stable id used on the wire, e.g. `nb201`.
    var id: String { get }
    /// A one-line description for people.
    var summary: String { get }
    /// Number of options of each decision.
    var cardinalities: [Int] { get }
    /// A name for each decision, e.g. `edge(1<-0)` or `stage1.layer0.ks`.
    var decisionNames: [String] { get }
    /// The option labels of decision `i`, e.g. `["none", "skip_connect", ...]` or `["3","5","7"]`.
    func optionLabels(ofDecision i: Int) -> [String]
    /// Number of distinct (canonical) architectures.
    var size: Double { get }
    /// Input resolution(s) the cost features assume, for documentation.
    var inputDescription: String { get }

    /// Parses the space's public string format (and any alternative string forms it accepts,
    /// such as the NB201 integer index) into a valid, canonical architecture. Errors name the
    /// position and the allowed values. The hot path of big `predict` requests: well-formed
    /// strings are parsed from their bytes, with the genes array as the only allocation.
    func parse(_ text: String) throws(NASError) -> Architecture
    /// The architecture of an integer a client wrote (`"archs": [5]`): NB201's official index.
    /// Default: an `invalidArchitecture` error saying the space has no integer form and showing
    /// its string form (an integer used to be read as a one-token string, and the answer
    /// complained about the string format).
    func parse(index: Int) throws(NASError) -> Architecture
    /// Parses the space's object form (e.g. OFA's `{"ks":[..],"e":[..],"d":[..],"r":[..]}`),
    /// given as field name → integers, into a valid, canonical architecture.
    func parse(fields: [String: [Int]]) throws(NASError) -> Architecture
    /// The object form read straight from the JSON text of one object (the bytes of
    /// `{"ks":[..],"e":[..],..}`): the architecture when the text is the space's object form in
    /// its common spelling with valid values, nil for anything else (other spellings, unknown or
    /// repeated keys, escapes, values out of range), which callers then give to
    /// `parse(fields:)` as field name → integers, so that it accepts or explains them. Never an
    /// architecture other than `parse(fields:)`'s for the same object. The hot path of big
    /// requests of objects: the genes array is its only allocation. Default: nil.
    func parse(objectText: UnsafeBufferPointer<UInt8>) -> Architecture?
    /// The object form of an architecture (inverse of `parse(fields:)`).
    func fields(of arch: Architecture) -> [String: [Int]]
    /// The public string format of a (canonical) architecture.
    func format(_ arch: Architecture) -> String
    /// Normalizes inactive decisions so equal networks have equal genes.
    func canonicalize(_ arch: inout Architecture)
    /// Whether decision `i` affects the network in `arch` (false for OFA slots beyond depth).
    func isActive(decision i: Int, in arch: Architecture) -> Bool
    /// `isActive` of every decision of `arch` at once, into `out` (`decisionCount` values): what
    /// encoders call per architecture (100,000 times in a big `predict`).
    func activeDecisions(in arch: Architecture, into out: UnsafeMutableBufferPointer<Bool>)

    /// Encoding names this space supports; the first is the default.
    var encodings: [String] { get }
    /// The dimension of an encoding.
    func encodingDimension(_ encoding: String) throws(NASError) -> Int
    /// What each dimension of an encoding means.
    func encodingInfo(_ encoding: String) throws(NASError) -> [EncodingDimension]
    /// Writes the encoding of `arch` into `out` (length `encodingDimension`, zero-filled on entry).
    func encode(_ arch: Architecture, encoding: String, into out: UnsafeMutableBufferPointer<Float>)

    /// MACs and parameters from layer shapes.
    func cost(of arch: Architecture) -> ArchitectureCost

    /// All architectures in the space's official order, when the space is small enough
    /// (NB201: the 15,625 cells in NAS-Bench-201 index order); nil otherwise.
    func enumerateAll() -> [Architecture]?
    /// The official index of an architecture, when the space has one.
    func officialIndex(of arch: Architecture) -> Int?
    /// Whether no data path joins the cell's input to its output (NB201 cells whose every
    /// path holds a `none` edge): the cell outputs zeros, and runtimes that prune dead graphs
    /// time such networks in their own regime (pixel3/raspi4: 0.003 ms to 34 ms).
    func hasNoDataPath(_ arch: Architecture) -> Bool
    /// Whether the architecture is degenerate: a network whose output does not depend on its
    /// input, so no accuracy or latency claim about it is useful (NB201: no data path,
    /// `hasNoDataPath`; 341 cells at ≈ 10% accuracy). Searches, generators and default
    /// predictors leave such architectures out unless asked (`includeDegenerate`).
    func isDegenerate(_ arch: Architecture) -> Bool
    /// Per decision, whether its operation lies on a data path from the cell's input to its
    /// output (an NB201 edge whose source the input reaches and which reaches the output, both
    /// through non-`none` edges); nil for spaces without dead operations (chains). Runtimes that
    /// prune dead graphs never run the others.
    func dataPathDecisions(_ arch: Architecture) -> [Bool]?
}

extension SearchSpace {
    /// Number of decisions.
    public var decisionCount: Int { cardinalities.count }

    /// The default encoding (the literature's one-hot).
    public var defaultEncoding: String { encodings[0] }

    /// A canonical copy.
    public func canonical(_ arch: Architecture) -> Architecture {
        var a = arch
        canonicalize(&a)
        return a
    }

    /// Checks gene count and ranges of an architecture from an untrusted source.
    public func validate(_ arch: Architecture) throws(NASError) {
        let cardinalities = self.cardinalities
        guard arch.genes.count == cardinalities.count else {
            throw NASError(.invalidArchitecture,
                           "expected \(cardinalities.count) decisions for space \(id), got \(arch.genes.count)")
        }
        for (i, g) in arch.genes.enumerated() where Int(g) >= cardinalities[i] {
            throw NASError(.invalidArchitecture,
                           "decision \(i) (\(decisionNames[i])) has option \(g); allowed 0..<\(cardinalities[i])")
        }
    }

    /// A uniform random architecture (each decision uniform), canonicalized.
    public func sample(using rng: inout SeededGenerator) -> Architecture {
        let cardinalities = self.cardinalities
        var genes = [UInt8](repeating: 0, count: cardinalities.count)
        for i in 0..<genes.count { genes[i] = UInt8(rng.nextInt(cardinalities[i])) }
        var a = Architecture(genes: genes)
        canonicalize(&a)
        return a
    }

    /// `count` architectures sampled with a seed (deterministic per seed).
    public func sample(count: Int, seed: UInt64) -> [Architecture] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in sample(using: &rng) }
    }

    /// OFA-style mutation: each decision is resampled with probability `probability`.
    public func mutate(_ arch: Architecture, probability: Double, using rng: inout SeededGenerator) -> Architecture {
        let cardinalities = self.cardinalities
        var a = arch
        for i in 0..<a.genes.count where rng.nextDouble() < probability {
            a.genes[i] = UInt8(rng.nextInt(cardinalities[i]))
        }
        canonicalize(&a)
        return a
    }

    /// Uniform crossover: each decision from either parent with equal probability.
    public func crossover(_ a: Architecture, _ b: Architecture, using rng: inout SeededGenerator) -> Architecture {
        var c = a
        for i in 0..<c.genes.count where rng.next() & 1 == 1 {
            c.genes[i] = b.genes[i]
        }
        canonicalize(&c)
        return c
    }

    /// All architectures that differ from `arch` in exactly one active decision (canonical, distinct).
    public func neighbours(of arch: Architecture) -> [Architecture] {
        let cardinalities = self.cardinalities
        var out: [Architecture] = []
        var seen: Set<Architecture> = [canonical(arch)]
        for i in 0..<cardinalities.count where isActive(decision: i, in: arch) {
            for v in 0..<cardinalities[i] where v != Int(arch.genes[i]) {
                var n = arch
                n.genes[i] = UInt8(v)
                canonicalize(&n)
                if seen.insert(n).inserted { out.append(n) }
            }
        }
        return out
    }

    /// Encodes many architectures into one row-major matrix.
    public func encode(_ archs: [Architecture], encoding: String? = nil) throws(NASError) -> FloatMatrix {
        let enc = encoding ?? defaultEncoding
        let dim = try encodingDimension(enc)
        var m = FloatMatrix(rows: archs.count, cols: dim)
        m.storage.withUnsafeMutableBufferPointer { buf in
            for (r, a) in archs.enumerated() {
                let row = UnsafeMutableBufferPointer(rebasing: buf[(r * dim)..<((r + 1) * dim)])
                encode(a, encoding: enc, into: row)
            }
        }
        return m
    }

    /// Default: `isActive` asked of each decision.
    public func activeDecisions(in arch: Architecture, into out: UnsafeMutableBufferPointer<Bool>) {
        for i in 0..<out.count { out[i] = isActive(decision: i, in: arch) }
    }

    /// Default: the space has no integer form (only NB201's official index is one).
    public func parse(index: Int) throws(NASError) -> Architecture {
        let example = format(canonical(Architecture(genes: [UInt8](repeating: 0, count: cardinalities.count))))
        throw NASError(.invalidArchitecture,
                       "\(id): an integer (\(index)) is not an architecture of this space: only nb201 numbers its architectures; write it in the string form, e.g. '\(example)', or as its object form (hwnas/spaceInfo shows both)")
    }

    /// Default: no byte-level object reader (every object goes through `parse(fields:)`).
    public func parse(objectText: UnsafeBufferPointer<UInt8>) -> Architecture? { nil }

    /// Default: spaces without an official index have none.
    public func officialIndex(of arch: Architecture) -> Int? { nil }

    /// Default: every architecture of a chain-structured space computes.
    public func hasNoDataPath(_ arch: Architecture) -> Bool { false }

    /// Default: degenerate exactly when no data path joins input and output (never, for chains).
    public func isDegenerate(_ arch: Architecture) -> Bool { hasNoDataPath(arch) }

    /// Indices of the degenerate architectures of `archs`, in order.
    public func degenerateIndices(_ archs: [Architecture]) -> [Int] {
        archs.indices.filter { isDegenerate(archs[$0]) }
    }

    /// Indices of the architectures of `archs` that are not degenerate, in order: the data
    /// default predictors, `train` and `evaluate` use unless asked for every architecture.
    public func nonDegenerateIndices(_ archs: [Architecture]) -> [Int] {
        archs.indices.filter { !isDegenerate(archs[$0]) }
    }

    /// Default: a chain has no dead operations.
    public func dataPathDecisions(_ arch: Architecture) -> [Bool]? { nil }

    /// Indices of `archs` split by `hasNoDataPath`, each in order: the split models' one pass.
    public func dataPathPartition(_ archs: [Architecture]) -> (withPath: [Int], noPath: [Int]) {
        var withPath: [Int] = [], noPath: [Int] = []
        for i in archs.indices { if hasNoDataPath(archs[i]) { noPath.append(i) } else { withPath.append(i) } }
        return (withPath, noPath)
    }
}
