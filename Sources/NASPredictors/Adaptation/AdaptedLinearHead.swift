import NASCore
import NASNeural

/// A target device's latency as a ridge-regularized linear model on top of a proxy device's
/// latency: y = intercept + b · proxy + Σ w · features, in milliseconds or log-ms. With no
/// features it is the HELP-style affine map of the proxy; with option counts (and one-hot
/// columns) it learns the target's per-op corrections the proxy's ranking misses.
public struct AdaptedLinearHead: Sendable, Equatable, Codable {
    /// Which columns follow the proxy column.
    public enum FeatureSet: String, Sendable, Equatable, Codable, CaseIterable {
        /// Proxy only (affine map).
        case proxyOnly = "proxy"
        /// Proxy + `OptionCountFeatures`.
        case counts
        /// Proxy + option counts + `ActiveOneHot` columns.
        case countsOneHot = "counts+onehot"
        /// Proxy + counts of the options on a data path (`OptionCountFeatures.accumulateLive`):
        /// for targets whose runtime prunes dead operations (the Eagle devices).
        case liveCounts = "live-counts"
        /// Proxy + option counts + live option counts.
        case countsLiveCounts = "counts+live-counts"
    }

    /// Whether the model works on milliseconds or on log-milliseconds.
    public var logSpace: Bool
    /// The feature columns used.
    public var features: FeatureSet
    /// Ridge strength on the feature columns (the intercept and proxy column are unpenalized).
    public var lambda: Double
    /// Coefficients: intercept, proxy, then features (standardized units).
    public var coefficients: [Double]
    /// Standardization of the proxy column (mean, std of transformed proxy values at fit time).
    public var proxyMean: Double
    /// See `proxyMean`.
    public var proxyStd: Double
    /// Standardization of the target (mean, std of transformed target values at fit time).
    public var targetMean: Double
    /// See `targetMean`.
    public var targetStd: Double

    /// The design row of one architecture (without the intercept): the transformed proxy value, then the features.
    static func row(_ arch: Architecture, proxy: Double, logSpace: Bool, features: FeatureSet,
                    space: any SearchSpace, counts: OptionCountFeatures, onehot: ActiveOneHot) -> [Double] {
        var r = [transform(proxy, logSpace)]
        if features == .counts || features == .countsOneHot || features == .countsLiveCounts {
            var c = [Double](repeating: 0, count: counts.dimension)
            counts.accumulate(arch, space: space, into: &c)
            r += c
        }
        if features == .liveCounts || features == .countsLiveCounts {
            var c = [Double](repeating: 0, count: counts.dimension)
            counts.accumulateLive(arch, space: space, into: &c)
            r += c
        }
        if features == .countsOneHot {
            var o = [Double](repeating: 0, count: onehot.dimension)
            for col in onehot.activeColumns(arch, space: space) { o[col] = 1 }
            r += o
        }
        return r
    }

    @inline(__always)
    static func transform(_ v: Double, _ logSpace: Bool) -> Double { logSpace ? log(max(v, 1e-6)) : v }

    /// Fits on design rows (as built by `row`) and target milliseconds.
    static func fit(rows: [[Double]], target: [Double], logSpace: Bool, features: FeatureSet,
                    lambda: Double) throws(NASError) -> AdaptedLinearHead {
        let n = rows.count
        guard n >= 2, let width = rows.first?.count else {
            throw NASError(.insufficientSamples, "at least 2 target samples are needed, got \(n)", field: "target.samples")
        }
        let y = target.map { transform($0, logSpace) }
        let ym = y.reduce(0, +) / Double(n)
        let ys = max((y.reduce(0) { $0 + ($1 - ym) * ($1 - ym) } / Double(n)).squareRoot(), 1e-9)
        let p = rows.map { $0[0] }
        let pm = p.reduce(0, +) / Double(n)
        let ps = max((p.reduce(0) { $0 + ($1 - pm) * ($1 - pm) } / Double(n)).squareRoot(), 1e-9)
        let d = width + 1
        var ata = [Double](repeating: 0, count: d * d)
        var atb = [Double](repeating: 0, count: d)
        var x = [Double](repeating: 0, count: d)
        for r in 0..<n {
            x[0] = 1
            x[1] = (rows[r][0] - pm) / ps
            for c in 1..<width { x[c + 1] = rows[r][c] }
            let t = (y[r] - ym) / ys
            for i in 0..<d where x[i] != 0 {
                atb[i] += x[i] * t
                for j in 0..<d { ata[i * d + j] += x[i] * x[j] }
            }
        }
        ata[0] += 1e-8
        ata[d + 1] += 1e-6
        for c in 2..<max(d, 2) { ata[c * d + c] += lambda + 1e-8 }
        let w = try LinearSolver.choleskySolve(ata, atb, n: d)
        return AdaptedLinearHead(logSpace: logSpace, features: features, lambda: lambda, coefficients: w,
                                 proxyMean: pm, proxyStd: ps, targetMean: ym, targetStd: ys)
    }

    /// Prediction (ms) from a design row as built by `row`.
    func predict(row: [Double]) -> Double {
        var s = coefficients[0] + coefficients[1] * (row[0] - proxyMean) / proxyStd
        for c in 1..<row.count { s += coefficients[c + 1] * row[c] }
        let t = s * targetStd + targetMean
        return logSpace ? exp(t) : t
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
