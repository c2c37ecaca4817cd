import NASCore
import NASNeural

/// The additive lookup-table model of ProxylessNAS/OFA: latency = bias + Σ cost(decision, option)
/// over the active decisions, its costs fitted by least squares with a small ridge (the one-hot
/// design is rank-deficient: each decision's options sum to one).
public struct LUTModel: Sendable, Equatable {
    /// Constant term (ms).
    public var bias: Double
    /// Cost (ms) of each (decision, option), indexed by `ActiveOneHot` column.
    public var costs: [Double]

    /// Wraps fitted values.
    public init(bias: Double, costs: [Double]) {
        self.bias = bias
        self.costs = costs
    }

    /// The ridge used when none is given: tiny (1e-6 per sample) when there are clearly more
    /// samples than columns, so additive data are recovered exactly; moderate (0.1 per sample)
    /// for few-shot fits, where it shrinks unseen options towards the mean.
    public static func defaultRidge(samples: Int, columns: Int) -> Double {
        samples > 2 * columns ? 1e-6 * Double(samples) : 0.1 * Double(max(samples, 1))
    }

    /// Least-squares fit of `latency` (ms) on the active one-hot columns of `archs`.
    public static func fit(archs: [Architecture], latency: [Double], space: any SearchSpace,
                           encoding: ActiveOneHot, ridge: Double? = nil) throws(NASError) -> LUTModel {
        let rows = archs.map { encoding.activeColumns($0, space: space) }
        return try fit(activeColumns: rows, latency: latency, dimension: encoding.dimension, ridge: ridge)
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

    /// Predicted latency (ms) of one encoded architecture.
    @inlinable
    public func predict(activeColumns cols: [Int]) -> Double {
        var s = bias
        for c in cols { s += costs[c] }
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
                        out[r] = s
                    }
                }
            }
        }
        return out
    }

    /// Predicted latencies (ms); reads the one-hot matrix's first `costs.count` columns.
    public func predict(_ x: FloatMatrix) -> [Double] {
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
