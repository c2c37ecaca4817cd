import NASCore

/// Entry point of the `search` method: validates the configuration and runs the algorithm.
///
/// - evolution + budget: `EvolutionSearch` (OFA's algorithm).
/// - evolution + pareto, or nsga2: `NSGA2Search`.
/// - random: `RandomSearch`.
public enum ArchitectureSearch {
    /// Runs one search. Polls `control.isCancelled` once per generation and then returns the
    /// partial result (`partial == true`) instead of throwing. Throws `invalidParams` for a bad
    /// configuration, `infeasibleBudget` when a finished budget search found nothing feasible,
    /// and whatever the objectives throw.
    public static func run(_ problem: SearchProblem, config: SearchConfig,
                           control: JobControl = .none) throws(NASError) -> SearchResult {
        try config.validate()
        switch (config.algorithm, config.goal) {
        case (.random, _):
            return try RandomSearch.run(problem, config: config, control: control)
        case (.nsga2, _), (.evolution, .pareto):
            return try NSGA2Search.run(problem, config: config, control: control)
        case (.evolution, .latencyBudget):
            return try EvolutionSearch.run(problem, config: config, control: control)
        }
    }
}
