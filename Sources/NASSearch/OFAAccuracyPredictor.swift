import NASCore
import NASData
import NASNeural

/// OFA MobileNetV3 ImageNet top-1 accuracy predictor: an MLP (as OFA's, 3 hidden layers of
/// 400) on the space's default encoding, trained on the 2,223 real measurements of
/// `ofa_mbv3/accuracy_imagenet_top1.csv` with a held-out split it never trains on.
public struct OFAAccuracyPredictor: Sendable {
    /// The trained network and its target normalization (standardized top-1 %).
    public var regressor: NeuralRegressor
    /// The space whose encoding the network reads.
    public var space: any SearchSpace
    /// The encoding name.
    public var encoding: String
    /// Metrics on the held-out architectures (RMSE in top-1 points, Spearman's rank correlation).
    public var heldOut: RegressionMetrics
    /// Number of architectures trained on (including the early-stopping validation part).
    public var trainingCount: Int
    /// Decisions all measured subnets share (`AccuracySource.constantDecisions`): resolution
    /// 224 in the shipped file, so predictions at other resolutions are extrapolations.
    public var measuredDecisions: [Int: UInt8] = [:]

    /// The network and its training: 3 hidden layers of 400 (as OFA's), batches of 16 for at most
    /// 75 epochs (patience 8), the engine's defaults otherwise: the 7,500 Adam steps of batches
    /// of 64 over 300 epochs (recipe 1) at a quarter of the arithmetic, with no higher held-out
    /// error (`Benchmarks/results/firstcalls-training.md`).
    public static var defaultConfig: MLPTrainingConfig {
        MLPTrainingConfig(hidden: [400, 400, 400], batchSize: 16, maxEpochs: 75, patience: 8)
    }

    /// Trains on the fixtures. `holdOutFraction` of the measurements (shuffled with `seed`) are
    /// kept out for `heldOut`; early stopping uses `config.validationFraction` of the rest.
    public static func train(catalog: DataCatalog, space: any SearchSpace, holdOutFraction: Double = 0.2,
                             config: MLPTrainingConfig? = nil, seed: UInt64 = 0,
                             control: JobControl = .none) throws(NASError) -> OFAAccuracyPredictor {
        guard holdOutFraction > 0 && holdOutFraction < 1 else {
            throw NASError(.invalidParams, "holdOutFraction must be in (0, 1), got \(holdOutFraction)")
        }
        let data = try catalog.ofaAccuracy()
        let (train, test) = split(count: data.archs.count, holdOutFraction: holdOutFraction, seed: seed)
        let encoding = space.defaultEncoding
        let x = try space.encode(train.map { data.archs[$0] }, encoding: encoding)
        let y = train.map { data.top1[$0] }
        var cfg = config ?? defaultConfig
        cfg.seed = seed
        let (regressor, _) = try NeuralRegressor.train(x: x, y: y, validation: nil, transform: .standardized,
                                                       config: cfg, control: control)
        let xt = try space.encode(test.map { data.archs[$0] }, encoding: encoding)
        let metrics = RegressionMetrics(predicted: regressor.predict(xt), actual: test.map { data.top1[$0] })
        return OFAAccuracyPredictor(regressor: regressor, space: space, encoding: encoding, heldOut: metrics,
                                    trainingCount: train.count,
                                    measuredDecisions: AccuracySource.constantDecisions(of: data.archs))
    }

    /// Which measurements `train` fits on and which it holds out (`holdOutFraction` of them,
    /// shuffled with `seed`), as indices into `DataCatalog.ofaAccuracy()`.
    public static func split(count: Int, holdOutFraction: Double = 0.2, seed: UInt64 = 0) -> (train: [Int], test: [Int]) {
        var order = Array(0..<count)
        var rng = SeededGenerator(seed: seed)
        order.seededShuffle(using: &rng)
        let nTest = Int((Double(order.count) * holdOutFraction).rounded())
        return (Array(order.dropFirst(nTest)), Array(order.prefix(nTest)))
    }

    /// Predicted top-1 % of a batch (one encode + one batched forward pass, split across the cores).
    public func predict(_ archs: [Architecture]) throws(NASError) -> [Double] {
        regressor.predict(try space.encode(archs, encoding: encoding), threads: Kernels.defaultThreads)
    }

    /// The predictor as a search accuracy source.
    public var source: AccuracySource {
        let me = self
        return AccuracySource(objective: { archs throws(NASError) in try me.predict(archs) },
                              label: "ImageNet top-1 % (predicted by an MLP trained on \(trainingCount) of 2,223 OFA measurements)",
                              measuredDecisions: measuredDecisions)
    }
}
