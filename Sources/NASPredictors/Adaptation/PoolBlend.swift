import NASCore
import NASNeural

/// A blend of the proxy (member 0) and pool members (1…): intercept + Σ wᵢ · memberᵢ (ms); the
/// weights are ≥ 0 from `fit`, signed from `fitRidge`.
public struct PoolBlend: Sendable, Equatable {
    /// Indices into the value columns it was fitted on (in `adaptProxy`: 0 is the proxy, j ≥ 1
    /// is `pool[j − 1]`; in `FineTuner.blendedBase`: the bases).
    public var members: [Int]
    /// Weights, one per member.
    public var weights: [Double]
    /// Additive term (ms).
    public var intercept: Double
    /// Below this weighted sum of the members (Σ wᵢ · memberᵢ, ms) the blend is no longer the
    /// line `intercept + sum` but the ray from 0 to that line's value here; 0 = a line throughout.
    /// A fit with a negative intercept sets it to the least sum of the rows it was fitted on
    /// (`withKnee`): the line, extended below every sample, reaches 0 ms and takes whole parts
    /// of a space toward the 1e-6 ms floor (NB201 raspi4 from 10 samples, mostly pixel3 × 2.4
    /// less a few ms: up to 2,346 cells with a data path under a tenth of the fastest such
    /// sample), where a latency in proportion to the members' is what the devices show.
    public var knee: Double = 0

    /// The blended value (ms, ≥ 1e-6) given each member's value.
    func value(_ memberValue: (Int) -> Double) -> Double {
        var s = 0.0
        for (m, w) in zip(members, weights) { s += w * memberValue(m) }
        return Self.value(sum: s, intercept: intercept, knee: knee)
    }

    /// The blended value (ms, ≥ 1e-6) of a weighted member sum: `intercept + sum`, or below a
    /// positive `knee` the ray through 0 and (`knee`, `intercept + knee`).
    @inline(__always)
    static func value(sum: Double, intercept: Double, knee: Double) -> Double {
        if knee > 0 && sum < knee { return max((intercept + knee) * max(sum, 0) / knee, 1e-6) }
        return max(intercept + sum, 1e-6)
    }

    /// This blend with its `knee` set from the rows it was fitted on: where the intercept is
    /// negative and the line is positive at the least weighted sum of those rows, that sum.
    func withKnee(_ values: [[Double]], rows: [Int]) -> PoolBlend {
        guard intercept < 0 else { return self }
        let sums = rows.map { i in zip(members, weights).reduce(0.0) { $0 + $1.1 * values[$1.0][i] } }
        guard let least = sums.min(), least > 0, intercept + least > 0 else { return self }
        var b = self
        b.knee = least
        return b
    }

    /// Centered non-negative least squares of `y` on the members' values over `rows`: weights
    /// ≥ 0, free intercept; members with zero weight are dropped.
    static func fit(_ values: [[Double]], y: [Double], rows: [Int]) -> PoolBlend {
        let (a, means, ym) = centered(values, y: y, rows: rows)
        let w = NonNegativeLeastSquares.solve(a, rows: rows.count, columns: values.count, rows.map { y[$0] - ym }, ridge: 1e-6)
        return assemble(w, means: means, ym: ym).withKnee(values, rows: rows)
    }

    /// Ridge regression of `y` on the members' values over `rows`, each member standardized
    /// over those rows first, so `lambda` shrinks every member alike; weights may be negative.
    /// This is the Bayesian estimate under a prior whose covariance is spanned by the members:
    /// it can express a target whose per-option costs are a signed mix of the pool's (a
    /// non-negative blend cannot), at the price of more variance on few samples. Constant
    /// members get weight 0.
    static func fitRidge(_ values: [[Double]], y: [Double], rows: [Int], lambda: Double) -> PoolBlend {
        let (a, means, ym) = centered(values, y: y, rows: rows)
        let m = rows.count, n = values.count
        let scales = (0..<n).map { j in ((0..<m).reduce(0.0) { $0 + a[$1 * n + j] * a[$1 * n + j] } / Double(m)).squareRoot() }
        let used = (0..<n).filter { scales[$0].isFinite && scales[$0] > 1e-12 }
        let k = used.count
        guard k > 0 else { return assemble([Double](repeating: 0, count: n), means: means, ym: ym) }
        var gram = [Double](repeating: 0, count: k * k), rhs = [Double](repeating: 0, count: k)
        var d = [Double](repeating: 0, count: k)
        for r in 0..<m {
            for (c, j) in used.enumerated() { d[c] = a[r * n + j] / scales[j] }
            let t = y[rows[r]] - ym
            for c in 0..<k {
                rhs[c] += d[c] * t
                for e in 0...c { gram[c * k + e] += d[c] * d[e] }
            }
        }
        for c in 0..<k {
            for e in 0..<c { gram[e * k + c] = gram[c * k + e] }
            gram[c * k + c] += lambda
        }
        guard let coef = try? LinearSolver.choleskySolve(gram, rhs, n: k) else { return fit(values, y: y, rows: rows) }
        var w = [Double](repeating: 0, count: n)
        for (c, j) in used.enumerated() { w[j] = coef[c] / scales[j] }
        return assemble(w, means: means, ym: ym).withKnee(values, rows: rows)
    }

    /// The members' values over `rows`, centered (row-major, rows × members), their means, and
    /// the mean of `y` over the rows.
    private static func centered(_ values: [[Double]], y: [Double], rows: [Int]) -> (a: [Double], means: [Double], ym: Double) {
        let n = values.count, m = rows.count
        let ym = rows.reduce(0.0) { $0 + y[$1] } / Double(m)
        let means = values.map { v in rows.reduce(0.0) { $0 + v[$1] } / Double(m) }
        var a = [Double](repeating: 0, count: m * n)
        for (r, i) in rows.enumerated() { for j in 0..<n { a[r * n + j] = values[j][i] - means[j] } }
        return (a, means, ym)
    }

    /// The blend of weights on centered members: intercept `ym − Σ wⱼ · meanⱼ`; members with
    /// weight 0 are dropped, and with none left the blend is member 0 alone.
    private static func assemble(_ w: [Double], means: [Double], ym: Double) -> PoolBlend {
        var blend = PoolBlend(members: [], weights: [], intercept: ym)
        for j in w.indices where w[j] != 0 {
            blend.members.append(j)
            blend.weights.append(w[j])
            blend.intercept -= w[j] * means[j]
        }
        if blend.members.isEmpty { blend = PoolBlend(members: [0], weights: [1], intercept: 0) }
        return blend
    }
}
