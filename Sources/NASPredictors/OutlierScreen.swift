import NASCore

/// A user sample a fit left out as a gross outlier: its position in the request's samples, the
/// architecture, what was measured and what the returned model predicts for it.
public struct SampleOutlier: Sendable, Equatable {
    /// Index into the samples of the request.
    public var index: Int
    /// The architecture.
    public var arch: Architecture
    /// The measured latency (ms).
    public var measured: Double
    /// The returned predictor's latency for it (ms).
    public var predicted: Double

    /// Makes a record.
    public init(index: Int, arch: Architecture, measured: Double, predicted: Double) {
        self.index = index
        self.arch = arch
        self.measured = measured
        self.predicted = predicted
    }
}

/// Finds the few gross outliers among user samples before a fit: samples far off a robust
/// log-affine map from reference predictions (the base's or the proxy's, or out-of-fold ones).
/// One near-zero or ×10 measurement among 20 otherwise drags the affine calibration, the
/// residual fits and the variant choice with it (issue 17: held-out MAPE 18.6% → 52%).
public enum OutlierScreen {
    /// Indices (ascending) of samples whose log residual from a trimmed log-affine fit of
    /// `measured` on `reference` exceeds `threshold` robust standard deviations (1.4826 × MAD)
    /// and `floor` (log ratio; default ×/÷ 1.5). The fit starts from the median offset at slope 1
    /// (a single wild point cannot lever it) and is refitted on the inliers until stable. At
    /// most `max(1, n/10)` samples, the largest residuals, are flagged: a screen for "a few
    /// gross errors", not a second opinion on a proxy that ranks the target differently.
    /// Fewer than 8 samples: none. `spared[i]` true: sample `i` is never flagged for being
    /// faster than the map says (`fastDeadPathsSpared`); default none spared.
    public static func grossOutliers(reference: [Double], measured: [Double], threshold: Double = 4,
                                     floor: Double = 0.6, spared: [Bool] = []) -> [Int] {
        let n = min(reference.count, measured.count)
        guard n >= 8 else { return [] }
        let lx = reference.prefix(n).map { log(max($0, 1e-9)) }
        let ly = measured.prefix(n).map { log(max($0, 1e-9)) }
        var map = AffineLogMap(offset: median((0..<n).map { ly[$0] - lx[$0] }), scale: 1)
        var flagged: Set<Int> = []
        var residual = [Double](repeating: 0, count: n)
        for _ in 0..<6 {
            for i in 0..<n { residual[i] = ly[i] - (map.offset + map.scale * lx[i]) }
            let kept = (0..<n).filter { !flagged.contains($0) }
            let centre = median(kept.map { residual[$0] })
            let scale = 1.4826 * median(kept.map { abs(residual[$0] - centre) })
            let limit = max(threshold * scale, floor)
            let next = Set((0..<n).filter {
                abs(residual[$0] - centre) > limit && !($0 < spared.count && spared[$0] && residual[$0] < centre)
            })
            if next == flagged && map.scale != 1 { break }
            flagged = next
            let inliers = (0..<n).filter { !flagged.contains($0) }
            map = AffineLogMap.fit(source: inliers.map { reference[$0] }, target: inliers.map { measured[$0] })
        }
        let cap = max(1, n / 10)
        let worst = flagged.sorted { abs(residual[$0]) > abs(residual[$1]) }.prefix(cap)
        return worst.sorted()
    }

    /// The `spared` mask of `grossOutliers` for samples of `archs` that sets aside those with a
    /// dead operation (`SampleSuggester.runsEveryOperation` false: an NB201 edge off every
    /// input→output path). Runtimes that prune dead operations (TFLite: raspi4, pixel3) measure
    /// such a network much faster than a reference device that runs them, and that speed is real,
    /// not a gross error; the pool cannot say which kind of runtime the target is. Chain spaces:
    /// none spared.
    public static func fastDeadPathsSpared(_ archs: [Architecture], space: any SearchSpace) -> [Bool] {
        archs.map { !SampleSuggester.runsEveryOperation($0, space: space) }
    }

    /// The median (0 for none).
    static func median(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return 0 }
        let s = v.sorted(), m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
