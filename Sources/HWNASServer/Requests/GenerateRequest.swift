import JSONRPC

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
    /// Keep each answer within its budget on the device with about this probability (0.5–0.99):
    /// the generator is asked for budget × (1 − margin), the margin from its latency predictor's
    /// error profile near the budget (as `search`'s `confidence`).
    public var confidence: Double?
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
    /// With `confidence`: the margin applied (the generator answered budget × (1 − margin), and
    /// `feasible` is against that).
    public var safetyMargin: Double?
    /// True when the answer is degenerate (only possible for a generator trained with
    /// `includeDegenerate`, or an argmax answered without re-ranking, `samples: 0`).
    public var degenerate: Bool?
    enum CodingKeys: String, CodingKey {
        case budgetMs = "budget_ms"
        case arch
        case latencyMs = "latency_ms"
        case accuracy, feasible, clamped, source, safetyMargin, degenerate
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
