import NASNeural

/// The weights of `adapt`'s `stack` family: instead of choosing one family by its
/// cross-validated score, the families' milliseconds are averaged with weights fitted on their
/// outer out-of-fold predictions of the samples (stacking): non-negative least squares of the
/// samples' latencies on those predictions, no intercept, shrunk toward equal weights by a ridge
/// of `ridge` × (the columns' mean square) × (sample count).
public enum FamilyStack {
    /// The ridge toward equal weights (relative; 0.01 was the best of 0, 0.01, 0.1 on the pool's
    /// own NB201 devices as targets, `Benchmarks/fewshot_chooser.py`; all three within 0.0006).
    public static let ridge = 0.01

    /// Non-negative weights, one per column of `outOfFold` (each a family's out-of-fold
    /// predictions of the samples, ms, aligned with `measured`); equal weights when the fit gives
    /// none (or a column is not finite).
    public static func weights(_ outOfFold: [[Double]], measured: [Double], ridge: Double = ridge) -> [Double] {
        let n = outOfFold.count, m = measured.count
        guard n > 0 else { return [] }
        let equal = [Double](repeating: 1 / Double(n), count: n)
        guard n > 1, m > 0, outOfFold.allSatisfy({ $0.count == m && $0.allSatisfy(\.isFinite) }) else { return equal }
        let meanSquare = outOfFold.reduce(0.0) { $0 + $1.reduce(0.0) { $0 + $1 * $1 } } / Double(n * m)
        let root = (ridge * meanSquare * Double(m)).squareRoot()
        // Rows: the samples, then one row per family pulling its weight toward 1/n.
        var a = [Double](repeating: 0, count: (m + n) * n)
        let b = measured + [Double](repeating: root / Double(n), count: n)
        for i in 0..<m { for j in 0..<n { a[i * n + j] = outOfFold[j][i] } }
        for j in 0..<n { a[(m + j) * n + j] = root }
        let w = NonNegativeLeastSquares.solve(a, rows: m + n, columns: n, b)
        let total = w.reduce(0, +)
        guard total > 0, w.allSatisfy(\.isFinite) else { return equal }
        return w
    }
}
