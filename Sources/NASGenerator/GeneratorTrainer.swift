#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import NASCore
import NASNeural
import NASSearch

/// Trains a budget-conditioned generator (PNAG) by policy gradient over many budgets at once.
///
/// Each step draws `budgetsPerStep` budgets stratified over the trained range (log-scale), samples
/// `samplesPerBudget` architectures per budget from the policy, evaluates all new ones in ONE
/// batch per objective (memoized, so `queries` counts distinct architectures), and ascends
///   Σ_budgets Σ_samples Â · log π(arch | b)  +  β · H(π(· | b))  +  α · log π(arch*(b) | b)
/// where Â is the reward minus the per-budget leave-one-out mean, divided by the budget's reward
/// spread; arch*(b) is the most accurate feasible architecture evaluated so far for budget b
/// (the Pareto-aware term: the policy learns the front's optimal pairs). Decisions inactive in a
/// sampled architecture (OFA slots beyond depth) get no gradient from it.
///
/// Reward (accuracy normalized by the warm-up sample: z = (acc − median) / (p90 − median)):
/// feasible (latency ≤ budget) → max(z, −8); violation → −9 − λ · ln(latency / budget).
/// Cancellation is polled every step and throws `NASError(.cancelled)`.
public enum GeneratorTrainer {
    static let rewardFloor = -8.0

    /// Trains a generator for `problem` over `budgets`.
    /// - Parameters:
    ///   - metadata: free key/value pairs stored with the generator (device, predictor id, ...).
    ///   - control: progress every iteration (`iteration`, `meanReward`, `frontHypervolume`,
    ///     `queries`, `feasibleFraction`) and cancellation.
    public static func train(problem: SearchProblem, budgets: GeneratorBudgets, config: GeneratorConfig = GeneratorConfig(),
                             metadata: [String: String] = [:], control: JobControl = .none) throws(NASError) -> TrainedGenerator {
        try config.validate()
        let start = DispatchTime.now().uptimeNanoseconds
        let space = problem.space
        let offsets = PolicyNetwork(cardinalities: space.cardinalities, embeddingSize: 2, hiddenSize: 1, seed: 0).logitOffsets
        var rng = SeededGenerator(seed: config.seed)
        var cache = EvaluationCache(problem: problem)

        // Warm-up: a uniform sample fixes the accuracy normalization (and the automatic range).
        var warm: [Architecture] = []
        var seen = Set<Architecture>()
        var attempts = 0
        while warm.count < config.warmupSamples && attempts < config.warmupSamples * 4 {
            var a = space.sample(using: &rng)
            problem.canonicalize(&a)
            attempts += 1
            if seen.insert(a).inserted { warm.append(a) }
        }
        let warmSlots = try cache.evaluate(warm)
        let warmAcc = warmSlots.map { cache.accuracy[$0] }.filter(\.isFinite).sorted()
        let warmLat = warmSlots.map { cache.latency[$0] }.filter { $0.isFinite && $0 > 0 }.sorted()
        guard warmAcc.count >= 2, warmLat.count >= 2 else {
            throw NASError(.insufficientSamples, "the objectives gave finite values for fewer than 2 of \(warm.count) warm-up architectures")
        }
        func quantile(_ s: [Double], _ q: Double) -> Double { s[min(s.count - 1, Int(q * Double(s.count - 1) + 0.5))] }
        let accMedian = quantile(warmAcc, 0.5)
        let accScale = max(quantile(warmAcc, 0.9) - accMedian, 1e-9 + 1e-6 * abs(accMedian))
        let referenceAccuracy = warmAcc[0]

        let scale: BudgetScale
        var budgetList: [Double]? = nil
        switch budgets {
        case .range(let r):
            scale = try BudgetScale(lowerMs: r.lowerBound, upperMs: r.upperBound)
        case .list(let l):
            guard !l.isEmpty, l.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw NASError(.invalidParams, "budgets must be a non-empty list of positive ms", field: "budgets")
            }
            let sorted = Array(Set(l)).sorted()
            scale = try BudgetScale(lowerMs: sorted[0], upperMs: sorted[sorted.count - 1])
            budgetList = sorted
        case .automatic:
            scale = try BudgetScale(lowerMs: quantile(warmLat, 0.02), upperMs: quantile(warmLat, 0.98))
        }

