import JSONRPC

/// Budget range of a generator, in ms.
public struct BudgetRangeInput: Codable, Sendable, Equatable {
    public var min: Double
    public var max: Double
}

/// `trainGenerator`: train a budget-conditioned generator once (PNAG).
public struct TrainGeneratorRequest: RequestType {
    public static let method = "trainGenerator"
    public typealias Response = GeneratorInfo
    public var space: String
    /// Latency from a fixture device's default predictor, a predictor id, or a spec.
    public var device: String?
    public var predictor: String?
    public var spec: DeviceSpecInput?
    public var batch: Int?
    /// Accuracy source, as in `search` (default per space).
    public var objective: SearchObjectiveInput?
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
    /// Let degenerate architectures (NB201 cells with no data path) be generated (default
    /// false: they earn no reward and are never answered); kept in the generator's metadata.
    public var includeDegenerate: Bool?
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

/// `generate`: the architecture for each budget, by one inference.
public struct GenerateRequest: RequestType {
    public static let method = "generate"
    public typealias Response = GenerateResult
    /// A generator id; or `space` + `device` for that device's default generator (trained on
    /// first use, with progress).
    public var generator: String?
    public var space: String?
    public var device: String?
    /// Latency budgets in ms.
    public var budgets: [Double]
    /// Re-rank the argmax plus k samples (and the training archive's entry) with the
    /// generator's predictors; 0 = argmax only (no predictor query). Default 16.
    public var samples: Int?
    public var seed: UInt64?
}

/// One generated architecture.
public struct GeneratedMessage: Codable, Sendable {
    public var budgetMs: Double
    public var arch: String
    public var latencyMs: Double?
    public var accuracy: Double?
    public var feasible: Bool?
    /// The budget was outside the trained range and was clamped to it.
    public var clamped: Bool
    /// `argmax`, `sample` or `archive`.
    public var source: String
    /// True when the answer is degenerate (only possible for a generator trained with
    /// `includeDegenerate`, or an argmax answered without re-ranking, `samples: 0`).
    public var degenerate: Bool?
    enum CodingKeys: String, CodingKey {
        case budgetMs = "budget_ms"
        case arch
        case latencyMs = "latency_ms"
        case accuracy, feasible, clamped, source, degenerate
    }
}

/// Result of `generate`.
public struct GenerateResult: Codable, Sendable {
    public var generator: String
    public var accuracyLabel: String
    /// The accuracy objective's name the generator was trained for (as in `search`).
    public var objective: String?
    public var results: [GeneratedMessage]
    public var elapsedMs: Double
}
