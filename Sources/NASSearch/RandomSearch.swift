import NASCore

/// Random search: each generation samples `populationSize` architectures (distinct from those
/// already evaluated where possible) and evaluates them in one batch. Runs
/// `min(generations, ceil(maxQueries / populationSize))` generations.
public enum RandomSearch {
    /// Runs a random search (budget or Pareto mode).
    public static func run(_ problem: SearchProblem, config: SearchConfig,
                           control: JobControl = .none) throws(NASError) -> SearchResult {
        try config.validate()
        let loop = SearchLoop(problem: problem, config: config, control: control, algorithm: .random)
        var total = config.generations
        if let q = config.maxQueries { total = min(total, (q + config.populationSize - 1) / config.populationSize) }
        var done = 0
        while done < total && !loop.evaluator.exhausted {
            if control.isCancelled { return try loop.finish(generations: done, plannedTotal: total, partial: true) }
            let batch = try loop.randomBatch(config.populationSize)
            done += 1
            loop.report(generation: done, total: total, feasibleFraction: loop.feasibleFraction(of: batch))
        }
        return try loop.finish(generations: done, plannedTotal: total, partial: false)
    }
}
