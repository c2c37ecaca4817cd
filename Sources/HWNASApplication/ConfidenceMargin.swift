import NASCore
import NASPredictors

extension DomainServices {
    /// The safety margin for `search`'s and `generate`'s `confidence`: from the predictor's
    /// held-out (or, for a fit on a few samples, cross-validated) error profile near the budget.
    /// With `answer` (`search {spec}`, `specAnswer`), the margin of the model that answers, as
    /// `predict {spec, interval}` bounds it: a nearest GPU answering an unseen spec takes
    /// `NearestGPUInterval.margin` (with a note naming the neighbour), a GPU's own spec its
    /// default's profile, the MLP the profile `errorProfile(of:spec:)` gives.
    /// `instead`: what the error for a predictor without a profile advises (a method without
    /// `safetyMargin`, `generate`, says its own).
    public func confidenceMargin(_ confidence: Double, budget: Double?, safetyMargin: Double?,
                                 predictor id: String, answer: SpecAnswer? = nil,
                                 instead: String = "give safetyMargin instead") throws(NASError) -> (margin: Double, note: String?) {
        guard confidence.isFinite, confidence >= 0.5, confidence <= 0.99 else {
            throw NASError(.invalidParams, "confidence must be in [0.5, 0.99], got \(confidence)", field: "confidence")
        }
        guard safetyMargin == nil else {
            throw NASError(.invalidParams, "give safetyMargin or confidence, not both", field: "confidence")
        }
        guard let budget else {
            throw NASError(.invalidParams, "confidence applies to a latency budget (not pareto mode)", field: "confidence")
        }
        if let answer, let n = answer.unseenNeighbour {
            let space = answer.predictor.spaceID
            guard let calibration = try nearestGPUCalibration(space: space) else {
                throw NASError(.invalidParams, "space \(space) has fewer than two measured GPU chips: no confidence margin for a GPU spec it did not measure; give safetyMargin, or specModel: mlp", field: "confidence")
            }
            let margin = calibration.margin(confidence: confidence)
            return (margin, nearestGPUNote(calibration, space: space, neighbour: n.name,
                                           what: "the margin (1 − e^(−q), q = \(String(format: "%.3f", calibration.halfWidth(level: confidence))) the |log ratio| quantile at the confidence)"))
        }
        let predictor = answer?.predictor ?? (try? predictors.predictor(id))
        guard let profile = predictor.flatMap({ errorProfile(of: $0, spec: answer?.spec).profile }) else {
            throw NASError(.invalidParams, "predictor '\(id)' has no error profile (the defaults, `train` with ≥ 20 held-out samples, `finetune` and `adaptProxy` with ≥ 5 samples have one); \(instead)", field: "confidence")
        }
        var note: String?
        if let p = predictor, let spec = answer?.spec, isUnseenSpec(spec, of: p) {
            note = "unseen GPU with specModel mlp: the margin comes from the model's errors on the fixtures' GPU chips it never saw (few chips); a GPU's own bias can put most of its latencies on one side of it (Benchmarks/results/intervals.md)"
        }
        return (profile.margin(budget: budget, confidence: confidence), note)
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
