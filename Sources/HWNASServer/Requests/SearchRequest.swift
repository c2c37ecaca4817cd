import JSONRPC
import NASCore

/// `budget`: the latency limit of constrained mode.
public struct SearchBudgetInput: Codable, Sendable, Equatable {
    public var latencyMs: Double
    enum CodingKeys: String, CodingKey { case latencyMs = "latency_ms" }
}

/// `search`: the most accurate architecture under a latency budget, or the Pareto front.
/// On the wire one flat object: the problem's fields beside the settings'.
public struct SearchRequest: ProblemRequest {
    public static let method = "search"
    public typealias Response = SearchResultMessage
    /// The space, the latency source, the objective.
    public var problem: ProblemParams
    /// How to search.
    public var settings: SearchSettings

    public init(problem: ProblemParams, settings: SearchSettings) {
        self.problem = problem
        self.settings = settings
    }

    /// The latency predictor id: `predictor`, else `objective.latency`.
    public var latencyPredictor: String? { problem.predictor ?? problem.objective?.latency }
}

/// How `search` searches (its params besides the problem).
public struct SearchSettings: Codable, Sendable {
    /// Constrained mode.
    public var budget: SearchBudgetInput?
    /// Pareto mode.
    public var pareto: Bool?
    /// `evolution` (default), `random`, `nsga2`.
    public var algorithm: String?
    public var population: Int?
    public var parents: Int?
    public var mutationProbability: Double?
    public var mutateRatio: Double?
    public var generations: Int?
    public var maxQueries: Int?
    public var seed: UInt64?
    /// Feasible when predicted latency ≤ budget × (1 − safetyMargin); default 0.
    public var safetyMargin: Double?
    /// Budget mode, instead of `safetyMargin`: the margin that keeps the chosen architecture
    /// within the budget on the device with this probability (0.5–0.99), from the predictor's
    /// held-out error near the budget (`ErrorProfile`; predictors trained by `train` or as a
    /// default have one); with a spec, that of the model that answers (`specAnswer`: for an unseen
    /// GPU, `NearestGPUInterval.margin`).
    public var confidence: Double?
}

/// One architecture with its objectives.
public struct CandidateMessage: Codable, Sendable, Equatable {
    public var arch: String
    public var latencyMs: Double
    public var accuracy: Double
    enum CodingKeys: String, CodingKey {
        case arch
        case latencyMs = "latency_ms"
        case accuracy
    }
}

/// Result of `search`.
public struct SearchResultMessage: Codable, Sendable {
    /// Best feasible architecture (budget mode) or the most accurate of the front; null only
    /// for a search cancelled before anything feasible was found.
    public var best: CandidateMessage?
    /// Pareto mode: the front by increasing latency.
    public var front: [CandidateMessage]
    public var queries: Int
    public var elapsedMs: Double
    /// True when cancelled: what was found so far.
    public var partial: Bool
    public var generations: Int
    public var feasibleFraction: Double
    public var fastest: CandidateMessage?
    public var algorithm: String
    /// What `accuracy` means (measured, predicted, or a proxy).
    public var accuracyLabel: String
    /// The latency predictor used.
    public var predictor: String
    /// With a `spec` GPU name: the gpu_specs.csv row it matched, as `predict`'s `gpu` (the
    /// predictor that answered for it is `predictor`: the nearest measured GPU's default, or
    /// the hardware-generalized MLP).
    public var gpu: String?
    /// Budget mode: the safety margin applied (given, or derived from `confidence`).
    public var safetyMargin: Double?
    /// With `confidence` and a spec no measured GPU has: how far to trust the margin (the nearest
    /// GPU that answered, the few chips it is calibrated on), as `predict`'s `intervalNote`.
    public var marginNote: String?
    /// The accuracy objective's name (`cifar10`, `ofa-top1`, `max-macs`, ...): the request's
    /// `objective.accuracy` or the space's default.
    public var objective: String?
    /// What the result rests on that the data does not support (e.g. an accuracy extrapolated
    /// beyond the measured resolution); absent when nothing.
    public var warnings: [String]?
}
