import JSONRPC
import NASCore
import NASSearch
import NASSpaces

extension Server {
    /// Registers `search`.
    public func registerSearchHandlers(services: DomainServices) {
        register(SearchRequest.self, kind: .long, returnsPartialResultOnCancel: true, dependencies: { p in
            if let id = p.predictor ?? p.objective?.latency { return [.read("predictor:\(id)")] }
            return []
        }) { params, context in
            let (problem, sources) = try services.searchProblem(
                space: params.space, device: params.device, predictor: params.predictor ?? params.objective?.latency,
                spec: params.spec, batch: params.batch, objective: params.objective, reusable: false,
                includeDegenerate: params.includeDegenerate, control: context.job)
            let space = problem.space

            let goal: SearchGoal
            switch (params.budget, params.pareto ?? false) {
            case (let b?, false): goal = .latencyBudget(ms: b.latencyMs)
            case (nil, true): goal = .pareto
            case (nil, false):
                throw NASError(.invalidParams, "give budget {latency_ms} (constrained mode) or pareto: true", field: "budget")
            case (_?, true):
                throw NASError(.invalidParams, "give either budget or pareto: true, not both", field: "pareto")
            }
            let algorithmName = params.algorithm ?? "evolution"
            guard let algorithm = SearchAlgorithm(rawValue: algorithmName) else {
                throw NASError(.invalidParams, "unknown algorithm '\(algorithmName)'; allowed: \(SearchAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))", field: "algorithm")
            }
            var config = SearchConfig(goal: goal, algorithm: algorithm, seed: params.seed ?? 0)
            if let v = params.population { config.populationSize = v; config.parents = max(1, v / 4) }
            if let v = params.parents { config.parents = v }
            if let v = params.mutationProbability { config.mutationProbability = v }
            if let v = params.mutateRatio { config.mutateRatio = v }
            if let v = params.generations { config.generations = v }
            config.maxQueries = params.maxQueries
            if let v = params.safetyMargin { config.safetyMargin = v }
            if let confidence = params.confidence {
                config.safetyMargin = try services.confidenceMargin(confidence, budget: params.budget?.latencyMs,
                                                                    safetyMargin: params.safetyMargin,
                                                                    predictor: sources["latency"] ?? "")
            }

            let r = try ArchitectureSearch.run(problem, config: config, control: context.job)
            func msg(_ c: SearchCandidate) -> CandidateMessage {
                CandidateMessage(arch: space.format(c.arch), latencyMs: c.latencyMs, accuracy: c.accuracy)
            }
            return SearchResultMessage(
                best: r.best.map(msg), front: r.front.map(msg), queries: r.queries, elapsedMs: r.elapsedMs,
                partial: r.partial, generations: r.generations, feasibleFraction: r.feasibleFraction,
                fastest: r.fastest.map(msg), algorithm: r.algorithm.rawValue, accuracyLabel: r.accuracyLabel,
                predictor: sources["latency"] ?? "",
                safetyMargin: params.budget == nil ? nil : config.safetyMargin,
                objective: sources["accuracy"],
                warnings: problem.warnings(for: r))
        }
    }
}

extension DomainServices {
    /// The safety margin for `search`'s `confidence`: from the predictor's held-out error
    /// profile near the budget.
    func confidenceMargin(_ confidence: Double, budget: Double?, safetyMargin: Double?,
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

extension DomainServices {
    /// The accuracy source used when a request names none: measured CIFAR-10 on nb201, the
    /// OFA top-1 predictor on ofa_mbv3, elsewhere (no measured accuracy) the `max-macs` proxy:
    /// the most computation within the budget (protocol/search.md says why).
    static func defaultAccuracyName(space: any SearchSpace) -> String {
        switch space.id {
        case "nb201": "cifar10"
        case "ofa_mbv3": "ofa-top1"
        default: "max-macs"
        }
    }

    /// The accuracy objective a search (or generator) request asks for, with the space's default.
    func accuracySource(_ objective: SearchObjectiveInput?, space: any SearchSpace,
                        control: JobControl) throws(NASError) -> AccuracySource {
        let name = objective?.accuracy ?? Self.defaultAccuracyName(space: space)
        switch name {
        case _ where AccuracySources.nb201Datasets.contains(name):
            guard space.id == "nb201" else {
                throw NASError(.invalidParams, "measured accuracy '\(name)' exists for nb201 only", field: "objective.accuracy")
            }
            return try AccuracySources.nb201(dataset: name, catalog: catalog, space: space)
        case "ofa-top1":
            guard space.id == "ofa_mbv3" else {
                throw NASError(.invalidParams, "ofa-top1 exists for ofa_mbv3 only", field: "objective.accuracy")
            }
            return try ofaAccuracyPredictor(control: control).source
        case "macs", "params":
            return AccuracySources.proxy(name == "macs" ? .macs : .params, space: space)
        case "max-macs", "max-params":
            return AccuracySources.proxy(name == "max-macs" ? .macs : .params, maximize: true, space: space)
        case "inline":
            guard let values = objective?.accuracyValues, !values.isEmpty else {
                throw NASError(.insufficientSamples, "accuracy: inline needs accuracyValues [{arch, accuracy}]", field: "objective.accuracyValues")
            }
            var table: [Architecture: Double] = [:]
            for (i, v) in values.enumerated() {
                let a = try v.arch.resolve(in: space, field: "objective.accuracyValues[\(i)].arch")
                guard v.accuracy.isFinite else {
                    throw NASError(.invalidParams, "accuracy must be finite", field: "objective.accuracyValues[\(i)].accuracy")
                }
                table[a] = v.accuracy
            }
            return AccuracySources.inline(table, space: space)
        default:
            throw NASError(.invalidParams, "unknown accuracy source '\(name)'; allowed: cifar10, cifar100, imagenet16_120 (nb201), ofa-top1 (ofa_mbv3), inline, max-macs, max-params, macs, params", field: "objective.accuracy")
        }
    }
}
