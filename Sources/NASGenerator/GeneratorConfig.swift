import NASCore

/// Hyper-parameters of generator training. The defaults train an NB201 generator in about a
/// second of objective-free compute (the objectives dominate).
public struct GeneratorConfig: Sendable, Equatable {
    /// Policy-gradient steps.
    public var iterations: Int = 300
    /// Budgets sampled per step (stratified over the range, so the whole frontier learns jointly).
    public var budgetsPerStep: Int = 16
    /// Architectures sampled per budget per step (the per-budget leave-one-out baseline needs ≥ 2).
    public var samplesPerBudget: Int = 8
    /// Random architectures evaluated before training: accuracy normalization and the automatic range.
    public var warmupSamples: Int = 256
    /// Radial-basis features of the normalized budget (the embedding's input size).
    public var embeddingSize: Int = 16
    /// Hidden units of the embedding MLP (tanh).
    public var hiddenSize: Int = 64
    /// Adam step size.
    public var learningRate: Double = 0.01
    /// Entropy bonus at the first step, decaying linearly to `finalEntropyWeight`.
    public var entropyWeight: Double = 0.02
    /// Entropy bonus at the last step.
    public var finalEntropyWeight: Double = 0.002
    /// Weight of the Pareto-aware imitation term: the log-likelihood of the best feasible
    /// architecture found so far for each sampled budget.
    public var imitationWeight: Double = 0.5
    /// Penalty slope per unit of log(latency / budget) for budget violations.
    public var violationPenalty: Double = 10
    /// Seed of every random decision: same seed, same generator.
    public var seed: UInt64 = 0
    /// Report the front hypervolume every this many iterations (progress is sent every iteration).
    public var hypervolumeEvery: Int = 10

    /// The defaults.
    public init() {}

    /// Checks ranges; errors name the field.
    public func validate() throws(NASError) {
        func check(_ ok: Bool, _ field: String, _ what: String) throws(NASError) {
            if !ok { throw NASError(.invalidParams, "\(field) must be \(what)", field: field) }
        }
        try check(iterations >= 1 && iterations <= 1_000_000, "iterations", "in 1...1000000, got \(iterations)")
        try check(budgetsPerStep >= 1 && budgetsPerStep <= 4096, "budgetsPerStep", "in 1...4096, got \(budgetsPerStep)")
        try check(samplesPerBudget >= 2 && samplesPerBudget <= 4096, "samplesPerBudget", "in 2...4096, got \(samplesPerBudget)")
        try check(warmupSamples >= 8 && warmupSamples <= 1_000_000, "warmupSamples", "in 8...1000000, got \(warmupSamples)")
        try check(embeddingSize >= 2 && embeddingSize <= 1024, "embeddingSize", "in 2...1024, got \(embeddingSize)")
        try check(hiddenSize >= 1 && hiddenSize <= 4096, "hiddenSize", "in 1...4096, got \(hiddenSize)")
        try check(learningRate > 0 && learningRate < 1, "learningRate", "in (0, 1), got \(learningRate)")
        try check(entropyWeight >= 0 && finalEntropyWeight >= 0, "entropyWeight", "non-negative")
        try check(imitationWeight >= 0, "imitationWeight", "non-negative, got \(imitationWeight)")
        try check(violationPenalty >= 0, "violationPenalty", "non-negative, got \(violationPenalty)")
        try check(hypervolumeEvery >= 1, "hypervolumeEvery", "at least 1, got \(hypervolumeEvery)")
    }
}
