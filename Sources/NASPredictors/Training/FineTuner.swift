import NASCore
import NASNeural
import NASSpaces
import Synchronization

/// How `FineTuner` adapts a base predictor to a new device.
public enum FineTuneMethod: String, Sendable, Equatable, CaseIterable {
    /// Affine map in log space; from 10 samples on, whichever of {affine, affine + MLP
    /// fine-tuning, affine + LUT on the residual} has the lowest log error on a 2-fold split.
    case auto
    /// Only the log-affine map of the base's predictions (keeps the base's ranking).
    case affine
    /// Affine map, then always fine-tune the base's MLP from its weights (affine alone when
    /// the base has no network).
    case finetune
    /// Affine map, then a LUT on the residual.
    case lutCorrection = "lut"
}

/// What the `finetune` method asks for.
public struct FineTuneRequest: Sendable {
    /// The predictor of another device.
    public var base: TrainedPredictor
    /// Measurements on the target device (need not be a fixture device).
    public var samples: [LatencySample]
    /// Epochs of MLP fine-tuning (default from `MLPTrainingConfig.fineTuning`).
    public var epochs: Int?
    /// Leading weight layers left frozen.
    public var freeze: Int
    /// Method.
    public var method: FineTuneMethod
    /// Seed.
    public var seed: UInt64
    /// Label of the target device.
    public var device: String?
    /// Id of the new predictor (default: generated).
    public var id: String?
    /// Leave gross outliers out of the fit (`OutlierScreen`; default true; benchmarks turn it
    /// off to show what it changes).
    public var screenOutliers = true
    /// Never flag a sample with a dead operation for being fast (`OutlierScreen.fastDeadPathsSpared`;
    /// default false; `adapt` sets it).
    public var spareFastDeadPaths = false

    /// Makes a request.
    public init(base: TrainedPredictor, samples: [LatencySample], epochs: Int? = nil, freeze: Int = 0,
                method: FineTuneMethod = .auto, seed: UInt64 = 0, device: String? = nil, id: String? = nil) {
        self.base = base
        self.samples = samples
        self.epochs = epochs
        self.freeze = freeze
        self.method = method
        self.seed = seed
        self.device = device
        self.id = id
    }
}

/// Adapts a trained predictor to a new device from a few measurements: a log-affine
/// calibration of the base's predictions (robust at k = 5), then fine-tuning of the base's
/// MLP from its weights on the calibrated targets.
public enum FineTuner {
    /// The kind its fits' few-sample interval tables are shipped under (`FewSampleIntervalTable`).
    public static let intervalKind = "finetune"

