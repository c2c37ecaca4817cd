import NASCore
import NASGenerator
import NASPredictors
import NASSearch
import NASSpaces

extension DomainServices {
    /// Metadata key of the latency predictor's `TrainedPredictor.fitFingerprint` in a search
    /// problem (and so in a generator trained on it).
    public static let latencyFitKey = "latencyFit"

    /// The search problem of a request: latency from a predictor (id, fixture device default,
    /// or, when `reusable` is false, hardware-generalized with a spec), accuracy from the
    /// objective. Metadata names both, so a generator (`reusable: true`) can rebuild the
    /// problem later; such problems refuse specs and inline accuracies. `answer`: with a spec, the
    /// model that answers for it (`specAnswer`, `specModel` as `predict`'s: the nearest measured
    /// GPU by default), for `confidence`'s margin; nil otherwise.
    public func searchProblem(_ params: ProblemParams, reusable: Bool = true, control: JobControl) throws(NASError)
        -> (problem: SearchProblem, metadata: [String: String], answer: SpecAnswer?) {
        let objective = params.objective
        let space = try SpaceRegistry.space(params.space)
        let (resolved, specValues) = try resolvePredictor(id: params.predictor, space: space.id, device: params.device,
                                                           spec: params.spec, batch: params.batch, specModel: params.specModel, control: control)
        if reusable && specValues != nil {
            throw NASError(.invalidParams, "generators take a predictor or a fixture device, not a spec (train a predictor first)", field: "spec")
        }
        // A spec is answered as `predict {spec}` answers it (the nearest measured GPU by default).
        let answer = try specValues.map { v throws(NASError) in try specAnswer(mlp: resolved, spec: v, specModel: params.specModel, control: control) }
        let predictor = answer?.predictor ?? resolved
        let accuracyName = objective?.accuracy ?? Self.defaultAccuracyName(space: space)
        if reusable && accuracyName == "inline" {
            throw NASError(.invalidParams, "generators need a reusable accuracy source (not inline values)", field: "objective.accuracy")
        }
        let accuracy = try accuracySource(objective, space: space, control: control)
        let latency: BatchObjective
        if let answer {
            latency = { archs throws(NASError) in try answer.predict(archs) }
        } else {
            latency = { archs throws(NASError) in try predictor.predict(archs: archs) }
        }
        let extrapolate = objective?.extrapolate ?? false
        var problem = SearchProblem(space: space, latency: latency, accuracy: accuracy, extrapolate: extrapolate)
        problem.includeDegenerate = params.includeDegenerate ?? false
        var metadata = ["latency": predictor.id, "accuracy": accuracyName]
        if let fit = predictor.fitFingerprint { metadata[Self.latencyFitKey] = fit }
        if extrapolate { metadata["extrapolate"] = "true" }
        if problem.includeDegenerate { metadata["includeDegenerate"] = "true" }
        return (problem, metadata, answer)
    }
}