        var net = PolicyNetwork(cardinalities: space.cardinalities, embeddingSize: config.embeddingSize,
                                hiddenSize: config.hiddenSize, seed: config.seed ^ 0x5EED_9E4E)
        var adam = Adam(parameterCount: net.parameters.count, learningRate: Float(config.learningRate))
        let (k, h, d) = (config.embeddingSize, config.hiddenSize, net.logitCount)
        let m = config.samplesPerBudget
        let decisions = space.cardinalities.count
        var hypervolume = 0.0
        var meanReward = 0.0

        var phi = [Float](), hidden = [Float](), probs = [Float](), logits = [Float]()
        var ascent = [Float](repeating: 0, count: d)
        var grad = [Float](repeating: 0, count: net.parameters.count)
        var dHidden = [Float](repeating: 0, count: h)

        for step in 0..<config.iterations {
            try control.checkCancelled()
            // Budgets of this step.
            var stepBudgets: [Double] = []
            if let list = budgetList {
                if list.count <= config.budgetsPerStep {
                    stepBudgets = list
                } else {
                    let n = config.budgetsPerStep
                    stepBudgets = (0..<n).map { i in list[min(list.count - 1, Int((Double(i) + rng.nextDouble()) / Double(n) * Double(list.count)))] }
                }
            } else {
                let n = config.budgetsPerStep
                stepBudgets = (0..<n).map { i in scale.milliseconds(at: (Double(i) + rng.nextDouble()) / Double(n)) }
            }
            let nb = stepBudgets.count
            phi = [Float](repeating: 0, count: nb * k)
            hidden = [Float](repeating: 0, count: nb * h)
            logits = [Float](repeating: 0, count: nb * d)
            probs = [Float](repeating: 0, count: nb * d)
            var batch: [Architecture] = []
            batch.reserveCapacity(nb * m)
            phi.withUnsafeMutableBufferPointer { ph in
                hidden.withUnsafeMutableBufferPointer { hd in
                    logits.withUnsafeMutableBufferPointer { lo in
                        probs.withUnsafeMutableBufferPointer { pr in
                            for i in 0..<nb {
                                let t = scale.normalize(stepBudgets[i]).value
                                net.forward(t, phi: ph.baseAddress! + i * k, hidden: hd.baseAddress! + i * h,
                                            logits: lo.baseAddress! + i * d)
                                CategoricalHeads.softmax(lo.baseAddress! + i * d, offsets: offsets, into: pr.baseAddress! + i * d)
                                for _ in 0..<m {
                                    var a = Architecture(genes: CategoricalHeads.sample(pr.baseAddress! + i * d, offsets: offsets, using: &rng))
                                    problem.canonicalize(&a)  // fixed decisions, then the space's rule
                                    batch.append(a)
                                }
                            }
                        }
                    }
                }
            }
            // One batch per objective for the whole step.
            let slots = try cache.evaluate(batch)
            var rewards = [Double](repeating: 0, count: batch.count)
            var feasibleCount = 0
            for (j, s) in slots.enumerated() {
                let b = stepBudgets[j / m]
                let lat = cache.latency[s], acc = cache.accuracy[s]
                if !lat.isFinite || !acc.isFinite {
                    rewards[j] = rewardFloor - 1 - config.violationPenalty
                } else if lat <= b {
                    rewards[j] = max((acc - accMedian) / accScale, rewardFloor)
                    feasibleCount += 1
                } else {
                    rewards[j] = rewardFloor - 1 - config.violationPenalty * log(lat / b)
                }
            }
            meanReward = rewards.reduce(0, +) / Double(rewards.count)

            // Gradient.
            let progress = config.iterations > 1 ? Double(step) / Double(config.iterations - 1) : 1
            let beta = Float(config.entropyWeight + (config.finalEntropyWeight - config.entropyWeight) * progress)
            let norm = Float(1.0 / Double(nb * m))
            for i in 0..<grad.count { grad[i] = 0 }
            probs.withUnsafeBufferPointer { pr in
                ascent.withUnsafeMutableBufferPointer { asc in
                    let p = pr.baseAddress! + 0
                    for i in 0..<nb {
                        let pi = p + i * d
                        for o in 0..<d { asc[o] = 0 }
                        let group = rewards[(i * m)..<((i + 1) * m)]
                        let sum = group.reduce(0, +)
                        let mean = sum / Double(m)
                        let spread = (group.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(m)).squareRoot()
                        var activeCount = [Int](repeating: 0, count: decisions)
                        for j in 0..<m {
                            let arch = batch[i * m + j]
                            let baseline = (sum - rewards[i * m + j]) / Double(m - 1)
                            let adv = Float((rewards[i * m + j] - baseline) / (spread + 0.05)) * norm
                            for dd in 0..<decisions where space.isActive(decision: dd, in: arch) {
                                activeCount[dd] += 1
                                if adv != 0 {
                                    CategoricalHeads.addLogLikelihoodGradient(pi, decision: dd, option: Int(arch.genes[dd]),
                                                                              offsets: offsets, weight: adv, into: asc.baseAddress!)
                                }
                            }
                        }
                        // Entropy, weighted by how often the decision was active in this budget's samples.
                        for dd in 0..<decisions where activeCount[dd] > 0 {
                            let w = beta * Float(activeCount[dd]) * norm
                            CategoricalHeads.addEntropyGradient(pi, decision: dd, offsets: offsets, weight: w, into: asc.baseAddress!)
                        }
                        // Pareto-aware imitation of the best feasible architecture found for this budget.
                        if config.imitationWeight > 0, let best = cache.bestFeasible(budgetMs: stepBudgets[i]) {
                            let target = cache.archs[best]
                            let w = Float(config.imitationWeight) * Float(m) * norm
                            for dd in 0..<decisions where space.isActive(decision: dd, in: target) {
                                CategoricalHeads.addLogLikelihoodGradient(pi, decision: dd, option: Int(target.genes[dd]),
                                                                          offsets: offsets, weight: w, into: asc.baseAddress!)
                            }
                        }
                        // Adam minimizes: feed the negated ascent direction.
                        for o in 0..<d { asc[o] = -asc[o] }
                        phi.withUnsafeBufferPointer { ph in
                            hidden.withUnsafeBufferPointer { hd in
                                grad.withUnsafeMutableBufferPointer { g in
                                    dHidden.withUnsafeMutableBufferPointer { dh in
                                        net.accumulateGradient(dLogits: UnsafePointer(asc.baseAddress!), phi: ph.baseAddress! + i * k,
                                                               hidden: hd.baseAddress! + i * h, into: g.baseAddress!,
                                                               scratch: dh.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let count = net.parameters.count
            net.parameters.withUnsafeMutableBufferPointer { p in
                grad.withUnsafeBufferPointer { g in
                    adam.update(p.baseAddress!, gradients: g.baseAddress!, range: 0..<count)
                }
            }

            if step % config.hypervolumeEvery == 0 || step == config.iterations - 1 {
                hypervolume = ParetoFront.hypervolume(latency: cache.front.latency, accuracy: cache.front.accuracy,
                                                      referenceLatency: scale.upperMs, referenceAccuracy: referenceAccuracy)
            }
            control.report(ProgressReport(step: step + 1, total: config.iterations, message: "training generator", values: [
                "iteration": .int(step + 1),
                "meanReward": .double(meanReward),
                "frontHypervolume": .double(hypervolume),
                "queries": .int(cache.queries),
                "feasibleFraction": .double(Double(feasibleCount) / Double(batch.count)),
            ]))
        }

        let archive = (0..<cache.front.count).map { i in
            SearchCandidate(arch: cache.archs[cache.front.ids[i]], latencyMs: cache.front.latency[i], accuracy: cache.front.accuracy[i])
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        let stats = GeneratorTrainingStats(iterations: config.iterations, queries: cache.queries, elapsedMs: elapsed,
                                           frontHypervolume: hypervolume, meanReward: meanReward, seed: config.seed)
        return TrainedGenerator(space: space, network: net, scale: scale, archive: archive,
                                accuracyLabel: problem.accuracyLabel, metadata: metadata, stats: stats)
    }
}
