import NASCore

/// Lawson–Hanson non-negative least squares for small dense problems (a few dozen columns):
/// min ‖A w − b‖² subject to w ≥ 0. Used to blend device models into a target's latency.
public enum NonNegativeLeastSquares {
    /// Solves for `w` (length `columns`); `a` is row-major `rows × columns`. A small ridge on
    /// the passive set keeps the inner solves well posed when columns are nearly collinear.
    public static func solve(_ a: [Double], rows m: Int, columns n: Int, _ b: [Double],
                      ridge: Double = 1e-9, maxIterations: Int? = nil) -> [Double] {
        precondition(a.count == m * n && b.count == m)
        var w = [Double](repeating: 0, count: n)
        var passive = [Bool](repeating: false, count: n)
        let limit = maxIterations ?? 3 * n + 10
        func gradient() -> [Double] {
            // Aᵀ(b − A w)
            var r = b
            for i in 0..<m {
                var s = 0.0
                for j in 0..<n where w[j] != 0 { s += a[i * n + j] * w[j] }
                r[i] -= s
            }
            var g = [Double](repeating: 0, count: n)
            for i in 0..<m where r[i] != 0 {
                for j in 0..<n { g[j] += a[i * n + j] * r[i] }
            }
            return g
        }
        /// Unconstrained least squares on the passive columns (zeros elsewhere).
        func passiveSolve() -> [Double]? {
            let cols = (0..<n).filter { passive[$0] }
            let k = cols.count
            guard k > 0 else { return [Double](repeating: 0, count: n) }
            var ata = [Double](repeating: 0, count: k * k)
            var atb = [Double](repeating: 0, count: k)
            for i in 0..<m {
                for (p, cp) in cols.enumerated() {
                    let v = a[i * n + cp]
                    if v == 0 { continue }
                    atb[p] += v * b[i]
                    for (q, cq) in cols.enumerated() { ata[p * k + q] += v * a[i * n + cq] }
                }
            }
            var scale = 0.0
            for p in 0..<k { scale = max(scale, ata[p * k + p]) }
            for p in 0..<k { ata[p * k + p] += ridge * max(scale, 1) }
            guard let z = try? LinearSolver.choleskySolve(ata, atb, n: k) else { return nil }
            var out = [Double](repeating: 0, count: n)
            for (p, c) in cols.enumerated() { out[c] = z[p] }
            return out
        }
        for _ in 0..<limit {
            let g = gradient()
            var best = -1
            var bestValue = 1e-12
            for j in 0..<n where !passive[j] && g[j] > bestValue { best = j; bestValue = g[j] }
            if best < 0 { break }
            passive[best] = true
            var inner = 0
            while inner < limit {
                inner += 1
                guard let z = passiveSolve() else { passive[best] = false; return w }
                if (0..<n).allSatisfy({ !passive[$0] || z[$0] > 0 }) {
                    w = z
                    break
                }
                // Step towards z until the first passive weight hits zero; drop those.
                var alpha = 1.0
                for j in 0..<n where passive[j] && z[j] <= 0 {
                    let denom = w[j] - z[j]
                    if denom > 0 { alpha = min(alpha, w[j] / denom) }
                }
                for j in 0..<n where passive[j] { w[j] += alpha * (z[j] - w[j]) }
                for j in 0..<n where passive[j] && w[j] <= 1e-12 {
                    passive[j] = false
                    w[j] = 0
                }
            }
        }
        return w
    }
}
