import NASCore

/// NSGA-II (Deb et al. 2002) on (latency ↓, accuracy ↑).
///
/// Each generation makes `populationSize` children, each by binary-tournament selection of two
/// parents (lower front rank, then larger crowding distance), uniform crossover and mutation
/// (`mutationProbability` per decision); children are evaluated in one batch, and the next
/// population is the best `populationSize` of parents ∪ children by non-dominated sorting and
/// crowding distance. With a budget, domination is constrained: feasible beats infeasible,
/// and of two infeasible architectures the faster one wins. The returned front is the
/// non-dominated set of every architecture evaluated (an archive), not only the last population.
public enum NSGA2Search {
    /// Runs NSGA-II (Pareto or budget mode).
    public static func run(_ problem: SearchProblem, config: SearchConfig,
                           control: JobControl = .none) throws(NASError) -> SearchResult {
        try config.validate()
        let loop = SearchLoop(problem: problem, config: config, control: control, algorithm: .nsga2)
        let e = loop.evaluator
        let total = config.generations
        if control.isCancelled { return try loop.finish(generations: 0, plannedTotal: total, partial: true) }
        var population = try loop.randomBatch(config.populationSize)
        var (rank, crowding) = rankAndCrowding(population, e)
        var done = 0
        while done < total && !e.exhausted {
            if control.isCancelled { return try loop.finish(generations: done, plannedTotal: total, partial: true) }
            func tournament() -> Int {
                let a = loop.rng.nextInt(population.count), b = loop.rng.nextInt(population.count)
                if rank[a] != rank[b] { return rank[a] < rank[b] ? a : b }
                return crowding[a] >= crowding[b] ? a : b
            }
            var batch = Set<Architecture>()
            var children: [Architecture] = []
            children.reserveCapacity(config.populationSize)
            for _ in 0..<config.populationSize {
                let a = e.archs[population[tournament()]], b = e.archs[population[tournament()]]
                children.append(loop.novelCrossover(a, b, mutate: true, avoiding: &batch))
            }
            let evaluated = try e.evaluate(children)
            var members = Set(population)
            var combined = population
            for i in evaluated where members.insert(i).inserted { combined.append(i) }
            population = select(combined, count: config.populationSize, e)
            (rank, crowding) = rankAndCrowding(population, e)
            done += 1
            loop.report(generation: done, total: total, feasibleFraction: loop.feasibleFraction(of: evaluated))
        }
        return try loop.finish(generations: done, plannedTotal: total, partial: false)
    }

    /// The objectives of some memo entries, by position, read from the evaluator once: the O(n²)
    /// comparisons of a generation then touch local arrays, not the evaluator's (a class, whose
    /// every array access was checked for exclusivity at run time: with the comparisons, 70% of a
    /// Pareto search's time).
    struct Objectives {
        var latency: [Double] = []
        var accuracy: [Double] = []
        var feasible: [Bool] = []

        init(_ members: [Int], _ e: SearchEvaluator) {
            latency.reserveCapacity(members.count)
            accuracy.reserveCapacity(members.count)
            feasible.reserveCapacity(members.count)
            for m in members {
                latency.append(e.latency[m])
                accuracy.append(e.accuracy[m])
                feasible.append(e.isFeasible(m))
            }
        }

        /// Constrained domination of position a over b: feasible beats infeasible; of two
        /// infeasible ones the faster wins; of two feasible ones, Pareto domination.
        func dominates(_ a: Int, _ b: Int) -> Bool {
            let fa = feasible[a], fb = feasible[b]
            if fa != fb { return fa }
            if !fa {
                let la = latency[a].isFinite ? latency[a] : .infinity
                let lb = latency[b].isFinite ? latency[b] : .infinity
                return la < lb
            }
            return ParetoFront.dominates(latency: latency[a], accuracy: accuracy[a], latency: latency[b], accuracy: accuracy[b])
        }
    }

    /// Fronts of the positions of `o`, best first.
    static func sortFronts(_ o: Objectives) -> [[Int]] {
        let n = o.latency.count
        var dominatedBy = [Int](repeating: 0, count: n)
        var dominating = [[Int]](repeating: [], count: n)
        for p in 0..<n {
            for q in (p + 1)..<max(n, p + 1) {
                if o.dominates(p, q) {
                    dominating[p].append(q)
                    dominatedBy[q] += 1
                } else if o.dominates(q, p) {
                    dominating[q].append(p)
                    dominatedBy[p] += 1
                }
            }
        }
        var fronts: [[Int]] = []
        var current = (0..<n).filter { dominatedBy[$0] == 0 }
        while !current.isEmpty {
            fronts.append(current)
            var next: [Int] = []
            for p in current {
                for q in dominating[p] {
                    dominatedBy[q] -= 1
                    if dominatedBy[q] == 0 { next.append(q) }
                }
            }
            current = next
        }
        return fronts
    }

    /// Crowding distance of one front's positions (infinite at the extremes).
    static func crowdingDistance(_ front: [Int], _ o: Objectives) -> [Int: Double] {
        var d: [Int: Double] = [:]
        for p in front { d[p] = 0 }
        guard front.count > 2 else {
            for p in front { d[p] = .infinity }
            return d
        }
        let objectives: [[Double]] = [
            o.latency.map { $0.isFinite ? $0 : .greatestFiniteMagnitude },
            o.accuracy.map { $0.isFinite ? $0 : -.greatestFiniteMagnitude },
        ]
        for f in objectives {
            let sorted = front.sorted { f[$0] != f[$1] ? f[$0] < f[$1] : $0 < $1 }
            let lo = f[sorted.first!], hi = f[sorted.last!]
            d[sorted.first!] = .infinity
            d[sorted.last!] = .infinity
            guard hi > lo else { continue }
            for k in 1..<(sorted.count - 1) {
                d[sorted[k]]! += (f[sorted[k + 1]] - f[sorted[k - 1]]) / (hi - lo)
            }
        }
        return d
    }

    /// The `count` best members by front, then crowding distance.
    static func select(_ members: [Int], count: Int, _ e: SearchEvaluator) -> [Int] {
        let o = Objectives(members, e)
        var out: [Int] = []
        for front in sortFronts(o) {
            if out.count + front.count <= count {
                out.append(contentsOf: front.map { members[$0] })
                continue
            }
            let d = crowdingDistance(front, o)
            let byCrowding = front.sorted { d[$0]! != d[$1]! ? d[$0]! > d[$1]! : $0 < $1 }
            out.append(contentsOf: byCrowding.prefix(count - out.count).map { members[$0] })
            break
        }
        return out
    }

    /// Front rank and crowding distance of each member, by position.
    static func rankAndCrowding(_ members: [Int], _ e: SearchEvaluator) -> ([Int], [Double]) {
        var rank = [Int](repeating: 0, count: members.count)
        var crowd = [Double](repeating: 0, count: members.count)
        let o = Objectives(members, e)
        for (r, front) in sortFronts(o).enumerated() {
            let d = crowdingDistance(front, o)
            for p in front {
                rank[p] = r
                crowd[p] = d[p]!
            }
        }
        return (rank, crowd)
    }
}
