import NASCore
import NASNeural

/// The additive lookup-table model of ProxylessNAS/OFA: latency = bias + Σ cost(decision, option)
/// over the active decisions, its costs fitted by least squares with a small ridge (the one-hot
/// design is rank-deficient: each decision's options sum to one).
///
/// With the live-path copy (a space with dead operations, NB201), each decision on a data path
/// (`SearchSpace.dataPathDecisions`) adds a second cost of its option: a runtime that prunes
/// operations whose output reaches nothing (TFLite on pixel3 and raspi4) pays for a 1×1
/// convolution only where it is live, which a plain table cannot tell apart (held-out RMSE of
/// a table fitted on 1,000 NB201 cells: raspi4 4.32 → 3.50 ms, `Benchmarks/nb201_live_lut.py`).
public struct LUTModel: Sendable, Equatable {
    /// Constant term (ms).
    public var bias: Double
    /// Cost (ms) of each (decision, option), indexed by `ActiveOneHot` column.
    public var costs: [Double]
    /// The live-path copy of `costs`, added for the decisions on a data path; empty when the
    /// model has none (`hasLivePathCopy`).
    public var liveCosts: [Double]

    /// Wraps fitted values.
    public init(bias: Double, costs: [Double], liveCosts: [Double] = []) {
        self.bias = bias
        self.costs = costs
        self.liveCosts = liveCosts
    }

    /// Whether the model carries the live-path copy of its costs (fitted with `livePathCopy`).
    public var hasLivePathCopy: Bool { !liveCosts.isEmpty }

    /// The ridge used when none is given: tiny (1e-6 per sample) when there are clearly more
    /// samples than columns, so additive data are recovered exactly; moderate (0.1 per sample)
    /// for few-shot fits, where it shrinks unseen options towards the mean.
    public static func defaultRidge(samples: Int, columns: Int) -> Double {
        samples > 2 * columns ? 1e-6 * Double(samples) : 0.1 * Double(max(samples, 1))
    }

    /// Least-squares fit of `latency` (ms) on the active one-hot columns of `archs`; with
    /// `livePathCopy`, on their live-path copy too where the space knows data paths (elsewhere
    /// the plain table).
    public static func fit(archs: [Architecture], latency: [Double], space: any SearchSpace,
                           encoding: ActiveOneHot, ridge: Double? = nil, livePathCopy: Bool = false) throws(NASError) -> LUTModel {
        let d = encoding.dimension
        let live = livePathCopy && archs.contains { space.dataPathDecisions($0) != nil }
        let rows = archs.map { a in
            var cols = encoding.activeColumns(a, space: space)
            if live { appendLiveColumns(a, space: space, encoding: encoding, into: &cols) }
            return cols
        }
        let m = try fit(activeColumns: rows, latency: latency, dimension: live ? 2 * d : d,
                        ridge: ridge ?? defaultRidge(samples: rows.count, columns: d))
        return live ? LUTModel(bias: m.bias, costs: Array(m.costs[0..<d]), liveCosts: Array(m.costs[d...])) : m
    }

    /// The live-path copy's columns of `arch` (offset past the plain table's `encoding.dimension`):
    /// one per active decision on a data path.
    @inline(__always)
    static func appendLiveColumns(_ arch: Architecture, space: any SearchSpace, encoding: ActiveOneHot, into cols: inout [Int]) {
        guard let onPath = space.dataPathDecisions(arch) else { return }
        for i in 0..<encoding.cardinalities.count where onPath[i] && space.isActive(decision: i, in: arch) {
            cols.append(encoding.dimension + encoding.offsets[i] + Int(arch.genes[i]))
        }
    }

    /// Least squares on sparse one-hot rows (column lists); the intercept is not penalized.
    public static func fit(activeColumns rows: [[Int]], latency: [Double], dimension d: Int,
                           ridge: Double? = nil) throws(NASError) -> LUTModel {
        guard rows.count == latency.count, !rows.isEmpty else {
            throw NASError(.insufficientSamples, "the LUT model needs at least one sample")
        }
        let n = d + 1  // column d is the intercept
        var ata = [Double](repeating: 0, count: n * n)
        var aty = [Double](repeating: 0, count: n)
        for (r, cols) in rows.enumerated() {
            let y = latency[r]
            for c in cols {
                aty[c] += y
                ata[c * n + d] += 1
                ata[d * n + c] += 1
                for c2 in cols { ata[c * n + c2] += 1 }
            }
            aty[d] += y
            ata[d * n + d] += 1
        }
        let lambda = ridge ?? defaultRidge(samples: rows.count, columns: d)
        for c in 0..<d { ata[c * n + c] += max(lambda, 1e-12) }
        let w = try LinearSolver.choleskySolve(ata, aty, n: n)
        return LUTModel(bias: w[d], costs: Array(w[0..<d]))
    }

    /// Predicted latency (ms) of one encoded architecture: its plain columns, and for a model
    /// with the live-path copy the copy's columns past them (`appendLiveColumns`).
    @inlinable
    public func predict(activeColumns cols: [Int]) -> Double {
        var s = bias
        let d = costs.count
        for c in cols { s += c < d ? costs[c] : liveCosts[c - d] }
        return s
    }

    /// Predicted latencies (ms) of `archs`, the same sums as `predict(activeColumns:)` without
    /// building each column list (a big `predict` asks this of 100,000 architectures).
    public func predict(_ archs: [Architecture], space: any SearchSpace, encoding: ActiveOneHot) -> [Double] {
        var out = [Double](repeating: bias, count: archs.count)
        let n = encoding.cardinalities.count
        costs.withUnsafeBufferPointer { w in
            encoding.offsets.withUnsafeBufferPointer { off in
                encoding.withActiveMask { active in
                    for (r, a) in archs.enumerated() {
                        space.activeDecisions(in: a, into: active)
                        var s = bias
                        a.genes.withUnsafeBufferPointer { g in
                            for i in 0..<n where active[i] { s += w[off[i] + Int(g[i])] }
                        }
                        if hasLivePathCopy, let onPath = space.dataPathDecisions(a) {
                            for i in 0..<n where active[i] && onPath[i] { s += liveCosts[off[i] + Int(a.genes[i])] }
                        }
                        out[r] = s
                    }
                }
            }
        }
        return out
    }

    /// Predicted latencies (ms); reads the one-hot matrix's first `costs.count` columns. Plain
    /// tables only: the matrix holds no data paths (a model with the live-path copy predicts
    /// from architectures).
    public func predict(_ x: FloatMatrix) -> [Double] {
        precondition(!hasLivePathCopy, "a lookup table with the live-path copy predicts from architectures")
        var out = [Double](repeating: bias, count: x.rows)
        let d = costs.count
        x.storage.withUnsafeBufferPointer { xs in
            costs.withUnsafeBufferPointer { w in
                for r in 0..<x.rows {
                    let row = xs.baseAddress! + r * x.cols
                    var s = bias
                    for c in 0..<d where row[c] != 0 { s += w[c] * Double(row[c]) }
                    out[r] = s
                }
            }
        }
        return out
    }
}
