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
}
