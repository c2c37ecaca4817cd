import NASCore
import NASSearch

/// A trained budget-conditioned generator: any latency budget in its trained range gets an
/// architecture by one forward pass (argmax of each decision), or the best of k samples plus the
/// training archive's entry re-ranked by the problem's objectives.
///
/// Budgets outside the trained range are clamped to the nearest end and the answer is flagged
/// `clamped: true` (feasibility is still judged against the budget asked for).
public struct TrainedGenerator: Sendable {
    /// The space architectures come from.
    public let space: any SearchSpace
    /// The policy network.
    public let network: PolicyNetwork
    /// The trained budget range and its normalization.
    public let scale: BudgetScale
    /// The Pareto front evaluated during training (increasing latency and accuracy).
    public let archive: [SearchCandidate]
    /// What the accuracy values are.
    public let accuracyLabel: String
    /// Caller's key/value pairs (device, predictor id, accuracy source, ...).
    public let metadata: [String: String]
    /// Training cost and result.
    public let stats: GeneratorTrainingStats

    /// Assembles a generator (training and `GeneratorFile.load` call this).
    public init(space: any SearchSpace, network: PolicyNetwork, scale: BudgetScale, archive: [SearchCandidate],
                accuracyLabel: String, metadata: [String: String], stats: GeneratorTrainingStats) {
        self.space = space
        self.network = network
        self.scale = scale
        self.archive = archive
        self.accuracyLabel = accuracyLabel
        self.metadata = metadata
        self.stats = stats
    }

    /// The argmax architecture of one budget and whether the budget was clamped: one forward
    /// pass, deterministic, no objective queries.
    public func argmax(budgetMs: Double) -> (arch: Architecture, clamped: Bool) {
        let (t, clamped) = scale.normalize(budgetMs)
        let k = network.embeddingSize, h = network.hiddenSize, d = network.logitCount
        var genes: [UInt8] = []
        withUnsafeTemporaryAllocation(of: Float.self, capacity: k + h + d) { buf in
            let p = buf.baseAddress!
            network.forward(t, phi: p, hidden: p + k, logits: p + k + h)
            genes = CategoricalHeads.argmax(p + k + h, offsets: network.logitOffsets)
        }
        var a = Architecture(genes: genes)
        space.canonicalize(&a)
        return (a, clamped)
    }

    /// The per-decision probabilities at a budget (D values, decision after decision).
    public func probabilities(budgetMs: Double) -> [Float] {
        let logits = network.logits(budget: scale.normalize(budgetMs).value)
        var out = [Float](repeating: 0, count: logits.count)
        logits.withUnsafeBufferPointer { l in
            out.withUnsafeMutableBufferPointer { o in
                CategoricalHeads.softmax(l.baseAddress!, offsets: network.logitOffsets, into: o.baseAddress!)
            }
        }
        return out
    }

    /// The most accurate archive entry within `budgetMs` (by the training objectives).
    public func archiveEntry(budgetMs: Double) -> SearchCandidate? {
        archive.last(where: { $0.latencyMs <= budgetMs })
    }

    /// Answers each budget.
    /// - Parameters:
    ///   - samples: 0 → the argmax architecture. k > 0 → the best of {argmax, k samples of the
    ///     policy, the archive entry for the budget}, re-ranked by `problem` (most accurate within
    ///     the budget; if none is, the fastest). Needs `problem`.
    ///   - problem: when given, every answer carries its latency and accuracy by these
    ///     objectives (one batch per objective for all budgets); otherwise they are nil.
    ///   - seed: seed of the samples (same seed, same answer).
    public func generate(budgets: [Double], samples: Int = 0, problem: SearchProblem? = nil,
                         seed: UInt64 = 0) throws(NASError) -> [GeneratedArchitecture] {
        for (i, b) in budgets.enumerated() where !(b > 0 && b.isFinite) {
            throw NASError(.invalidParams, "a latency budget must be a positive number of ms, got \(b)", field: "budgets[\(i)]")
        }
        guard samples >= 0 && samples <= 10_000 else {
            throw NASError(.invalidParams, "samples must be in 0...10000, got \(samples)", field: "samples")
        }
        if samples > 0 && problem == nil {
            throw NASError(.invalidParams, "samples > 0 needs objectives to re-rank the candidates", field: "samples")
        }
        if let p = problem, p.space.id != space.id {
            throw NASError(.invalidParams, "the generator is for space \(space.id), the objectives for \(p.space.id)", field: "space")
        }
        // Candidates per budget, in priority order: argmax, samples, archive entry.
        var candidates: [[(Architecture, String)]] = []
        var clampedFlags: [Bool] = []
        for (i, b) in budgets.enumerated() {
            var (top, clamped) = argmax(budgetMs: b)
            problem?.canonicalize(&top)  // the problem's fixed decisions (e.g. OFA's measured resolution)
            clampedFlags.append(clamped)
            var list = [(top, "argmax")]
            if samples > 0 {
                let probs = probabilities(budgetMs: b)
                var rng = SeededGenerator(seed: seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
                probs.withUnsafeBufferPointer { p in
                    for _ in 0..<samples {
                        var a = Architecture(genes: CategoricalHeads.sample(p.baseAddress!, offsets: network.logitOffsets, using: &rng))
                        if let problem { problem.canonicalize(&a) } else { space.canonicalize(&a) }
                        list.append((a, "sample"))
                    }
                }
                if let e = archiveEntry(budgetMs: b) { list.append((e.arch, "archive")) }
            }
            candidates.append(list)
        }
        guard let problem else {
            return budgets.indices.map { i in
                GeneratedArchitecture(budgetMs: budgets[i], arch: candidates[i][0].0, latencyMs: nil, accuracy: nil,
                                      feasible: nil, clamped: clampedFlags[i], source: "argmax")
            }
        }
        var cache = EvaluationCache(problem: problem)
        let slots = try cache.evaluate(candidates.flatMap { $0.map(\.0) })
        var out: [GeneratedArchitecture] = []
        var cursor = 0
        for (i, list) in candidates.enumerated() {
            let b = budgets[i]
            var best = -1
            var bestFeasible = false
            for c in 0..<list.count {
                let s = slots[cursor + c]
                let lat = cache.latency[s], acc = cache.accuracy[s]
                let feasible = lat.isFinite && acc.isFinite && lat <= b
                if best < 0 {
                    best = c
                    bestFeasible = feasible
                    continue
                }
                let bs = slots[cursor + best]
                let (bl, ba) = (cache.latency[bs], cache.accuracy[bs])
                if feasible && !bestFeasible {
                    best = c; bestFeasible = true
                } else if feasible && bestFeasible {
                    if acc > ba || (acc == ba && lat < bl) { best = c }
                } else if !feasible && !bestFeasible && lat.isFinite && !(lat >= bl) {
                    best = c
                }
            }
            let s = slots[cursor + best]
            out.append(GeneratedArchitecture(budgetMs: b, arch: list[best].0, latencyMs: cache.latency[s],
                                             accuracy: cache.accuracy[s], feasible: bestFeasible,
                                             clamped: clampedFlags[i], source: list[best].1))
            cursor += list.count
        }
        return out
    }
}
