import NASCore
import NASNeural

/// A lookup table with pairwise interaction costs: latency = bias + Σ cost(decision, option)
/// + Σ cost(decision a, option a, decision b, option b) over chosen pairs of decisions, fitted
/// by ridge least squares in milliseconds.
///
/// The additive `LUTModel` cannot express effects such as "a 3×3 conv on edge 0→1 is cheap
/// when edge 1→2 is also a conv" (fused kernels, cache reuse), which several devices have
/// (Eagle's GTX and i7 rank at SRCC 0.93 with a LUT, 0.99 with a non-additive model on 1,500
/// of their own cells). As an `adaptProxy` pool member it carries that structure to targets
/// with few samples, where an MLP per pool device would be too slow to train per request.
public struct PairwiseModel: Sendable, Equatable {
    /// Options per decision (the `ActiveOneHot` cardinalities it was fitted for).
    public var cardinalities: [Int]
    /// Constant term (ms).
    public var bias: Double
    /// Cost (ms) of each (decision, option), indexed by `ActiveOneHot` column.
    public var costs: [Double]
    /// Interacting decision pairs, flattened: (a₀, b₀, a₁, b₁, …) with a < b.
    public var pairs: [Int]
    /// Cost (ms) of each pair's option combination: for pair p a block of
    /// `cardinalities[a] × cardinalities[b]` values, option of a major.
    public var pairCosts: [Double]
    /// Costs (ms) of a second copy of `costs` whose columns count only decisions on a data path
    /// (`SearchSpace.dataPathDecisions`): what a runtime that prunes dead operations pays beyond
    /// the first copy. Empty when the model has no live-path copy (`hasLivePathCopy`).
    public var liveCosts: [Double]
    /// The live-path copy of `pairCosts` (both decisions of the pair on a data path); empty
    /// when the model has no live-path copy.
    public var livePairCosts: [Double]

    /// The least latency (ms) predicted for a cell with a data path; 0 = none. A fit with the
    /// live-path copy sets it to the fastest such cell it was fitted on: the additive costs of a
    /// pruning runtime's table otherwise price a few live cells far below anything it measured
    /// (NB201 pixel3: down to 0.05 ms, against 1.05 ms for its fastest live cell), and every
    /// model adapted from it carries that error on to the target.
    public var liveFloor: Double

    /// Wraps fitted values.
    public init(cardinalities: [Int], bias: Double, costs: [Double], pairs: [Int], pairCosts: [Double],
                liveCosts: [Double] = [], livePairCosts: [Double] = [], liveFloor: Double = 0) {
        self.cardinalities = cardinalities
        self.bias = bias
        self.costs = costs
        self.pairs = pairs
        self.pairCosts = pairCosts
        self.liveCosts = liveCosts
        self.livePairCosts = livePairCosts
        self.liveFloor = liveFloor
    }

    /// Whether the model carries the live-path copy of its costs (fitted with `livePathCopy`).
    public var hasLivePathCopy: Bool { !liveCosts.isEmpty }

    /// Whether the fields are consistent (costs and blocks sized by the cardinalities, pairs in
    /// range): a file that fails this is corrupt.
    public var isConsistent: Bool {
        let d = cardinalities.reduce(0, +)
        guard cardinalities.allSatisfy({ $0 > 0 }), costs.count == d, pairs.count % 2 == 0 else { return false }
        var block = 0
        for p in stride(from: 0, to: pairs.count, by: 2) {
            let a = pairs[p], b = pairs[p + 1]
            guard a >= 0, a < b, b < cardinalities.count else { return false }
            block += cardinalities[a] * cardinalities[b]
        }
        let liveOK = liveCosts.isEmpty ? livePairCosts.isEmpty : (liveCosts.count == d && livePairCosts.count == block)
        return pairCosts.count == block && liveOK && bias.isFinite && liveFloor.isFinite && liveFloor >= 0
    }

    /// The decision pairs modelled for these cardinalities: all pairs when their blocks total at
    /// most `maxColumns` (NB201: 15 pairs, 375 columns), else neighbouring decisions only, else
    /// none (the model is then the additive LUT).
    public static func interactionPairs(cardinalities c: [Int], maxColumns: Int = 1024) -> [Int] {
        var all: [Int] = [], allColumns = 0
        for a in 0..<c.count { for b in (a + 1)..<c.count { all += [a, b]; allColumns += c[a] * c[b] } }
        if allColumns <= maxColumns { return all }
        var adjacent: [Int] = [], adjacentColumns = 0
        for a in 0..<max(c.count - 1, 0) { adjacent += [a, a + 1]; adjacentColumns += c[a] * c[a + 1] }
        return adjacentColumns <= maxColumns ? adjacent : []
    }

    /// Columns of the design for these cardinalities and pairs: first-order `ActiveOneHot`
    /// columns plus one block per pair (the intercept not counted).
    public static func columnCount(cardinalities c: [Int], pairs: [Int]) -> Int {
        stride(from: 0, to: pairs.count, by: 2).reduce(c.reduce(0, +)) { $0 + c[pairs[$1]] * c[pairs[$1 + 1]] }
    }

