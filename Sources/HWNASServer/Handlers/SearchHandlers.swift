import JSONRPC
import NASCore
import NASSearch
import NASSpaces

extension Server {
    /// Registers `search`.
    public func registerSearchHandlers(services: DomainServices) {
        registerEncoded(SearchRequest.self, kind: .long, returnsPartialResultOnCancel: true, dependencies: { p in
            if let id = p.latencyPredictor { return [.read("predictor:\(id)")] }
            return []
        }) { request, context in
            var stated = request.problem
            stated.predictor = request.latencyPredictor
            let (problem, sources, answer) = try services.searchProblem(stated, reusable: false, control: context.job)
            // A search is a function of its request and of what the predictor ids resolve to: a repeat
            // at the same store revision is answered from memory (`Benchmarks/results/repeats.md`).
            // An answer cut short by a cancel is not kept; the first answer's `elapsedMs` is the search's.
            guard let json = try? JSONValueEncoder().encode(request) else { return try encoded(search()) }
            let key = RequestMemoKey(method: SearchRequest.method, request: json, seed: request.settings.seed,
                                     revision: services.predictors.revision)
            return try services.remembered(key, keep: { $0.whole }) { () throws(NASError) in
                let r = try search()
                return (answer: try encoded(r), whole: !r.partial)
            }.answer

            func search() throws(NASError) -> SearchResultMessage {
                let params = request.settings
                let space = problem.space

                let goal: SearchGoal
                switch (params.budget, params.pareto ?? false) {
                case (let b?, false): goal = .latencyBudget(ms: b.latencyMs)
                case (nil, true):
                    // A margin shrinks a budget; there is none to shrink (`confidence` is refused alike).
                    if params.safetyMargin != nil {
                        throw NASError(.invalidParams, "safetyMargin shrinks a latency budget and Pareto mode has none: leave it out, "
                                       + "or give budget {latency_ms}", field: "safetyMargin")
                    }
                    goal = .pareto
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
                var marginNote: String?
                if let confidence = params.confidence {
                    (config.safetyMargin, marginNote) = try services.confidenceMargin(confidence, budget: params.budget?.latencyMs,
                                                                                      safetyMargin: params.safetyMargin,
                                                                                      predictor: sources["latency"] ?? "", answer: answer)
                }

                let r = try ArchitectureSearch.run(problem, config: config, control: context.job)
                var warnings = problem.warnings(for: r) ?? []
                if let b = params.budget, let w = r.unconstrainedBudgetWarning(budgetMs: b.latencyMs, limitMs: config.effectiveLimit) {
                    warnings.append(w)
                }
                func msg(_ c: SearchCandidate) -> CandidateMessage {
                    CandidateMessage(arch: space.format(c.arch), latencyMs: c.latencyMs, accuracy: c.accuracy)
                }
                return SearchResultMessage(
                    best: r.best.map(msg), front: r.front.map(msg), queries: r.queries, elapsedMs: r.elapsedMs,
                    partial: r.partial, generations: r.generations, feasibleFraction: r.feasibleFraction,
                    fastest: r.fastest.map(msg), algorithm: r.algorithm.rawValue, accuracyLabel: r.accuracyLabel,
                    predictor: sources["latency"] ?? "",
                    gpu: try request.problem.spec?.matchedGPUName(in: services.catalog),
                    safetyMargin: params.budget == nil ? nil : config.safetyMargin,
                    marginNote: marginNote,
                    objective: sources["accuracy"],
                    warnings: warnings.isEmpty ? nil : warnings)
            }
        }
    }
}
