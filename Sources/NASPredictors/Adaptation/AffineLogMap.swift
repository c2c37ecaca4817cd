import NASCore

/// A monotone calibration in log space: log y′ = offset + scale · log y. Maps one device's
/// latencies onto another's (fine-tuning, best-proxy baseline); preserves the ranking.
public struct AffineLogMap: Sendable, Equatable {
    /// Additive term in log-ms.
    public var offset: Double
    /// Multiplicative term on log-ms (> 0).
    public var scale: Double

    /// The identity map.
    public static let identity = AffineLogMap(offset: 0, scale: 1)

    /// Wraps values.
    public init(offset: Double, scale: Double) {
        self.offset = offset
        self.scale = scale
    }

    /// Maps one latency (ms).
    @inlinable
    public func apply(_ y: Double) -> Double { exp(offset + scale * log(max(y, 1e-9))) }

    /// The inverse map (target unit → source unit).
    @inlinable
    public func invert(_ y: Double) -> Double { exp((log(max(y, 1e-9)) - offset) / scale) }

    /// Least-squares fit of log(target) on log(source), with a light ridge pulling the scale
    /// towards 1 (stabilizes k = 5); the scale is kept within [0.05, 20].
    public static func fit(source: [Double], target: [Double]) -> AffineLogMap {
        let n = min(source.count, target.count)
        guard n > 0 else { return .identity }
        let lx = source.prefix(n).map { log(max($0, 1e-9)) }
        let ly = target.prefix(n).map { log(max($0, 1e-9)) }
        let mx = lx.reduce(0, +) / Double(n), my = ly.reduce(0, +) / Double(n)
        var sxy = 0.0, sxx = 0.0
        for i in 0..<n {
            sxy += (lx[i] - mx) * (ly[i] - my)
            sxx += (lx[i] - mx) * (lx[i] - mx)
        }
        let lambda = 0.02 * sxx / Double(n) + 1e-9  // prior: scale ≈ 1, weak against the data
        let scale = min(max((sxy + lambda) / (sxx + lambda), 0.05), 20)
        return AffineLogMap(offset: my - scale * mx, scale: scale)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
