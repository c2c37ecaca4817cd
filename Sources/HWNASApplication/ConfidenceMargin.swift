import NASCore
import NASPredictors

extension DomainServices {
    /// The safety margin for `search`'s `confidence`: from the predictor's held-out error
    /// profile near the budget.
    public func confidenceMargin(_ confidence: Double, budget: Double?, safetyMargin: Double?,
                          predictor id: String) throws(NASError) -> Double {
        guard confidence.isFinite, confidence >= 0.5, confidence <= 0.99 else {
            throw NASError(.invalidParams, "confidence must be in [0.5, 0.99], got \(confidence)", field: "confidence")
        }
        guard safetyMargin == nil else {
            throw NASError(.invalidParams, "give safetyMargin or confidence, not both", field: "confidence")
        }
        guard let budget else {
            throw NASError(.invalidParams, "confidence applies to a latency budget (not pareto mode)", field: "confidence")
        }
        guard let profile = (try? predictors.predictor(id))?.errorProfile else {
            throw NASError(.invalidParams, "predictor '\(id)' has no held-out error profile (predictors from `train` with ≥ 20 held-out samples, and the defaults, have one); give safetyMargin instead", field: "confidence")
        }
        return profile.margin(budget: budget, confidence: confidence)
    }
}
