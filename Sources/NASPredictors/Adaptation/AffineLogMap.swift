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
        let m = Moments(source: source, target: target)
        guard m.n > 0 else { return .identity }
        return fromMoments(count: m.n, meanX: m.mx, meanY: m.my, sxx: m.sxx, sxy: m.sxy)
    }

    /// The log-log points of a fit and their means and centred sums of squares and products.
    private struct Moments {
        let n: Int, lx: [Double], ly: [Double], mx: Double, my: Double, sxx: Double, sxy: Double
        init(source: [Double], target: [Double]) {
            n = min(source.count, target.count)
            lx = source.prefix(n).map { log(max($0, 1e-9)) }
            ly = target.prefix(n).map { log(max($0, 1e-9)) }
            let mx = lx.reduce(0, +) / Double(max(n, 1)), my = ly.reduce(0, +) / Double(max(n, 1))
            var sxy = 0.0, sxx = 0.0
            for i in 0..<n {
                sxy += (lx[i] - mx) * (ly[i] - my)
                sxx += (lx[i] - mx) * (lx[i] - mx)
            }
            (self.mx, self.my, self.sxx, self.sxy) = (mx, my, sxx, sxy)
        }
    }

    /// The map `fit` gives for `count` points of these means and centred sums of squares and products.
    static func fromMoments(count n: Int, meanX mx: Double, meanY my: Double, sxx: Double, sxy: Double) -> AffineLogMap {
        let lambda = 0.02 * sxx / Double(n) + 1e-9  // prior: scale ≈ 1, weak against the data
        let scale = min(max((sxy + lambda) / (sxx + lambda), 0.05), 20)
        return AffineLogMap(offset: my - scale * mx, scale: scale)
    }

    /// Each point's residual in log-ms under the map `fit` gives on all the other points,
    /// log(targetᵢ) − (offset₋ᵢ + scale₋ᵢ · log(sourceᵢ)), the ridge and the scale's bounds
    /// included (the moments downdated without point i: O(n) for all). Empty below 2 points.
    public static func leaveOneOutResiduals(source: [Double], target: [Double]) -> [Double] {
        let m = Moments(source: source, target: target)
        guard m.n >= 2 else { return [] }
        let others = Double(m.n - 1), shrink = Double(m.n) / Double(m.n - 1)
        return (0..<m.n).map { i in
            let dx = m.lx[i] - m.mx, dy = m.ly[i] - m.my
            let map = fromMoments(count: m.n - 1, meanX: m.mx - dx / others, meanY: m.my - dy / others,
                                  sxx: max(m.sxx - shrink * dx * dx, 0), sxy: m.sxy - shrink * dx * dy)
            return m.ly[i] - (map.offset + map.scale * m.lx[i])
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
