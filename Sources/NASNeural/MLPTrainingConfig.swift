/// How `MLPTrainer` trains an MLP: architecture, Adam settings, early stopping, fine-tuning.
public struct MLPTrainingConfig: Codable, Sendable, Equatable {
    /// Hidden layer widths (3 x 256 by default, as the seed paper's and HELP's predictors).
    public var hidden: [Int] = [256, 256, 256]
    /// Adam step size.
    public var learningRate: Double = 1e-3
    /// Mini-batch size.
    public var batchSize: Int = 64
    /// Upper bound on epochs (the exact count when there is no validation set).
    public var maxEpochs: Int = 300
    /// Early stopping: stop after this many epochs without a better validation loss.
    public var patience: Int = 30
    /// Decoupled (AdamW) weight decay when > 0.
    public var weightDecay: Double = 0
    /// Fraction of the samples held out for validation when no explicit validation set is given
    /// (none is held out below `minimumValidationSamples` samples: training then runs `maxEpochs`).
    public var validationFraction: Double = 0.1
    /// Seed of initialization, validation split and mini-batch order.
    public var seed: UInt64 = 0
    /// Fine-tuning: the first k weight layers are not updated.
    public var frozenLayers: Int = 0

    /// Below this many samples no validation split is made (early stopping would be noise).
    public static let minimumValidationSamples = 20

    /// The defaults above.
    public init() {}

    /// Defaults with some fields changed.
    public init(hidden: [Int] = [256, 256, 256], learningRate: Double = 1e-3, batchSize: Int = 64,
                maxEpochs: Int = 300, patience: Int = 30, weightDecay: Double = 0,
                validationFraction: Double = 0.1, seed: UInt64 = 0, frozenLayers: Int = 0) {
        self.hidden = hidden
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.maxEpochs = maxEpochs
        self.patience = patience
        self.weightDecay = weightDecay
        self.validationFraction = validationFraction
        self.seed = seed
        self.frozenLayers = frozenLayers
    }

    /// Defaults for fine-tuning a trained base on `samples` target samples (5–100 typical):
    /// a smaller step (3e-4), batches of at most 16, no validation split below 50 samples
    /// (then a fixed epoch budget sized to about 300 Adam steps), otherwise 20% held out with patience 30.
    public static func fineTuning(samples: Int, seed: UInt64 = 0, frozenLayers: Int = 0) -> MLPTrainingConfig {
        var c = MLPTrainingConfig()
        c.learningRate = 3e-4
        c.batchSize = max(1, min(16, samples))
        let stepsPerEpoch = max(1, (samples + c.batchSize - 1) / c.batchSize)
        c.maxEpochs = max(50, min(500, 300 / stepsPerEpoch))
        c.patience = 30
        c.validationFraction = samples < 50 ? 0 : 0.2
        c.seed = seed
        c.frozenLayers = frozenLayers
        return c
    }
}
