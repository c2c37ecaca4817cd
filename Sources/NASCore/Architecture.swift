/// One architecture of a search space, as the vector of its decisions ("genes").
///
/// Gene `i` is an option index in `0..<space.cardinalities[i]`. What the genes mean is the
/// space's business (`SearchSpace`); every other module treats an architecture as this vector,
/// which keeps sampling, mutation, hashing and encoding cheap. Spaces with inactive decisions
/// (OFA's slots beyond a stage's depth) store them as 0 in canonical form, so equal networks
/// are equal values and hash equal.
public struct Architecture: Hashable, Sendable {
    /// Option index of each decision.
    public var genes: [UInt8]

    /// Wraps a gene vector without validation; use `SearchSpace.validate` for untrusted input.
    public init(genes: [UInt8]) {
        self.genes = genes
    }

    /// Hashes the genes as one byte string (a search hashes ~100,000 architectures; feeding
    /// the hasher gene by gene took an eighth of an OFA evolution's time).
    public func hash(into hasher: inout Hasher) {
        genes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Equal genes, compared eight bytes at a time (every memo and set lookup of a search that
    /// finds its key compares once; gene by gene it took 6% of an OFA evolution's own time).
    public static func == (a: Architecture, b: Architecture) -> Bool {
        a.genes.withUnsafeBytes { x in
            b.genes.withUnsafeBytes { y in
                guard x.count == y.count else { return false }
                var i = 0
                while i + 8 <= x.count {
                    if x.loadUnaligned(fromByteOffset: i, as: UInt64.self) != y.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                        return false
                    }
                    i += 8
                }
                while i < x.count {
                    if x[i] != y[i] { return false }
                    i += 1
                }
                return true
            }
        }
    }
}
