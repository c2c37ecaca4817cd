import NASCore

/// OFA's evolutionary search under a latency budget.
///
/// The initial population is `populationSize` random architectures. Each generation keeps the
/// `parents` best of the population, makes `round(mutateRatio × populationSize)` children by
/// mutating a random parent (each decision resampled with `mutationProbability`) and the rest
/// by uniform crossover of two random parents, evaluates all children in one batch, and the
/// next population is parents + children. Unlike OFA, which resamples a child until it meets
/// the budget, infeasible children are kept and ranked after every feasible one by latency
/// (constrained domination), which also lets the search walk towards the budget when the
/// random start holds nothing feasible. Children repeat an evaluated architecture only when
/// several draws found nothing new (repeats are free: values are memoized).
public enum EvolutionSearch {
    /// Runs the evolution (budget mode; Pareto mode goes to `NSGA2Search`).
    public static func run(_ problem: SearchProblem, config: SearchConfig,
                           control: JobControl = .none) throws(NASError) -> SearchResult {
        try config.validate()
        if config.isPareto { return try NSGA2Search.run(problem, config: config, control: control) }
        let loop = SearchLoop(problem: problem, config: config, control: control, algorithm: .evolution)
        let e = loop.evaluator
        let total = config.generations
        if control.isCancelled { return try loop.finish(generations: 0, plannedTotal: total, partial: true) }
        var population = try loop.randomBatch(config.populationSize)
        let mutations = Int((config.mutateRatio * Double(config.populationSize)).rounded())
        var done = 0
        while done < total && !e.exhausted {
            if control.isCancelled { return try loop.finish(generations: done, plannedTotal: total, partial: true) }
            population.sort(by: e.ranksBefore)
            let parents = Array(population.prefix(config.parents))
            var batch = Set<Architecture>()
            var children: [Architecture] = []
            children.reserveCapacity(config.populationSize)
            for _ in 0..<mutations {
                let p = e.archs[parents[loop.rng.nextInt(parents.count)]]
                children.append(loop.novelMutation(of: p, avoiding: &batch))
            }
            for _ in mutations..<config.populationSize {
                let a = e.archs[parents[loop.rng.nextInt(parents.count)]]
                let b = e.archs[parents[loop.rng.nextInt(parents.count)]]
                children.append(loop.novelCrossover(a, b, mutate: false, avoiding: &batch))
            }
            let evaluated = try e.evaluate(children)
            var members = Set(parents)
            population = parents
            for i in evaluated where members.insert(i).inserted { population.append(i) }
            done += 1
            loop.report(generation: done, total: total, feasibleFraction: loop.feasibleFraction(of: evaluated))
        }
        return try loop.finish(generations: done, plannedTotal: total, partial: false)
    }
}
