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
