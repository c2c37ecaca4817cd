import NASCore

/// What every algorithm shares: the memo, the seeded generator, the clock, progress reports
/// and the final result (including the infeasible-budget rule).
final class SearchLoop {
    let problem: SearchProblem
    let config: SearchConfig
    let control: JobControl
    let evaluator: SearchEvaluator
    var rng: SeededGenerator
    let algorithm: SearchAlgorithm
    private let start = ContinuousClock.now
    /// Attempts at drawing an architecture not yet evaluated before accepting a known one.
    let noveltyAttempts = 8

    init(problem: SearchProblem, config: SearchConfig, control: JobControl, algorithm: SearchAlgorithm) {
        self.problem = problem
        self.config = config
        self.control = control
        self.algorithm = algorithm
        self.evaluator = SearchEvaluator(problem: problem, config: config)
        self.rng = SeededGenerator(seed: config.seed)
    }

    var space: any SearchSpace { problem.space }
    /// The space's cardinalities, read once (spaces may build the array on each access).
    private lazy var cardinalities: [Int] = problem.space.cardinalities

    // MARK: Operators (same semantics and random stream as `SearchSpace`'s extension, without
    // re-reading the cardinalities per decision; the generator is used through a local copy,
    // which spares an exclusivity check on the class's property per draw)

    private func sample() -> Architecture {
        var r = rng
        defer { rng = r }
        var genes = [UInt8](repeating: 0, count: cardinalities.count)
        for i in 0..<genes.count { genes[i] = UInt8(r.nextInt(cardinalities[i])) }
        var a = Architecture(genes: genes)
        problem.canonicalize(&a)
        return a
    }

    private func mutate(_ parent: Architecture) -> Architecture {
        var r = rng
        defer { rng = r }
        var genes = parent.genes
        let p = config.mutationProbability
        let cards = cardinalities
        genes.withUnsafeMutableBufferPointer { g in
            for i in 0..<g.count where r.nextDouble() < p { g[i] = UInt8(r.nextInt(cards[i])) }
        }
        var a = Architecture(genes: genes)
        problem.canonicalize(&a)
        return a
    }

    private func crossover(_ a: Architecture, _ b: Architecture) -> Architecture {
        var r = rng
        defer { rng = r }
        var genes = a.genes
        b.genes.withUnsafeBufferPointer { other in
            genes.withUnsafeMutableBufferPointer { g in
                // Without a branch: a coin flip per gene mispredicted half the time (a third of
                // an OFA evolution's own time, since known children are drawn again).
                for i in 0..<g.count {
                    let take = UInt8(truncatingIfNeeded: 0 &- (r.next() & 1))
                    g[i] = (g[i] & ~take) | (other[i] & take)
                }
            }
        }
        var c = Architecture(genes: genes)
        problem.canonicalize(&c)
        return c
    }

    // MARK: Offspring

    /// A random architecture, preferring ones neither evaluated nor already in `batch`.
    func novelSample(avoiding batch: inout Set<Architecture>) -> Architecture {
        novel(avoiding: &batch) { sample() }
    }

    /// A mutation of `parent`, preferring unseen results.
    func novelMutation(of parent: Architecture, avoiding batch: inout Set<Architecture>) -> Architecture {
        novel(avoiding: &batch) { mutate(parent) }
    }

    /// A uniform crossover of two parents, optionally followed by a mutation, preferring unseen results.
    func novelCrossover(_ a: Architecture, _ b: Architecture, mutate: Bool,
                        avoiding batch: inout Set<Architecture>) -> Architecture {
        novel(avoiding: &batch) {
            let c = crossover(a, b)
            return mutate ? self.mutate(c) : c
        }
    }

    /// `make()`, drawn again (at most `noveltyAttempts` draws in all) while the result was
    /// evaluated or is in `batch`; the result joins `batch`.
    private func novel(avoiding batch: inout Set<Architecture>, _ make: () -> Architecture) -> Architecture {
        var a = make()
        var tries = 1
        while tries < noveltyAttempts && (evaluator.isKnown(a) || batch.contains(a)) {
            a = make()
            tries += 1
        }
        batch.insert(a)
        return a
    }

    /// `count` random architectures evaluated in one batch (distinct where possible).
    func randomBatch(_ count: Int) throws(NASError) -> [Int] {
        var batch = Set<Architecture>()
        var archs: [Architecture] = []
        archs.reserveCapacity(count)
        for _ in 0..<count { archs.append(novelSample(avoiding: &batch)) }
        return try evaluator.evaluate(archs)
    }

    // MARK: Progress and result

    /// Sends the progress of a finished generation.
    func report(generation: Int, total: Int, feasibleFraction: Double, final: Bool = false, partial: Bool = false) {
        var values: [String: ProgressValue] = [
            "generation": .int(generation),
            "feasibleFraction": .double(feasibleFraction),
            "frontSize": .int(evaluator.archive.count),
            "queries": .int(evaluator.queries),
        ]
        if let b = evaluator.bestIndex {
            values["bestAccuracy"] = .double(evaluator.accuracy[b])
            values["bestLatency"] = .double(evaluator.latency[b])
        }
        var message: String? = nil
        if final {
            values["final"] = .bool(true)
            values["partial"] = .bool(partial)
            message = partial ? "search cancelled" : "search done"
        }
        control.report(ProgressReport(step: generation, total: total, message: message, values: values))
    }

    /// Fraction of `indices` within the limit.
    func feasibleFraction(of indices: [Int]) -> Double {
        guard !indices.isEmpty else { return 0 }
        return Double(indices.filter { evaluator.isFeasible($0) }.count) / Double(indices.count)
    }

    /// Sends the final report and builds the result. A finished (not cancelled) budget-mode
    /// search without any feasible architecture throws `infeasibleBudget`, naming the fastest
    /// latency it saw.
    func finish(generations: Int, plannedTotal: Int, partial: Bool) throws(NASError) -> SearchResult {
        let e = evaluator
        let overall = e.queries > 0 ? Double(e.feasibleCount) / Double(e.queries) : 0
        report(generation: generations, total: partial ? plannedTotal : generations,
               feasibleFraction: overall, final: true, partial: partial)
        if !partial, e.bestIndex == nil, case .latencyBudget(let ms) = config.goal {
            var msg = "no architecture found within the latency budget of \(ms) ms"
            if config.safetyMargin > 0 { msg += " (limit \(config.effectiveLimit) ms after the safety margin)" }
            if let f = e.fastestIndex {
                msg += "; the fastest of \(e.queries) evaluated is \(e.latency[f]) ms: \(space.format(e.archs[f]))"
                if e.latency[f] <= config.effectiveLimit {
                    // Within the budget yet never best: its accuracy is NaN (an inline objective's
                    // architectures without a value are evaluated but never answered).
                    msg += ", within the budget but without an accuracy: an inline objective scores only the "
                        + "architectures its accuracyValues hold, and none of those is within the budget"
                }
            }
            throw NASError(.infeasibleBudget, msg, field: "budget.latency_ms")
        }
        let front = config.isPareto ? e.archive.ids.map { e.candidate($0) } : []
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) * 1e-15
        return SearchResult(best: e.bestIndex.map { e.candidate($0) }, front: front, queries: e.queries,
                            elapsedMs: ms, partial: partial, generations: generations,
                            feasibleFraction: overall, fastest: e.fastestIndex.map { e.candidate($0) },
                            accuracyLabel: problem.accuracyLabel, algorithm: algorithm, slowestLatencyMs: e.slowestLatency)
    }
}
