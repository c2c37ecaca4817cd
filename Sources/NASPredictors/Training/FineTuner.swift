import NASCore
import NASNeural
import NASSpaces

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
    /// Runs a fine-tuning request. Metrics are on the samples themselves (training fit) since
    /// k is small; callers evaluate on their own held-out data.
    public static func fineTune(_ request: FineTuneRequest, control: JobControl = .none) throws(NASError) -> TrainedPredictor {
        let space = try SpaceRegistry.space(request.base.spaceID)
        let samples = try PredictorTrainer.validated(request.samples, space: space)
        guard samples.count >= 2 else {
            throw NASError(.insufficientSamples, "fine-tuning needs at least 2 samples, got \(samples.count)", field: "samples")
        }
        guard request.freeze >= 0 else {
            throw NASError(.invalidParams, "freeze must be ≥ 0", field: "freeze")
        }
        let archs = samples.map(\.arch), y = samples.map(\.latencyMs)
        let spec = request.base.deviceSpec
        let (model, chosen) = try adapt(base: request.base.model, archs: archs, latency: y, space: space, spec: spec,
                                        method: request.method, epochs: request.epochs, freeze: request.freeze,
                                        seed: request.seed, control: control)
        let fitted = RegressionMetrics(predicted: try model.predict(archs, space: space, encoding: ActiveOneHot(space: space), device: spec),
                                       actual: y)
        let id = request.id ?? PredictorTrainer.makeID(space: space.id, device: request.device ?? "finetuned", kind: "ft", seed: request.seed)
        guard TrainedPredictor.isValidID(id) else {
            throw NASError(.invalidParams, "predictor id '\(id)' must be 1–128 letters, digits, '-', '_' or '.'", field: "id")
        }
        return TrainedPredictor(id: id, spaceID: space.id, device: request.device, deviceSpec: spec, model: model,
                                metrics: PredictorMetrics(heldOut: fitted, lutBaseline: nil, trainCount: samples.count, testCount: 0,
                                                          variant: chosen),
                                notes: ["base": request.base.id, "method": chosen, "seed": String(request.seed),
                                        "metrics": "on the fine-tuning samples"].merging(request.base.notes.filter { $0.key == "blend" }) { a, _ in a })
    }

    /// The adapted model and the method actually used (`affine`, `affine+finetune`, `affine+lut`).
    public static func adapt(base: LatencyModel, archs: [Architecture], latency y: [Double], space: any SearchSpace,
                             spec: [String: Double]?, method: FineTuneMethod, epochs: Int?, freeze: Int, seed: UInt64,
                             control: JobControl) throws(NASError) -> (LatencyModel, String) {
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
                             seed: seed, control: control), "affine+finetune")
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
                let tuned = try tune(base: base, archs: tA, latency: tY, space: space, spec: spec, epochs: epochs,
                                     freeze: freeze, seed: seed, control: control)
                err["affine+finetune"]! += logSquaredError(try tuned.predict(vA, space: space, encoding: enc, device: spec), vY)
            }
        }
        let chosen = err.min { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }!.key
        switch chosen {
        case "affine+lut": return (try correct(base: base, archs: archs, latency: y, space: space, spec: spec), chosen)
        case "affine+finetune":
            return (try tune(base: base, archs: archs, latency: y, space: space, spec: spec, epochs: epochs, freeze: freeze,
                             seed: seed, control: control), chosen)
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
                     spec: [String: Double]?, epochs: Int?, freeze: Int, seed: UInt64, control: JobControl) throws(NASError) -> LatencyModel {
        let enc = ActiveOneHot(space: space)
        let p = try base.predict(archs, space: space, encoding: enc, device: spec)
        let map = AffineLogMap.fit(source: p, target: y)
        let yBase = y.map { map.invert($0) }
        var config = MLPTrainingConfig.fineTuning(samples: archs.count, seed: seed, frozenLayers: freeze)
        if let epochs { config.maxEpochs = max(1, epochs) }
        let inner = try tuneInner(base, archs: archs, target: yBase, space: space, encoding: enc, spec: spec, config: config, control: control)
        return .calibrated(inner, map)
    }

    private static func tuneInner(_ m: LatencyModel, archs: [Architecture], target: [Double], space: any SearchSpace,
                                  encoding enc: ActiveOneHot, spec: [String: Double]?, config: MLPTrainingConfig,
                                  control: JobControl) throws(NASError) -> LatencyModel {
        switch m {
        case .mlp(let r):
            let x = enc.encode(archs, space: space)
            return .mlp(try NeuralRegressor.train(x: x, y: target, validation: nil, transform: r.transform, config: config,
                                                  initial: r, control: control).0)
        case .residual(let lut, let r):
            let x = enc.encode(archs, space: space)
            let b = lut.predict(x)
            let res = (0..<target.count).map { target[$0] - b[$0] }
            return .residual(lut, try NeuralRegressor.train(x: x, y: res, validation: nil, transform: r.transform, config: config,
                                                            initial: r, control: control).0)
        case .hardware(let hw):
            var x = enc.encode(archs, space: space, width: hw.inputDimension)
            HardwareGeneralizedModel.fillDeviceColumns(&x, from: hw.archDimension, features: try hw.specVector.features(spec ?? [:]))
            var out = hw
            out.regressor = try NeuralRegressor.train(x: x, y: target, validation: nil, transform: hw.regressor.transform,
                                                      config: config, initial: hw.regressor, control: control).0
            return .hardware(out)
        case .split(let main, let noPath):
            // The samples with a data path tune the main model; the other regime keeps its fit.
            let some = space.dataPathPartition(archs).withPath
            guard some.count >= 2 else { return m }
            return .split(try tuneInner(main, archs: some.map { archs[$0] }, target: some.map { target[$0] }, space: space,
                                        encoding: enc, spec: spec, config: config, control: control), noPath: noPath)
        case .calibrated(let b, let inner):
            let t = target.map { inner.invert($0) }
            return .calibrated(try tuneInner(b, archs: archs, target: t, space: space, encoding: enc, spec: spec, config: config,
                                             control: control), inner)
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

    /// Several bases made one: a non-negative least-squares blend of their predictions fitted to
    /// the samples (ms, free intercept, weights ≥ 0; members with zero weight dropped). More
    /// stable than picking one base by a handful of samples; `fineTune` then calibrates it.
    public static func blendedBase(_ bases: [TrainedPredictor], samples: [LatencySample], id: String? = nil) throws(NASError) -> TrainedPredictor {
        guard let first = bases.first else { throw NASError(.invalidParams, "no base predictors to blend", field: "base") }
        let space = try SpaceRegistry.space(first.spaceID)
        for (i, b) in bases.enumerated() where b.spaceID != first.spaceID {
            throw NASError(.invalidParams, "base predictors must share a space: '\(b.id)' is \(b.spaceID), '\(first.id)' is \(first.spaceID)", field: "blendWith[\(max(i - 1, 0))]")
        }
        if let b = bases.first(where: { $0.model.needsDeviceSpec }) {
            throw NASError(.invalidParams, "'\(b.id)' needs a device spec and cannot be blended", field: "blendWith")
        }
        if bases.count == 1 { return first }
        let valid = try PredictorTrainer.validated(samples, space: space)
        guard valid.count >= 3 else {
            throw NASError(.insufficientSamples, "blending bases needs at least 3 samples, got \(valid.count)", field: "samples")
        }
        let archs = valid.map(\.arch)
        let values = try bases.map { (b) throws(NASError) -> [Double] in try b.predict(archs: archs) }
        let blend = PoolBlend.fit(values, y: valid.map(\.latencyMs), rows: Array(0..<valid.count))
        let model = LatencyModel.blend(blend.members.map { bases[$0].model }, weights: blend.weights, intercept: blend.intercept)
        let label = zip(blend.members, blend.weights).map { "\(bases[$0.0].id)×\(String(format: "%.3g", $0.1))" }.joined(separator: " + ")
        return TrainedPredictor(id: id ?? "blend", spaceID: first.spaceID, device: nil, deviceSpec: nil, model: model,
                                metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: valid.count, testCount: 0,
                                                          variant: "blend"),
                                notes: ["blend": label])
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
