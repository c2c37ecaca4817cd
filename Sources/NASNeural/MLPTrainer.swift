import NASCore

/// What happened during one training run.
public struct TrainingHistory: Sendable, Equatable {
    /// Epochs run.
    public var epochs: Int
    /// Mean squared error on the training rows, per epoch (as seen during the epoch's updates).
    public var trainLoss: [Double]
    /// Mean squared error on the validation rows after each epoch (empty without validation).
    public var validationLoss: [Double]
    /// The 1-based epoch whose weights were returned (the last one without validation).
    public var bestEpoch: Int

    /// Makes a history.
    public init(epochs: Int, trainLoss: [Double], validationLoss: [Double], bestEpoch: Int) {
        self.epochs = epochs
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.bestEpoch = bestEpoch
    }
}

/// Sees a training run's validation outputs after each epoch (`MLPTrainer.train`'s `monitor`):
/// (epoch, whether these weights are the best so far, outputs on the validation rows) → stop now.
public typealias ValidationMonitor = (_ epoch: Int, _ isBest: Bool, _ outputs: UnsafeBufferPointer<Float>) -> Bool

/// Trains an `MLP` with Adam on mean squared error, with early stopping on a validation split.
public enum MLPTrainer {
    /// Trains on (x, y) with Adam and early stopping; y is already normalized by the caller
    /// (e.g. standardized log-latency).
    ///
    /// - `validation`: explicit validation rows; when nil, `config.validationFraction` of the
    ///   rows is held out (seeded), unless there are fewer than
    ///   `MLPTrainingConfig.minimumValidationSamples` rows: then all rows train for exactly
    ///   `config.maxEpochs` epochs and the last weights are returned.
    /// - `initial`: start from these weights (fine-tuning); its input width must be `x.cols`
    ///   and its output width 1; `config.hidden` is then ignored.
    /// - Progress per epoch through `control.report` (values: epoch, trainLoss, validationLoss),
    ///   and when it stops before `maxEpochs` a last report at step = total (values: stoppedAt,
    ///   bestEpoch);
    ///   cancellation is polled each epoch and every 50 mini-batches.
    ///
    /// - `threads`: the most threads one training step is split across (its batch rows, then its
    ///   weight rows: the result does not depend on it); 1 when the caller trains several networks
    ///   side by side.
    /// - `share`: when given, the threads are re-read from it every epoch instead (networks
    ///   trained side by side: one that ends gives its threads to the others).
    ///
    /// - `monitor`: with a validation set, called after each epoch with the epoch, whether its
    ///   weights are the best so far (those `train` would return), and the network's outputs on
    ///   the validation rows; returning true ends training there (the best weights so far are
    ///   returned). It only reads: a monitor that never stops changes no weight.
    ///
    /// Deterministic per `config.seed`: the same inputs give bit-identical weights.
    public static func train(x: FloatMatrix, y: [Float], validation: (FloatMatrix, [Float])?,
                             config: MLPTrainingConfig, initial: MLP?,
                             control: JobControl, threads: Int = Kernels.defaultThreads,
                             share: ThreadShare? = nil, monitor: ValidationMonitor? = nil) throws(NASError) -> (MLP, TrainingHistory) {
        try validate(x: x, y: y, validation: validation, config: config, initial: initial)
        var rng = SeededGenerator(seed: config.seed)
        let initSeed = rng.next()
        var splitRng = rng.split(salt: 2)
        var batchRng = rng.split(salt: 3)
        let start = initial ?? MLP(layerSizes: [x.cols] + config.hidden + [1], seed: initSeed)

        // Training and validation rows.
        var trainX = x, trainY = y
        var valX: FloatMatrix? = nil, valY: [Float] = []
        if let validation {
            valX = validation.0
            valY = validation.1
        } else if config.validationFraction > 0 && x.rows >= MLPTrainingConfig.minimumValidationSamples {
            var order = Array(0..<x.rows)
            order.seededShuffle(using: &splitRng)
            let nVal = min(x.rows - 1, max(1, Int((Double(x.rows) * config.validationFraction).rounded())))
            let valIdx = Array(order[..<nVal]), trainIdx = Array(order[nVal...])
            valX = x.selectingRows(valIdx)
            valY = valIdx.map { y[$0] }
            trainX = x.selectingRows(trainIdx)
            trainY = trainIdx.map { y[$0] }
        }

        let n = trainX.rows
        let batch = min(config.batchSize, n)
        let ws = MLPTrainingWorkspace(network: start, batchCapacity: max(batch, 1), threads: max(1, share?.threadsEach ?? threads))
        let frozen = config.frozenLayers
        var adam = Adam(parameterCount: ws.parameterCount, learningRate: Float(config.learningRate),
                        weightDecay: Float(config.weightDecay))
        let best = UnsafeMutablePointer<Float>.allocate(capacity: ws.parameterCount)
        defer { best.deallocate() }
        best.update(from: ws.parameters, count: ws.parameterCount)
        var bestLoss = Double.infinity
        var history = TrainingHistory(epochs: 0, trainLoss: [], validationLoss: [], bestEpoch: 0)
        var order = Array(0..<n)
        var sinceBest = 0
        var valOutputs = [Float](repeating: 0, count: monitor == nil ? 0 : valY.count)

        try trainX.storage.withUnsafeBufferPointer { (px) throws(NASError) in
            try trainY.withUnsafeBufferPointer { (py) throws(NASError) in
                for epoch in 1...config.maxEpochs {
                    try control.checkCancelled()
                    order.seededShuffle(using: &batchRng)
                    if let share { ws.threads = share.threadsEach }
                    var sse = 0.0
                    var b = 0
                    var batchIndex = 0
                    while b < n {
                        let rows = min(batch, n - b)
                        sse += ws.step(x: px.baseAddress!, y: py.baseAddress!, indices: order[b..<(b + rows)], frozen: frozen,
                                       adam: &adam)
                        b += rows
                        batchIndex += 1
                        if batchIndex % 50 == 0 { try control.checkCancelled() }
                    }
                    let trainLoss = sse / Double(n)
                    history.epochs = epoch
                    history.trainLoss.append(trainLoss)
                    guard trainLoss.isFinite else {
                        if history.bestEpoch == 0 {
                            throw NASError(.invalidParams, "training diverged (loss is not finite); use a smaller learningRate",
                                           field: "learningRate")
                        }
                        break
                    }
                    var values: [String: ProgressValue] = ["epoch": .int(epoch), "trainLoss": .double(trainLoss)]
                    if let vx = valX {
                        let vl = vx.storage.withUnsafeBufferPointer { pvx in
                            valY.withUnsafeBufferPointer { pvy in
                                valOutputs.withUnsafeMutableBufferPointer { po in
                                    ws.meanSquaredError(x: pvx.baseAddress!, y: pvy.baseAddress!, count: vx.rows,
                                                        outputs: monitor == nil ? nil : po.baseAddress)
                                }
                            }
                        }
                        history.validationLoss.append(vl)
                        values["validationLoss"] = .double(vl)
                        if vl < bestLoss {
                            bestLoss = vl
                            history.bestEpoch = epoch
                            best.update(from: ws.parameters, count: ws.parameterCount)
                            sinceBest = 0
                        } else {
                            sinceBest += 1
                        }
                    } else {
                        history.bestEpoch = epoch
                        best.update(from: ws.parameters, count: ws.parameterCount)
                    }
                    control.report(ProgressReport(step: epoch, total: config.maxEpochs, message: "training mlp", values: values))
                    if valX != nil && sinceBest >= config.patience { break }
                    if let monitor, valX != nil,
                       valOutputs.withUnsafeBufferPointer({ monitor(epoch, sinceBest == 0, $0) }) { break }
                }
            }
        }
        // Stopped before maxEpochs (early stopping, a monitor, a diverged step after a best): one
        // last report at step = total, so a progress bar of this network ends full instead of
        // resting at the epoch it stopped (10 % for 30 of 300). Its values carry no `epoch`.
        if history.epochs < config.maxEpochs {
            control.report(ProgressReport(step: config.maxEpochs, total: config.maxEpochs, message: "training mlp",
                                          values: ["stoppedAt": .int(history.epochs), "bestEpoch": .int(history.bestEpoch)]))
        }
        return (ws.network(from: best), history)
    }

