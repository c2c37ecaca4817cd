import NASNeural

/// The weights of `adapt`'s `stack` family: instead of choosing one family by its
/// cross-validated score, the families' milliseconds are averaged with weights fitted on their
/// outer out-of-fold predictions of the samples (stacking): non-negative least squares of the
/// samples' latencies on those predictions, no intercept (optionally shrunk toward equal weights
/// by a ridge of `ridge` × (the columns' mean square) × (sample count)).
public enum FamilyStack {
    /// The default ridge toward equal weights: none. On the pool's own devices as targets
    /// (`Benchmarks/fewshot_chooser.py` on `hwnas-bench fewshot --validate-siblings-out` dumps,
    /// NB201) 0.01 and 0.1 did as well as 0, but with every pool device of the target's kind
    /// left out (`--validate-kind-out`: a target far from the pool, as eyeriss is) they lost
    /// 0.005–0.019 against 0: the families' predictions are nearly collinear, so even a small
    /// ridge moves weight onto a family that does not fit the target.
    public static let ridge = 0.0

    /// Non-negative weights, one per column of `outOfFold` (each a family's out-of-fold
    /// predictions of the samples, ms, aligned with `measured`); equal weights when the fit gives
    /// none (or a column is not finite).
    public static func weights(_ outOfFold: [[Double]], measured: [Double], ridge: Double = ridge) -> [Double] {
        let n = outOfFold.count, m = measured.count
        guard n > 0 else { return [] }
        let equal = [Double](repeating: 1 / Double(n), count: n)
        guard n > 1, m > 0, outOfFold.allSatisfy({ $0.count == m && $0.allSatisfy(\.isFinite) }) else { return equal }
        let meanSquare = outOfFold.reduce(0.0) { $0 + $1.reduce(0.0) { $0 + $1 * $1 } } / Double(n * m)
        let root = (max(ridge, 0) * meanSquare * Double(m)).squareRoot()
        // Rows: the samples, then (with a ridge) one row per family pulling its weight toward 1/n.
        let extra = root > 0 ? n : 0
        var a = [Double](repeating: 0, count: (m + extra) * n)
        let b = measured + [Double](repeating: root / Double(n), count: extra)
        for i in 0..<m { for j in 0..<n { a[i * n + j] = outOfFold[j][i] } }
        for j in 0..<extra { a[(m + j) * n + j] = root }
        let w = NonNegativeLeastSquares.solve(a, rows: m + extra, columns: n, b)
        let total = w.reduce(0, +)
        guard total > 0, w.allSatisfy(\.isFinite) else { return equal }
        return w
    }
}
