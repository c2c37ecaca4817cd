import NASCore
import NASNeural

/// The architecture encoding every predictor of this module uses: for each decision, a one-hot
/// of its option, all zeros when the decision is inactive (OFA slots beyond a stage's depth).
///
/// A linear model on it is exactly a lookup table of per-(decision, option) costs, which is
/// what makes the LUT baseline and the MLP comparable on the same input.
public struct ActiveOneHot: Sendable, Equatable {
    /// Options per decision.
    public let cardinalities: [Int]
    /// Start column of each decision.
    public let offsets: [Int]
    /// Total number of columns.
    public let dimension: Int

    /// The encoding of a space's decisions.
    public init(space: any SearchSpace) {
        self.init(cardinalities: space.cardinalities)
    }

    /// The encoding of decisions with these cardinalities.
    public init(cardinalities: [Int]) {
        self.cardinalities = cardinalities
        var offsets: [Int] = []
        var total = 0
        for c in cardinalities {
            offsets.append(total)
            total += c
        }
        self.offsets = offsets
        self.dimension = total
    }

    /// Column indices set to 1 for `arch` (one per active decision).
    @inlinable
    public func activeColumns(_ arch: Architecture, space: any SearchSpace) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(cardinalities.count)
        withActiveMask { active in
            space.activeDecisions(in: arch, into: active)
            for i in 0..<cardinalities.count where active[i] { out.append(offsets[i] + Int(arch.genes[i])) }
        }
        return out
    }

    /// Runs `body` on a scratch buffer of one flag per decision (on the stack).
    @usableFromInline
    func withActiveMask(_ body: (UnsafeMutableBufferPointer<Bool>) -> Void) {
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: cardinalities.count) { active in
            active.initialize(repeating: true)
            body(active)
        }
    }

    /// Encodes `archs` into rows of a matrix, each `dimension` wide, starting at column 0 of a
    /// matrix `width` columns wide (extra columns are left zero for the caller).
    public func encode(_ archs: [Architecture], space: any SearchSpace, width: Int? = nil) -> FloatMatrix {
        let cols = width ?? dimension
        precondition(cols >= dimension)
        var m = FloatMatrix(rows: archs.count, cols: cols)
        let n = cardinalities.count
        m.storage.withUnsafeMutableBufferPointer { buf in
            offsets.withUnsafeBufferPointer { off in
                withActiveMask { active in
                    for (r, a) in archs.enumerated() {
                        let base = r * cols
                        space.activeDecisions(in: a, into: active)
                        a.genes.withUnsafeBufferPointer { g in
                            for i in 0..<n where active[i] { buf[base + off[i] + Int(g[i])] = 1 }
                        }
                    }
                }
            }
        }
        return m
    }
}
