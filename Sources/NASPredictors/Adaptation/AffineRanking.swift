import NASCore

/// What is held out about an affine map's ranking. A log-affine map of a base predictor or a
/// proxy device (`finetune`'s `affine`, `adaptProxy`'s `affine log`) is monotone, so it ranks
/// architectures exactly as the base or proxy does, whatever samples it was fitted on: its
/// ranking of the samples is a held-out figure, as the base never saw them. Pooling k folds'
/// out-of-fold predictions, each on its own fold's fitted scale, reorders samples across folds
/// and understated that ranking (12 samples of this machine's CPU on gold_6240's default:
/// 0.958 against the 0.986 the returned map ranks them with), and its learning curve then
/// promised gains from more samples that only sharpen the scale.
public enum AffineRanking {
    /// `crossValidated` with Spearman and Kendall replaced by those of `model` (the returned
    /// affine map's predictions of the samples) against `actual`; the error metrics (RMSE,
    /// MAPE, shares within ±5/10 %) stay out-of-fold.
    public static func metrics(_ crossValidated: RegressionMetrics, model: [Double], actual: [Double]) -> RegressionMetrics {
        let ranked = RegressionMetrics(predicted: model, actual: actual)
        var m = crossValidated
        m.spearman = ranked.spearman
        m.kendall = ranked.kendall
        return m
    }

    /// `moreSamples` of an affine map: more samples refine its scale, not its ranking, so the
    /// expected SRCC is the one it has (`srcc`, its ranking of the `count` samples).
    public static func moreSamples(srcc: Double, count: Int) -> MoreSamplesEstimate? {
        guard count >= LearningCurve.minimumSamples, srcc.isFinite else { return nil }
        return MoreSamplesEstimate(count: count, expectedSRCC: srcc, curveSRCC: srcc, currentSRCC: srcc,
                                   points: [.init(samples: count, srcc: srcc)])
    }
}
