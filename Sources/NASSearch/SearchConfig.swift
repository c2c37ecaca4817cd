import NASCore

/// The search algorithm.
public enum SearchAlgorithm: String, Sendable, CaseIterable, Codable {
    /// OFA's evolutionary search (parents + mutation + crossover). With `.pareto` it runs NSGA-II.
    case evolution
    /// Uniform random sampling of distinct architectures.
    case random
    /// NSGA-II (non-dominated sorting + crowding distance); with a budget it uses constrained domination.
    case nsga2
}

/// What the search optimizes.
public enum SearchGoal: Sendable, Equatable {
    /// Most accurate architecture whose (predicted) latency is within `ms`.
    case latencyBudget(ms: Double)
    /// The accuracy–latency Pareto front.
    case pareto
}

/// Parameters of one search. The defaults are OFA's evolution parameters.
public struct SearchConfig: Sendable, Equatable {
    /// Which algorithm.
    public var algorithm: SearchAlgorithm
    /// Budget or Pareto mode.
    public var goal: SearchGoal
    /// Population (and children per generation).
    public var populationSize: Int
    /// Parents kept per generation (OFA: 25% of the population).
    public var parents: Int
    /// Per-decision resampling probability of a mutation.
    public var mutationProbability: Double
    /// Fraction of the children made by mutation; the rest by crossover.
    public var mutateRatio: Double
    /// Number of generations (random search: batches of `populationSize` samples).
    public var generations: Int
    /// Stop after this many distinct architectures were evaluated (predictor queries); nil = no limit.
    public var maxQueries: Int?
    /// Seed of every random decision: same seed, same result.
    public var seed: UInt64
    /// Safety margin on the predicted latency, as a fraction: an architecture is feasible when
    /// `predicted ≤ budget × (1 − safetyMargin)`. 0 trusts the predictor.
    public var safetyMargin: Double

    /// Makes a configuration with OFA's defaults (population 100, parents 25, mutation
    /// probability 0.1, mutate ratio 0.5, 500 generations).
    public init(goal: SearchGoal, algorithm: SearchAlgorithm = .evolution, populationSize: Int = 100,
                parents: Int = 25, mutationProbability: Double = 0.1, mutateRatio: Double = 0.5,
                generations: Int = 500, maxQueries: Int? = nil, seed: UInt64 = 0, safetyMargin: Double = 0) {
        self.algorithm = algorithm
        self.goal = goal
        self.populationSize = populationSize
        self.parents = parents
        self.mutationProbability = mutationProbability
        self.mutateRatio = mutateRatio
        self.generations = generations
        self.maxQueries = maxQueries
        self.seed = seed
        self.safetyMargin = safetyMargin
    }

    /// The latency limit a predicted latency is compared with (infinity in Pareto mode).
    public var effectiveLimit: Double {
        switch goal {
        case .latencyBudget(let ms): return ms * (1 - safetyMargin)
        case .pareto: return .infinity
        }
    }

    /// Whether this is Pareto mode.
    public var isPareto: Bool { goal == .pareto }

    /// Checks ranges; errors name the field.
    public func validate() throws(NASError) {
        if case .latencyBudget(let ms) = goal, !(ms > 0 && ms.isFinite) {
            throw NASError(.invalidParams, "latency budget must be a positive number of ms, got \(ms)",
                           field: "budget.latency_ms")
        }
        guard populationSize >= 2 && populationSize <= 100_000 else {
            throw NASError(.invalidParams, "population must be in 2...100000, got \(populationSize)", field: "population")
        }
        guard parents >= 1 && parents <= populationSize else {
            throw NASError(.invalidParams, "parents must be in 1...population (\(populationSize)), got \(parents)",
                           field: "parents")
        }
        guard mutationProbability >= 0 && mutationProbability <= 1 else {
            throw NASError(.invalidParams, "mutation probability must be in [0, 1], got \(mutationProbability)",
                           field: "mutationProbability")
        }
        guard mutateRatio >= 0 && mutateRatio <= 1 else {
            throw NASError(.invalidParams, "mutate ratio must be in [0, 1], got \(mutateRatio)", field: "mutateRatio")
        }
        guard generations >= 1 && generations <= 1_000_000 else {
            throw NASError(.invalidParams, "generations must be in 1...1000000, got \(generations)", field: "generations")
        }
        if let q = maxQueries, q < 1 {
            throw NASError(.invalidParams, "maxQueries must be at least 1, got \(q)", field: "maxQueries")
        }
        guard safetyMargin >= 0 && safetyMargin < 1 else {
            throw NASError(.invalidParams, "safety margin must be in [0, 1), got \(safetyMargin)", field: "safetyMargin")
        }
    }
}
