import NASCore

/// Dense symmetric positive-definite solves in Double (Cholesky), for the small normal
/// equations of the linear baselines (dimension ≤ a few hundred).
public enum LinearSolver {
    /// Solves `a x = b` for symmetric positive-definite `a` (n × n, row-major).
    /// Throws `.internal` when `a` is not positive definite.
    public static func choleskySolve(_ a: [Double], _ b: [Double], n: Int) throws(NASError) -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
            guard d > 0, d.isFinite else {
                throw NASError(.internal, "normal equations are not positive definite (column \(j))")
            }
            let ljj = d.squareRoot()
            l[j * n + j] = ljj
            for i in (j + 1)..<max(n, j + 1) {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / ljj
            }
        }
        // Forward: L z = b; backward: Lᵀ x = z.
        var z = b
        for i in 0..<n {
            var s = z[i]
            for k in 0..<i { s -= l[i * n + k] * z[k] }
            z[i] = s / l[i * n + i]
        }
        var x = z
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<max(n, i + 1) { s -= l[k * n + i] * x[k] }
            x[i] = s / l[i * n + i]
        }
        return x
    }
}
