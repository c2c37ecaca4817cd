/// Quantiles of the standard normal and Student-t distributions (for prediction intervals
/// from a handful of cross-validated residuals).
enum StudentT {
    /// The standard normal quantile at `p` ∈ (0, 1): bisection on Φ(z) = ½ erfc(−z/√2).
    static func normalQuantile(_ p: Double) -> Double {
        let target = min(max(p, 1e-12), 1 - 1e-12)
        var lo = -10.0, hi = 10.0
        for _ in 0..<80 {
            let mid = (lo + hi) / 2
            if 0.5 * erfc(-mid / 2.0.squareRoot()) < target { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// The Student-t quantile at `p` with `nu` degrees of freedom (Cornish–Fisher expansion
    /// around the normal quantile to third order in 1/ν; within 1% of the exact value for
    /// ν ≥ 4 and p ≤ 0.995).
    static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        let z = normalQuantile(p)
        guard nu.isFinite, nu > 0 else { return z }
        let z2 = z * z
        let g1 = (z2 + 1) * z / 4
        let g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
        let g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
        return z + g1 / nu + g2 / (nu * nu) + g3 / (nu * nu * nu)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
