import NASCore
import NASPredictors

extension DomainServices {
    /// The safety margin for `search`'s and `generate`'s `confidence`: from the predictor's
    /// held-out (or, for a fit on a few samples, cross-validated) error profile near the budget.
    /// With `spec` (a hardware-generalized predictor asked for a GPU's spec), the profile is the
    /// one `predict {spec, interval}` uses (`errorProfile(of:spec:)`).
    public func confidenceMargin(_ confidence: Double, budget: Double?, safetyMargin: Double?,
                          predictor id: String, spec: [String: Double]? = nil) throws(NASError) -> Double {
        guard confidence.isFinite, confidence >= 0.5, confidence <= 0.99 else {
            throw NASError(.invalidParams, "confidence must be in [0.5, 0.99], got \(confidence)", field: "confidence")
        }
        guard safetyMargin == nil else {
            throw NASError(.invalidParams, "give safetyMargin or confidence, not both", field: "confidence")
        }
        guard let budget else {
            throw NASError(.invalidParams, "confidence applies to a latency budget (not pareto mode)", field: "confidence")
        }
        guard let profile = (try? predictors.predictor(id)).flatMap({ errorProfile(of: $0, spec: spec).profile }) else {
            throw NASError(.invalidParams, "predictor '\(id)' has no error profile (the defaults, `train` with ≥ 20 held-out samples, `finetune` and `adaptProxy` with ≥ 5 samples have one); give safetyMargin instead", field: "confidence")
        }
        return profile.margin(budget: budget, confidence: confidence)
    }

    /// The error profile that answers for `predictor` at `spec` (`predict`'s intervals, `search`'s
    /// `confidence`): for a hardware-generalized predictor, a training GPU's own held-out profile
    /// when `spec` (or the predictor's own spec) is that GPU's, else the shipped unseen-GPU profile
    /// (`unseenGPUFallback` when none ships and the pooled profile answers); for any other
    /// predictor its own profile.
    public func errorProfile(of predictor: TrainedPredictor, spec: [String: Double]?) -> (profile: ErrorProfile?, unseenGPUFallback: Bool) {
        let device = (spec ?? predictor.deviceSpec).flatMap {
            HardwareGeneralizedTrainer(catalog: catalog).trainingDevice(matching: $0, of: predictor)
        }
        return predictor.errorProfile(device: device)
    }
}
