import NASCore

/// One evaluated architecture: its objectives as the search saw them.
public struct SearchCandidate: Sendable, Equatable {
    /// The architecture (canonical).
    public var arch: Architecture
    /// Latency in ms as given by the latency objective (predicted, usually).
    public var latencyMs: Double
    /// Accuracy (or proxy) as given by the accuracy objective.
    public var accuracy: Double

    /// Makes a candidate.
    public init(arch: Architecture, latencyMs: Double, accuracy: Double) {
        self.arch = arch
        self.latencyMs = latencyMs
        self.accuracy = accuracy
    }
}

/// The outcome of a search.
public struct SearchResult: Sendable, Equatable {
    /// Budget mode: the most accurate feasible architecture (ties: lower latency). Pareto mode:
    /// the most accurate architecture of the front. Nil only when the search was cancelled
    /// before any feasible architecture was found (a finished search with none throws
    /// `infeasibleBudget`).
    public var best: SearchCandidate?
    /// Pareto mode: the non-dominated architectures among all evaluated, by increasing latency.
    /// Empty in budget mode.
    public var front: [SearchCandidate]
    /// Distinct architectures evaluated (each costs one latency-predictor query).
    public var queries: Int
    /// Wall-clock time of the search.
    public var elapsedMs: Double
    /// True when the search was cancelled and this is what it had found so far.
    public var partial: Bool
    /// Generations completed.
    public var generations: Int
    /// Fraction of evaluated architectures within the budget (1 in Pareto mode).
    public var feasibleFraction: Double
    /// The fastest evaluated architecture (useful to explain an infeasible budget).
    public var fastest: SearchCandidate?
    /// What the accuracy values are (copied from the problem).
    public var accuracyLabel: String
    /// The algorithm that ran (evolution in Pareto mode reports nsga2).
    public var algorithm: SearchAlgorithm
    /// The slowest latency evaluated (nil when none was finite).
    public var slowestLatencyMs: Double? = nil

    /// Budget mode: a warning when every architecture evaluated was within `limitMs` (the budget
    /// `budgetMs` less any safety margin), so the budget constrained nothing and `best` is the
    /// most accurate architecture found whatever its latency: a budget in the wrong unit (or a
    /// typo) gives an answer that looks constrained and is not. Nil otherwise.
    public func unconstrainedBudgetWarning(budgetMs: Double, limitMs: Double) -> String? {
        guard let slowest = slowestLatencyMs, slowest <= limitMs, best != nil, queries > 0 else { return nil }
        return "every one of the \(queries) architectures evaluated is predicted within the budget (the slowest at \(String(format: "%.3g", slowest)) ms, the budget \(String(format: "%g", budgetMs)) ms), so the budget did not constrain this search: best is the most accurate architecture found whatever its latency (latency budgets are in milliseconds)"
    }
}
