#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NASCore

/// Maps a latency budget in milliseconds to the generator's input in [0, 1]: log-scale over the
/// trained range `[lowerMs, upperMs]`. Budgets outside the range are clamped to its ends and
/// flagged (`clamped`), because the generator learned nothing there.
public struct BudgetScale: Sendable, Equatable {
    /// Smallest trained budget (ms).
    public var lowerMs: Double
    /// Largest trained budget (ms).
    public var upperMs: Double

    /// A scale over `[lowerMs, upperMs]` (both positive, lower ≤ upper).
    public init(lowerMs: Double, upperMs: Double) throws(NASError) {
        guard lowerMs > 0, upperMs >= lowerMs, upperMs.isFinite else {
            throw NASError(.invalidParams, "budget range must be positive ms with lower ≤ upper, got [\(lowerMs), \(upperMs)]",
                           field: "budgets")
        }
        self.lowerMs = lowerMs
        self.upperMs = upperMs
    }

    /// The normalized budget in [0, 1], and whether `ms` lay outside the trained range.
    public func normalize(_ ms: Double) -> (value: Double, clamped: Bool) {
        if upperMs <= lowerMs { return (0.5, ms != lowerMs) }
        let clampedMs = min(max(ms, lowerMs), upperMs)
        let t = (log(clampedMs) - log(lowerMs)) / (log(upperMs) - log(lowerMs))
        // A relative tolerance so the range's own ends never count as clamped.
        let outside = ms < lowerMs * (1 - 1e-9) || ms > upperMs * (1 + 1e-9)
        return (t, outside)
    }

    /// The budget in ms at normalized position `t` in [0, 1].
    public func milliseconds(at t: Double) -> Double {
        if upperMs <= lowerMs { return lowerMs }
        return exp(log(lowerMs) + t * (log(upperMs) - log(lowerMs)))
    }
}
