import JSONRPC

/// Budget range of a generator, in ms.
public struct BudgetRangeInput: Codable, Sendable, Equatable {
    public var min: Double
    public var max: Double
}

/// `trainGenerator`: train a budget-conditioned generator once (PNAG). On the wire one flat
/// object: the problem's fields (latency from a fixture device's default predictor, a predictor
/// id, or a spec; accuracy source as in `search`) beside the settings'.
public struct TrainGeneratorRequest: ProblemRequest {
    public static let method = "trainGenerator"
    public typealias Response = GeneratorInfo
    /// The space, the latency source, the objective; `includeDegenerate` lets degenerate
    /// architectures be generated (default false: they earn no reward and are never answered),
    /// kept in the generator's metadata.
    public var problem: ProblemParams
    /// How to train.
    public var settings: GeneratorTrainingSettings

    public init(problem: ProblemParams, settings: GeneratorTrainingSettings) {
        self.problem = problem
        self.settings = settings
    }
}

/// How `trainGenerator` trains (its params besides the problem).
public struct GeneratorTrainingSettings: Codable, Sendable {
    /// A range `{min, max}` of budgets (ms)...
    public var budgetRange: BudgetRangeInput?
    /// ...or a list of budgets; default: the 2nd–98th percentile of a warm-up sample.
    public var budgets: [Double]?
    public var iterations: Int?
    /// Architectures sampled per budget and step (default 32).
    public var samplesPerBudget: Int?
    public var seed: UInt64?
    /// Id of the generator (default generated from space, device and seed).
    public var id: String?
    public var save: Bool?
}

/// A trained generator.
public struct GeneratorInfo: Codable, Sendable {
    public var generator: String
    public var space: String
    public var accuracyLabel: String
    /// Budget range it was trained on (ms); budgets outside are clamped.
    public var budgetMin: Double
    public var budgetMax: Double
    public var iterations: Int
    /// Distinct architectures evaluated while training.
    public var queries: Int
    public var elapsedMs: Double
    public var frontHypervolume: Double
    public var metadata: [String: String]
    public var path: String?
}
