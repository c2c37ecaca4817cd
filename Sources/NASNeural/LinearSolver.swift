import NASCore

/// Dense symmetric positive-definite solves in Double (Cholesky), for the small normal
/// equations of the linear baselines (dimension ≤ a few hundred).
public enum LinearSolver {
    /// Solves `a x = b` for symmetric positive-definite `a` (n × n, row-major; only its lower
    /// triangle, `a[i * n + j]` with i ≥ j, is read). Throws `.internal` when `a` is not positive
    /// definite.
    ///
    /// Every entry is computed with the same operations in the same order as the textbook
    /// Cholesky–Crout loops (Lᵢⱼ = (aᵢⱼ − Σₖ₌₀..ⱼ₋₁ Lᵢₖ·Lⱼₖ) / Lⱼⱼ, k ascending; forward and
    /// backward substitution likewise), so the result is bit for bit theirs; only the loops are
    /// reordered: L is kept by columns, and column j's running sums are updated for all rows at
    /// once per k, a contiguous loop the compiler vectorizes (no fused multiply-add, no
    /// reassociation) instead of one dependent dot product per entry.
    public static func choleskySolve(_ a: [Double], _ b: [Double], n: Int) throws(NASError) -> [Double] {
        precondition(a.count >= n * n && b.count >= n, "choleskySolve: a needs n × n entries and b n")
        guard n > 0 else { return b }
        // lc[k * n + i] = Lᵢₖ (column k of L, contiguous); sums[i] = column j's running sum for row i.
        var lc = [Double](repeating: 0, count: n * n)
        var sums = [Double](repeating: 0, count: n)
        var failed: Int?
        a.withUnsafeBufferPointer { a in
            lc.withUnsafeMutableBufferPointer { lc in
                sums.withUnsafeMutableBufferPointer { s in
                    let l = lc.baseAddress!, sum = s.baseAddress!
                    for j in 0..<n {
                        for i in j..<n { s[i] = a[i * n + j] }
                        // sums[i] −= Lᵢₖ·Lⱼₖ for k = 0..<j in turn (four k per pass over the rows).
                        var k = 0
                        while k &+ 4 <= j {
                            subtractScaled(sum + j, l + (k &* n &+ j), n &- j, by: l[k &* n &+ j],
                                           l + ((k &+ 1) &* n &+ j), l[(k &+ 1) &* n &+ j],
                                           l + ((k &+ 2) &* n &+ j), l[(k &+ 2) &* n &+ j],
                                           l + ((k &+ 3) &* n &+ j), l[(k &+ 3) &* n &+ j])
                            k &+= 4
                        }
                        while k < j {
                            let ljk = l[k &* n &+ j], col = l + (k &* n)
                            for i in j..<n { sum[i] -= col[i] * ljk }
                            k &+= 1
                        }
                        let d = s[j]
                        guard d > 0, d.isFinite else { failed = j; return }
                        let ljj = d.squareRoot()
                        lc[j * n + j] = ljj
                        for i in (j + 1)..<max(n, j + 1) { lc[j * n + i] = s[i] / ljj }
                    }
                }
            }
        }
        if let j = failed {
            throw NASError(.internal, "normal equations are not positive definite (column \(j))")
        }
        // Forward: L z = b (zᵢ = (bᵢ − Σₖ₌₀..ᵢ₋₁ Lᵢₖ·zₖ) / Lᵢᵢ, k ascending); backward: Lᵀ x = z
        // (xᵢ = (zᵢ − Σₖ₌ᵢ₊₁..ₙ₋₁ Lₖᵢ·xₖ) / Lᵢᵢ, k ascending).
        var x = b
        lc.withUnsafeBufferPointer { lc in
            x.withUnsafeMutableBufferPointer { z in
                for k in 0..<n {
                    z[k] /= lc[k * n + k]
                    let zk = z[k], col = k * n
                    for i in (k + 1)..<max(n, k + 1) { z[i] -= lc[col + i] * zk }
                }
                for i in stride(from: n - 1, through: 0, by: -1) {
                    var s = z[i]
                    let col = i * n
                    for k in (i + 1)..<max(n, i + 1) { s -= lc[col + k] * z[k] }
                    z[i] = s / lc[col + i]
                }
            }
        }
        return x
    }

    /// s[i] = (((s[i] − c0[i]·f0) − c1[i]·f1) − c2[i]·f2) − c3[i]·f3 for i in 0..<count: each
    /// product rounded, then each difference, in this order (two rows per SIMD operation; no
    /// fused multiply-add), so every s[i] is what four scalar updates give.
    @inline(__always)
    static func subtractScaled(_ s: UnsafeMutablePointer<Double>, _ c0: UnsafePointer<Double>, _ count: Int, by f0: Double,
                               _ c1: UnsafePointer<Double>, _ f1: Double, _ c2: UnsafePointer<Double>, _ f2: Double,
                               _ c3: UnsafePointer<Double>, _ f3: Double) {
        let v0 = SIMD2<Double>(repeating: f0), v1 = SIMD2<Double>(repeating: f1)
        let v2 = SIMD2<Double>(repeating: f2), v3 = SIMD2<Double>(repeating: f3)
        func load(_ p: UnsafePointer<Double>, _ i: Int) -> SIMD2<Double> {
            UnsafeRawPointer(p + i).loadUnaligned(as: SIMD2<Double>.self)
        }
        var i = 0
        while i &+ 2 <= count {
            var t = load(s, i)
            t = t - load(c0, i) * v0
            t = t - load(c1, i) * v1
            t = t - load(c2, i) * v2
            t = t - load(c3, i) * v3
            UnsafeMutableRawPointer(s + i).storeBytes(of: t, as: SIMD2<Double>.self)
            i &+= 2
        }
        while i < count {
            var t = s[i]
            t -= c0[i] * f0
            t -= c1[i] * f1
            t -= c2[i] * f2
            t -= c3[i] * f3
            s[i] = t
            i &+= 1
        }
    }
}