    /// Calls `body` with each active column of `arch` in the model's design: first-order
    /// `ActiveOneHot` columns, then one column per pair whose two decisions are active (offset
    /// past the first order); with `livePath`, then the same two blocks again (offset past the
    /// first copy) for the decisions on a data path only.
    @inline(__always)
    func forEachActiveColumn(_ arch: Architecture, space: any SearchSpace, encoding: ActiveOneHot, livePath: Bool,
                             _ body: (Int) -> Void) {
        let genes = arch.genes
        let copies: Int
        let live: [Bool]?
        if livePath, let onPath = space.dataPathDecisions(arch) { copies = 2; live = onPath } else { copies = 1; live = nil }
        var base = 0
        for copy in 0..<copies {
            let counts: (Int) -> Bool = { i in space.isActive(decision: i, in: arch) && (copy == 0 || live![i]) }
            for i in 0..<cardinalities.count where counts(i) {
                body(base + encoding.offsets[i] + Int(genes[i]))
            }
            var offset = base + encoding.dimension
            for p in stride(from: 0, to: pairs.count, by: 2) {
                let a = pairs[p], b = pairs[p + 1]
                if counts(a) && counts(b) {
                    body(offset + Int(genes[a]) * cardinalities[b] + Int(genes[b]))
                }
                offset += cardinalities[a] * cardinalities[b]
            }
            base = offset
        }
    }

    /// Whether a device's measurements show a runtime that prunes dead operations: at least 10
    /// of `archs` have no data path (`SearchSpace.hasNoDataPath`), and at least half of those
    /// measure under a tenth of the median of the others. On NB201 pixel3 and raspi4 (TFLite)
    /// do (83 % and 85 % of the 341 such cells), every other published device none; their cells
    /// are then priced by what runs, which the live-path copy of `fit` models.
    public static func showsPrunedDeadPaths(archs: [Architecture], latency: [Double], space: any SearchSpace) -> Bool {
        let (withPath, noPath) = space.dataPathPartition(archs)
        guard noPath.count >= 10, !withPath.isEmpty else { return false }
        let sorted = withPath.map { latency[$0] }.sorted()
        let median = sorted[sorted.count / 2]
        let fast = noPath.filter { latency[$0] < 0.1 * median }.count
        return 2 * fast >= noPath.count
    }

    /// Ridge least squares of `latency` (ms) on the design; the ridge is `ridgePerSample` × n on
    /// every column but the intercept. Needs more samples than columns (else a LUT is the model
    /// to fit): throws `insufficientSamples`. With `livePathCopy` (a space with dead operations,
    /// a device that prunes them: `showsPrunedDeadPaths`) the design holds a second copy of its
    /// columns counting only the decisions on a data path, so a cell's cost can depend on which
    /// of its operations run; a space without dead operations ignores it.
    public static func fit(archs: [Architecture], latency: [Double], space: any SearchSpace, encoding: ActiveOneHot,
                           pairs: [Int]? = nil, ridgePerSample: Double = 1e-3,
                           livePathCopy: Bool = false) throws(NASError) -> PairwiseModel {
        let card = encoding.cardinalities
        let chosen = pairs ?? interactionPairs(cardinalities: card)
        var shape = PairwiseModel(cardinalities: card, bias: 0, costs: [], pairs: chosen, pairCosts: [])
        let d1 = encoding.dimension
        let single = columnCount(cardinalities: card, pairs: chosen)
        let livePath = livePathCopy && archs.contains { space.dataPathDecisions($0) != nil }
        let d = livePath ? 2 * single : single
        guard archs.count == latency.count, archs.count > d + 1 else {
            throw NASError(.insufficientSamples, "a pairwise model of this space needs more than \(d + 1) samples, got \(archs.count)")
        }
        let n = d + 1  // column d is the intercept
        var ata = [Double](repeating: 0, count: n * n)
        var aty = [Double](repeating: 0, count: n)
        ata.withUnsafeMutableBufferPointer { m in
            var cols: [Int] = []
            for (r, arch) in archs.enumerated() {
                cols.removeAll(keepingCapacity: true)
                shape.forEachActiveColumn(arch, space: space, encoding: encoding, livePath: livePath) { cols.append($0) }
                cols.append(d)
                let y = latency[r]
                // Counts of co-active columns: the upper triangle here, mirrored below (the same
                // whole numbers, in half the additions).
                for (i, c) in cols.enumerated() {
                    aty[c] += y
                    for c2 in cols[i...] { m[c < c2 ? c * n + c2 : c2 * n + c] += 1 }
                }
            }
            for a in 0..<n { for b in (a + 1)..<max(n, a + 1) { m[b * n + a] = m[a * n + b] } }
        }
        let lambda = max(ridgePerSample * Double(archs.count), 1e-9)
        for c in 0..<d { ata[c * n + c] += lambda }
        let w = try LinearSolver.choleskySolve(ata, aty, n: n)
        shape.bias = w[d]
        shape.costs = Array(w[0..<d1])
        shape.pairCosts = Array(w[d1..<single])
        if livePath {
            shape.liveCosts = Array(w[single..<(single + d1)])
            shape.livePairCosts = Array(w[(single + d1)..<d])
            shape.liveFloor = archs.indices.filter { !space.hasNoDataPath(archs[$0]) && latency[$0] > 0 }.map { latency[$0] }.min() ?? 0
        }
        return shape
    }

    /// Predicted latency (ms) of `arch`; NaN when the model was fitted for other cardinalities.
    public func predict(_ arch: Architecture, space: any SearchSpace, encoding: ActiveOneHot) -> Double {
        guard encoding.cardinalities == cardinalities else { return .nan }
        var s = bias
        let d1 = costs.count, single = d1 + pairCosts.count, live = single + d1
        forEachActiveColumn(arch, space: space, encoding: encoding, livePath: hasLivePathCopy) { c in
            if c < d1 { s += costs[c] } else if c < single { s += pairCosts[c - d1] }
            else if c < live { s += liveCosts[c - single] } else { s += livePairCosts[c - live] }
        }
        if liveFloor > 0 && s < liveFloor && !space.hasNoDataPath(arch) { return liveFloor }
        return s
    }
}
