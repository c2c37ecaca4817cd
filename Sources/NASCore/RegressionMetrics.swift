/// Accuracy of latency predictions against measurements.
public struct RegressionMetrics: Sendable, Equatable {
    /// Root mean squared error, in the target's unit (ms).
    public var rmse: Double
    /// Mean absolute percentage error, as a fraction (0.05 = 5%).
    public var mape: Double
    /// Spearman's rank correlation.
    public var spearman: Double
    /// Kendall's tau-b.
    public var kendall: Double
    /// Fraction of predictions within ±5% of the measurement.
    public var within5: Double
    /// Fraction of predictions within ±10% of the measurement.
    public var within10: Double
    /// Number of samples compared.
    public var count: Int

    /// Computes all metrics. Measurements ≤ 0 are skipped for the percentage metrics.
    public init(predicted: [Double], actual: [Double]) {
        precondition(predicted.count == actual.count)
        count = actual.count
        var se = 0.0, ape = 0.0, w5 = 0, w10 = 0, npos = 0
        for i in 0..<actual.count {
            let e = predicted[i] - actual[i]
            se += e * e
            if actual[i] > 0 {
                let r = abs(e) / actual[i]
                ape += r
                npos += 1
                if r <= 0.05 { w5 += 1 }
                if r <= 0.10 { w10 += 1 }
            }
        }
        rmse = count > 0 ? (se / Double(count)).squareRoot() : 0
        mape = npos > 0 ? ape / Double(npos) : 0
        within5 = npos > 0 ? Double(w5) / Double(npos) : 0
        within10 = npos > 0 ? Double(w10) / Double(npos) : 0
        spearman = RankCorrelation.spearman(predicted, actual)
        kendall = RankCorrelation.kendallTau(predicted, actual)
    }
}
