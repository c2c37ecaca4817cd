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