    /// Runs a fine-tuning request.
    ///
    /// Gross outliers among the samples (far off a robust log-affine map of the base's
    /// predictions, `OutlierScreen`) are left out of every fit and reported in
    /// `metrics.outliers`. The metrics are `crossValidated`: the whole procedure rerun k-fold on
    /// the kept samples (5 folds from 10 samples, leave-one-out below), never in-sample numbers
    /// under `heldOut`; the same out-of-fold predictions give the error profile behind
    /// `predict`'s intervals and `search`'s `confidence`; the rank metrics of an affine map are
    /// those of its ranking, which is the base's (`AffineRanking`). When the returned model ranks the
    /// samples worse under cross-validation than the raw base does, `auto` falls back to the
    /// base's affine map (the base's ranking) and says so in `metrics.warnings`; an explicit
    /// method keeps its model and warns.
    public static func fineTune(_ request: FineTuneRequest, control: JobControl = .none) throws(NASError) -> TrainedPredictor {
        let space = try SpaceRegistry.space(request.base.spaceID)
        let samples = try PredictorTrainer.validated(request.samples, space: space)
        guard samples.count >= 2 else {
            throw NASError(.insufficientSamples, "fine-tuning needs at least 2 samples, got \(samples.count)", field: "samples")
        }
        guard request.freeze >= 0 else {
            throw NASError(.invalidParams, "freeze must be ≥ 0", field: "freeze")
        }
        let enc = ActiveOneHot(space: space)
        let spec = request.base.deviceSpec
        let allArchs = samples.map(\.arch), allY = samples.map(\.latencyMs)
        let reference = try request.base.model.predict(allArchs, space: space, encoding: enc, device: spec)
        let spared = request.spareFastDeadPaths ? OutlierScreen.fastDeadPathsSpared(allArchs, space: space) : []
        let flagged = request.screenOutliers ? Set(OutlierScreen.grossOutliers(reference: reference, measured: allY, spared: spared)) : []
        let kept = samples.indices.filter { !flagged.contains($0) }
        let archs = kept.map { allArchs[$0] }, y = kept.map { allY[$0] }
        func run(_ method: FineTuneMethod) throws(NASError) -> (LatencyModel, String, [Double]?) {
            let (model, chosen) = try adapt(base: request.base.model, archs: archs, latency: y, space: space, spec: spec,
                                            method: method, epochs: request.epochs, freeze: request.freeze,
                                            seed: request.seed, control: control.labelled("fine-tuning latency predictor \(request.base.id)"))
            let oof = try crossValidatedPredictions(base: request.base.model, archs: archs, latency: y, space: space,
                                                    spec: spec, method: method, epochs: request.epochs,
                                                    freeze: request.freeze, seed: request.seed, control: control)
            return (model, chosen, oof)
        }
        var (model, chosen, oof) = try run(request.method)
        var warnings: [String] = []
        let baseSRCC = RankCorrelation.spearman(kept.map { reference[$0] }, y)
        if let o = oof, chosen != "affine" {
            let cv = RankCorrelation.spearman(o, y)
            if cv < baseSRCC {
                let numbers = "cross-validated SRCC \(format(cv)) < the base's \(format(baseSRCC)) on the samples"
                if request.method == .auto {
                    warnings.append("auto's choice \(chosen) ranked worse than the base (\(numbers)); returned the base's affine map instead, which keeps the base's ranking")
                    (model, chosen, oof) = try run(.affine)
                } else {
                    warnings.append("method \(request.method.rawValue) (\(chosen)) ranks worse than the base (\(numbers)); method affine or auto keeps the base's ranking")
                }
            }
        }
        if oof == nil {
            warnings.append("\(kept.count) samples are too few to cross-validate (5 needed): no crossValidated metrics and no error profile")
        }
        let id = request.id ?? PredictorTrainer.makeID(space: space.id, device: request.device ?? "finetuned", kind: "ft", seed: request.seed)
        guard TrainedPredictor.isValidID(id) else {
            throw NASError(.invalidParams, "predictor id '\(id)' must be 1–128 letters, digits, '-', '_' or '.'", field: "id")
        }
        let flaggedIdx = flagged.sorted()
        let outlierPredictions = try model.predict(flaggedIdx.map { allArchs[$0] }, space: space, encoding: enc, device: spec)
        let outliers = zip(flaggedIdx, outlierPredictions).map {
            SampleOutlier(index: $0.0, arch: allArchs[$0.0], measured: allY[$0.0], predicted: $0.1)
        }
        var notes = ["base": request.base.id, "method": chosen, "seed": String(request.seed),
                     "metrics": "crossValidated: k-fold over the \(kept.count) samples kept"]
            .merging(request.base.notes.filter { $0.key == "blend" }) { a, _ in a }
        // The returned model's predictions of its samples: the interval's positions, and an affine
        // map's ranking (`AffineRanking`).
        let positions = try model.predict(archs, space: space, encoding: enc, device: spec)
        if let o = oof, let r = FewSampleResiduals(predicted: o, actual: y, positions: positions) {
            notes[FewSampleResiduals.notesKey] = r.encoded
            notes[ErrorProfile.notesKey] = r.profile(space: space.id, kind: intervalKind).encoded
        }
        let crossValidated = oof.map { o in
            let m = RegressionMetrics(predicted: o, actual: y)
            return chosen == "affine" ? AffineRanking.metrics(m, model: positions, actual: y) : m
        }
        return TrainedPredictor(id: id, spaceID: space.id, device: request.device, deviceSpec: spec, model: model,
                                metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: kept.count, testCount: 0,
                                                          variant: chosen,
                                                          crossValidated: crossValidated,
                                                          outliers: outliers, warnings: warnings),
                                notes: notes)
    }

    /// Out-of-fold predictions of `adapt` with `method` on the samples: 5 folds from 10
    /// samples, leave-one-out from 5; nil below 5. The folds are fitted side by side, sharing
    /// the cores (`ThreadShare`): a network's training gives the same bits on any number of
    /// threads, so the predictions are those of fitting the folds one after another.
    static func crossValidatedPredictions(base: LatencyModel, archs: [Architecture], latency y: [Double], space: any SearchSpace,
                                          spec: [String: Double]?, method: FineTuneMethod, epochs: Int?, freeze: Int,
                                          seed: UInt64, control: JobControl) throws(NASError) -> [Double]? {
        guard archs.count >= 5 else { return nil }
        let enc = ActiveOneHot(space: space)
        let folds = ProxyAdaptation.foldAssignment(count: archs.count, folds: archs.count >= 10 ? 5 : archs.count, seed: seed)
        // One report per fold; each fold's own training stays inside (its epoch counter would
        // restart in every fold and send the job's progress back).
        let inner = control.muted()
        let share = ThreadShare(total: Kernels.defaultThreads, jobs: folds.count)
        // Counted and reported under one lock: folds end in any order, the steps go 1, 2, ... in turn.
        let done = Mutex<Int>(0)
        let predicted = try Kernels.concurrently(folds.count) { (f: Int) throws(NASError) -> [Double] in
            defer { share.finished() }
            try control.checkCancelled()
            let inTest = Set(folds[f])
            let train = archs.indices.filter { !inTest.contains($0) }
            let (m, _) = try adapt(base: base, archs: train.map { archs[$0] }, latency: train.map { y[$0] }, space: space,
                                   spec: spec, method: method, epochs: epochs, freeze: freeze, seed: seed, control: inner,
                                   share: share)
            let p = try m.predict(folds[f].map { archs[$0] }, space: space, encoding: enc, device: spec)
            done.withLock { step in
                step += 1
                control.report(ProgressReport(step: step, total: folds.count, message: "cross-validating fine-tuning (\(method.rawValue))"))
            }
            return p
        }
        var oof = [Double](repeating: 0, count: archs.count)
        for (f, test) in folds.enumerated() {
            for (k, i) in test.enumerated() { oof[i] = predicted[f][k] }
        }
        return oof
    }

    static func format(_ x: Double) -> String { String(format: "%.3f", x) }

    /// The adapted model and the method actually used (`affine`, `affine+finetune`, `affine+lut`).
    /// `share`: the threads its network trainings may use, when it runs beside others (nil: all).
    public static func adapt(base: LatencyModel, archs: [Architecture], latency y: [Double], space: any SearchSpace,
                             spec: [String: Double]?, method: FineTuneMethod, epochs: Int?, freeze: Int, seed: UInt64,
                             control: JobControl, share: ThreadShare? = nil) throws(NASError) -> (LatencyModel, String) {
        let enc = ActiveOneHot(space: space)
        let tunable = hasNetwork(base)
        let affineOnly = { () throws(NASError) -> LatencyModel in
            let p = try base.predict(archs, space: space, encoding: enc, device: spec)
            return .calibrated(base, AffineLogMap.fit(source: p, target: y))
        }
        switch method {
        case .affine: return (try affineOnly(), "affine")
        case .finetune where tunable:
            return (try tune(base: base, archs: archs, latency: y, space: space, spec: spec, epochs: epochs, freeze: freeze,
                             seed: seed, control: control, share: share), "affine+finetune")
        case .finetune: return (try affineOnly(), "affine")
        case .lutCorrection:
            return (try correct(base: base, archs: archs, latency: y, space: space, spec: spec), "affine+lut")
        default: break
        }
        if archs.count < 10 { return (try affineOnly(), "affine") }
        // 2-fold check on the k samples: affine map alone, + MLP fine-tuning, + LUT on the residual.
        var order = Array(0..<archs.count)
        var rng = SeededGenerator(seed: seed ^ 0xF1_7E)
        order.seededShuffle(using: &rng)
        var err: [String: Double] = ["affine": 0, "affine+lut": 0]
        if tunable { err["affine+finetune"] = 0 }
        let half = archs.count / 2
        for fold in 0..<2 {
            let test = fold == 0 ? Array(order[0..<half]) : Array(order[half...])
            let train = fold == 0 ? Array(order[half...]) : Array(order[0..<half])
            let tA = train.map { archs[$0] }, tY = train.map { y[$0] }
            let vA = test.map { archs[$0] }, vY = test.map { y[$0] }
            let pb = try base.predict(tA, space: space, encoding: enc, device: spec)
            let affine = LatencyModel.calibrated(base, AffineLogMap.fit(source: pb, target: tY))
            err["affine"]! += logSquaredError(try affine.predict(vA, space: space, encoding: enc, device: spec), vY)
            let corrected = try correct(base: base, archs: tA, latency: tY, space: space, spec: spec)
            err["affine+lut"]! += logSquaredError(try corrected.predict(vA, space: space, encoding: enc, device: spec), vY)
            if tunable {
                // The check's trainings report nothing: only the final fit's epochs count, once.
                let tuned = try tune(base: base, archs: tA, latency: tY, space: space, spec: spec, epochs: epochs,
                                     freeze: freeze, seed: seed, control: control.muted(), share: share)
                err["affine+finetune"]! += logSquaredError(try tuned.predict(vA, space: space, encoding: enc, device: spec), vY)
            }
        }
        let chosen = err.min { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }!.key
        switch chosen {
        case "affine+lut": return (try correct(base: base, archs: archs, latency: y, space: space, spec: spec), chosen)
        case "affine+finetune":
            return (try tune(base: base, archs: archs, latency: y, space: space, spec: spec, epochs: epochs, freeze: freeze,
                             seed: seed, control: control, share: share), chosen)
        default: return (try affineOnly(), "affine")
        }
    }

    /// Affine map, then a LUT (few-shot ridge) on the remaining residual in ms: learns per-op
    /// differences of the target that the base's ranking misses.
    static func correct(base: LatencyModel, archs: [Architecture], latency y: [Double], space: any SearchSpace,
                        spec: [String: Double]?) throws(NASError) -> LatencyModel {
        let enc = ActiveOneHot(space: space)
        let p = try base.predict(archs, space: space, encoding: enc, device: spec)
        let calibrated = LatencyModel.calibrated(base, AffineLogMap.fit(source: p, target: y))
        let c = try calibrated.predict(archs, space: space, encoding: enc, device: spec)
        let lut = try LUTModel.fit(archs: archs, latency: (0..<y.count).map { y[$0] - c[$0] }, space: space, encoding: enc)
        return .corrected(calibrated, lut)
    }

    /// Whether a model holds an MLP that fine-tuning can update.
    static func hasNetwork(_ m: LatencyModel) -> Bool {
        switch m {
        case .mlp, .residual, .hardware: true
        case .calibrated(let b, _), .corrected(let b, _), .split(let b, _): hasNetwork(b)
        default: false
        }
    }

    /// Affine map, then the base's network trained from its weights on targets mapped back into
    /// the base's unit.
    static func tune(base: LatencyModel, archs: [Architecture], latency y: [Double], space: any SearchSpace,
                     spec: [String: Double]?, epochs: Int?, freeze: Int, seed: UInt64, control: JobControl,
                     share: ThreadShare? = nil) throws(NASError) -> LatencyModel {
        let enc = ActiveOneHot(space: space)
        let p = try base.predict(archs, space: space, encoding: enc, device: spec)
        let map = AffineLogMap.fit(source: p, target: y)
        let yBase = y.map { map.invert($0) }
        var config = MLPTrainingConfig.fineTuning(samples: archs.count, seed: seed, frozenLayers: freeze)
        if let epochs { config.maxEpochs = max(1, epochs) }
        let inner: LatencyModel
        do throws(NASError) {
            inner = try tuneInner(base, archs: archs, target: yBase, space: space, encoding: enc, spec: spec, config: config,
                                  control: control, share: share)
        } catch where error.field == "frozenLayers" {
            // The network's name for the request's `freeze`.
            throw NASError(.invalidParams, error.message.replacing("frozenLayers", with: "freeze"), field: "freeze")
        }
        return .calibrated(inner, map)
    }

    private static func tuneInner(_ m: LatencyModel, archs: [Architecture], target: [Double], space: any SearchSpace,
                                  encoding enc: ActiveOneHot, spec: [String: Double]?, config: MLPTrainingConfig,
                                  control: JobControl, share: ThreadShare?) throws(NASError) -> LatencyModel {
        switch m {
        case .mlp(let r):
            let x = enc.encode(archs, space: space)
            return .mlp(try NeuralRegressor.train(x: x, y: target, validation: nil, transform: r.transform, config: config,
                                                  initial: r, control: control, share: share).0)
        case .residual(let lut, let r):
            let x = enc.encode(archs, space: space)
            let b = lut.predict(archs, space: space, encoding: enc)
            let res = (0..<target.count).map { target[$0] - b[$0] }
            return .residual(lut, try NeuralRegressor.train(x: x, y: res, validation: nil, transform: r.transform, config: config,
                                                            initial: r, control: control, share: share).0)
        case .hardware(let hw):
            var x = enc.encode(archs, space: space, width: hw.inputDimension)
            HardwareGeneralizedModel.fillDeviceColumns(&x, from: hw.archDimension, features: try hw.specVector.features(spec ?? [:]))
            var out = hw
            out.regressor = try NeuralRegressor.train(x: x, y: target, validation: nil, transform: hw.regressor.transform,
                                                      config: config, initial: hw.regressor, control: control, share: share).0
            return .hardware(out)
        case .split(let main, let noPath):
            // The samples with a data path tune the main model; the other regime keeps its fit.
            let some = space.dataPathPartition(archs).withPath
            guard some.count >= 2 else { return m }
            return .split(try tuneInner(main, archs: some.map { archs[$0] }, target: some.map { target[$0] }, space: space,
                                        encoding: enc, spec: spec, config: config, control: control, share: share), noPath: noPath)
        case .calibrated(let b, let inner):
            let t = target.map { inner.invert($0) }
            return .calibrated(try tuneInner(b, archs: archs, target: t, space: space, encoding: enc, spec: spec, config: config,
                                             control: control, share: share), inner)
        default:
            return m
        }
    }

    static func logSquaredError(_ p: [Double], _ y: [Double]) -> Double {
        var s = 0.0
        for i in 0..<p.count {
            let d = log(max(p[i], 1e-9)) - log(max(y[i], 1e-9))
            s += d * d
        }
        return s
    }

    /// Several bases made one (`blendedBaseWithWeights`, without the member list).
    public static func blendedBase(_ bases: [TrainedPredictor], samples: [LatencySample], id: String? = nil) throws(NASError) -> TrainedPredictor {
        try blendedBaseWithWeights(bases, samples: samples, id: id).base
    }

    /// The best proxy by the k samples: index of the candidate whose log-affine fit to the
    /// samples has the smallest squared log error (the "best proxy device + affine" baseline).
    public static func bestProxy(candidates: [[Double]], target: [Double]) -> (index: Int, map: AffineLogMap) {
        var best = (index: 0, map: AffineLogMap.identity, err: Double.infinity)
        for (i, c) in candidates.enumerated() {
            let map = AffineLogMap.fit(source: c, target: target)
            let err = logSquaredError(c.map { map.apply($0) }, target)
            if err < best.err { best = (i, map, err) }
        }
        return (best.index, best.map)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
