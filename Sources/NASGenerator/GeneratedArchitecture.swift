import NASCore

/// The generator's answer for one budget.
public struct GeneratedArchitecture: Sendable, Equatable {
    /// The budget asked for (ms), as given.
    public var budgetMs: Double
    /// The architecture (canonical).
    public var arch: Architecture
    /// Its latency (ms) by the problem's latency objective; nil when generated without a problem.
    public var latencyMs: Double?
    /// Its accuracy by the problem's accuracy objective; nil when generated without a problem.
    public var accuracy: Double?
    /// Whether `latencyMs ≤ budgetMs`; nil when generated without a problem.
    public var feasible: Bool?
    /// True when the budget lay outside the trained range and was clamped to its nearest end.
    public var clamped: Bool
    /// Where the answer came from: `argmax`, `sample` (best of k samples) or `archive` (the best
    /// feasible architecture training found for that budget).
    public var source: String

    /// Makes an answer.
    public init(budgetMs: Double, arch: Architecture, latencyMs: Double?, accuracy: Double?, feasible: Bool?,
                clamped: Bool, source: String) {
        self.budgetMs = budgetMs
        self.arch = arch
        self.latencyMs = latencyMs
        self.accuracy = accuracy
        self.feasible = feasible
        self.clamped = clamped
        self.source = source
    }
}

/// What training cost and reached.
public struct GeneratorTrainingStats: Sendable, Equatable {
    /// Policy-gradient steps done.
    public var iterations: Int
    /// Distinct architectures evaluated (predictor queries), warm-up included.
    public var queries: Int
    /// Wall-clock time of training.
    public var elapsedMs: Double
    /// Hypervolume of the training front within the trained budget range (reference: the
    /// upper budget and the lowest warm-up accuracy).
    public var frontHypervolume: Double
    /// Mean reward of the last step.
    public var meanReward: Double
    /// The training seed.
    public var seed: UInt64

    /// Makes stats.
    public init(iterations: Int, queries: Int, elapsedMs: Double, frontHypervolume: Double, meanReward: Double, seed: UInt64) {
        self.iterations = iterations
        self.queries = queries
        self.elapsedMs = elapsedMs
        self.frontHypervolume = frontHypervolume
        self.meanReward = meanReward
        self.seed = seed
    }
}
