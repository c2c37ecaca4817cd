import NASCore

/// The FLOPs baseline: latency = intercept + slope · MACs, fitted by least squares on the
/// space's analytic cost (`SearchSpace.cost(of:)`).
public struct FLOPsModel: Sendable, Equatable {
    /// Latency (ms) at zero MACs.
    public var intercept: Double
    /// Milliseconds per million MACs.
    public var slopePerMMAC: Double

    /// Wraps fitted values.
    public init(intercept: Double, slopePerMMAC: Double) {
        self.intercept = intercept
        self.slopePerMMAC = slopePerMMAC
    }

    /// Fits `latency` (ms) against `macs` (raw MACs).
    public static func fit(macs: [Double], latency: [Double]) throws(NASError) -> FLOPsModel {
        guard macs.count == latency.count, macs.count >= 2 else {
            throw NASError(.insufficientSamples, "the FLOPs model needs at least two samples")
        }
        let n = Double(macs.count)
        let x = macs.map { $0 / 1e6 }
        let mx = x.reduce(0, +) / n, my = latency.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for i in 0..<x.count {
            sxy += (x[i] - mx) * (latency[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
        }
        let slope = sxx > 0 ? sxy / sxx : 0
        return FLOPsModel(intercept: my - slope * mx, slopePerMMAC: slope)
    }

    /// Fits against the analytic MACs of `archs` in `space`.
    public static func fit(archs: [Architecture], latency: [Double], space: any SearchSpace) throws(NASError) -> FLOPsModel {
        try fit(macs: archs.map { space.cost(of: $0).macs }, latency: latency)
    }

    /// Predicted latency (ms) for an architecture with `macs` MACs.
    @inlinable
    public func predict(macs: Double) -> Double { intercept + slopePerMMAC * macs / 1e6 }
}