    private static func validate(x: FloatMatrix, y: [Float], validation: (FloatMatrix, [Float])?,
                                 config: MLPTrainingConfig, initial: MLP?) throws(NASError) {
        guard x.rows > 0 else { throw NASError(.insufficientSamples, "no training samples") }
        guard x.rows == y.count else {
            throw NASError(.invalidParams, "\(x.rows) input rows but \(y.count) targets")
        }
        guard x.storage.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            throw NASError(.invalidParams, "training inputs and targets must be finite numbers")
        }
        if let validation {
            let (vx, vy) = validation
            guard vx.rows > 0, vx.rows == vy.count, vx.cols == x.cols else {
                throw NASError(.invalidParams, "the validation set needs as many targets as rows (> 0) and \(x.cols) columns",
                               field: "validation")
            }
        }
        guard config.batchSize >= 1 else { throw NASError(.invalidParams, "batchSize must be >= 1", field: "batchSize") }
        guard config.maxEpochs >= 1 else { throw NASError(.invalidParams, "maxEpochs must be >= 1", field: "maxEpochs") }
        guard config.patience >= 1 else { throw NASError(.invalidParams, "patience must be >= 1", field: "patience") }
        guard config.learningRate > 0, config.learningRate.isFinite else {
            throw NASError(.invalidParams, "learningRate must be a positive number", field: "learningRate")
        }
        guard config.weightDecay >= 0, config.weightDecay.isFinite else {
            throw NASError(.invalidParams, "weightDecay must be >= 0", field: "weightDecay")
        }
        guard (0..<1).contains(config.validationFraction) else {
            throw NASError(.invalidParams, "validationFraction must be in [0, 1)", field: "validationFraction")
        }
        let layers: Int
        if let initial {
            guard initial.inputDimension == x.cols, initial.outputDimension == 1 else {
                throw NASError(.invalidParams, "the base network takes \(initial.inputDimension) inputs and gives \(initial.outputDimension) outputs; the samples have \(x.cols) columns and one target",
                               field: "initial")
            }
            layers = initial.layerCount
        } else {
            guard config.hidden.allSatisfy({ $0 > 0 && $0 <= 65536 }) else {
                throw NASError(.invalidParams, "hidden layer widths must be in 1...65536", field: "hidden")
            }
            layers = config.hidden.count + 1
        }
        guard config.frozenLayers >= 0, config.frozenLayers < layers else {
            throw NASError(.invalidParams, "frozenLayers must be in 0..<\(layers) (the network has \(layers) weight layers)",
                           field: "frozenLayers")
        }
    }
}
