import NASCore
import NASNeural
import NASData
import NASSpaces

/// Trains `HardwareGeneralizedModel`s on the GPUs of the fixtures and resolves device specs
/// (fixture device, GPU name from gpu_specs.csv, or an ad-hoc spec object).
public struct HardwareGeneralizedTrainer: Sendable {
    /// Measurements and specs.
    public let catalog: DataCatalog

    /// Version of the mlp-hw training recipe, saved as `notes["recipe"]`: a saved or shipped
    /// hardware-generalized default of another recipe is retrained. It was
    /// `PredictorTrainer.recipe` up to 6 (6: batches of 32 for at most 30 epochs,
    /// `defaultConfig`) and is its own since the per-device recipe moved on to 7 (the live-path
    /// table, which mlp-hw does not use), so that the models shipped in `fixtures/pretrained/`
    /// stay current.
    public static let recipe = "6"

    /// A trainer over a data catalog.
    public init(catalog: DataCatalog) {
        self.catalog = catalog
    }

    /// The GPU devices measured in `space` with complete specs and a stated batch size.
    public func gpuDevices(space: String) throws(NASError) -> [DeviceSpec] {
        let measured = Set(catalog.deviceNames(space: space))
        return try catalog.deviceSpecs().filter { d in
            d.kind == "gpu" && d.batch != nil && measured.contains(d.name)
                && DeviceSpec.specColumns.allSatisfy { d.values[$0] != nil }
        }
    }

    /// The spec values of a fixture device (specs + batch), or `.unknownDevice`.
    public func spec(forDevice name: String) throws(NASError) -> [String: Double] {
        guard let d = try catalog.deviceSpecs().first(where: { $0.name == name }) else {
            throw NASError(.unknownDevice, "device '\(name)' is not in hardware/devices.csv", field: "device")
        }
        let v = DeviceSpecVector.values(of: d)
        _ = try DeviceSpecVector.logFeatures(v)  // names what is missing (non-GPU devices have no specs)
        return v
    }

    /// The spec values of a GPU from gpu_specs.csv at a batch size. A row that lacks a spec
    /// (e.g. "GeForce GTX TITAN" has no SM count) is an error naming the row it matched.
    public func spec(forGPU name: String, batch: Int = 1) throws(NASError) -> [String: Double] {
        let gpu = try catalog.gpuSpec(named: name)
        var v = gpu.values
        v["batch"] = Double(batch)
        let missing = DeviceSpec.specColumns.filter { v[$0] == nil }
        guard missing.isEmpty else {
            let matched = gpu.name == name ? "" : " (what '\(name)' matched)"
            throw NASError(.invalidParams, "GPU '\(gpu.name)'\(matched) has no \(missing.joined(separator: ", ")) in "
                           + "hardware/gpu_specs.csv: name another GPU, or give its specs as an object with "
                           + DeviceSpec.specColumns.joined(separator: ", "), field: "spec")
        }
        _ = try DeviceSpecVector.logFeatures(v)
        return v
    }

    /// Trains on every GPU device of the request's space (its device, if any, binds the spec
    /// used by default at predict time and is the one whose held-out rows are evaluated).
    public func train(_ request: TrainRequest, control: JobControl = .none) throws(NASError) -> TrainedPredictor {
        let space = try SpaceRegistry.space(request.space)
        let devices = try gpuDevices(space: space.id)
        guard devices.count >= 2 else {
            throw NASError(.insufficientSamples, "space \(space.id) has fewer than two GPU devices with specs")
        }
        var config = request.config ?? Self.defaultConfig
        config.seed = request.seed
        let perDevice = request.trainSize ?? PredictorTrainer.defaultTrainSize(space: space.id)
        let fit = try fit(space: space, devices: devices, perDevice: perDevice, config: config,
                          control: control.labelled("training latency predictor \(request.id ?? "for \(space.id) GPUs") (mlp-hw)"))
        var bound: [String: Double]? = nil
        var heldOut: RegressionMetrics? = nil
        var testCount = 0
        if let name = request.device {
            bound = try spec(forDevice: name)
            if let test = fit.heldOut[name] {
                let p = try LatencyModel.hardware(fit.model).predict(test.archs, space: space, encoding: ActiveOneHot(space: space), device: bound)
                heldOut = RegressionMetrics(predicted: p, actual: test.latency)
                testCount = test.archs.count
            }
        }
        let id = request.id ?? PredictorTrainer.makeID(space: space.id, device: request.device ?? "gpus", kind: "mlp-hw", seed: request.seed)
        var notes = ["devices": devices.map(\.name).joined(separator: ","), "seed": String(request.seed),
                     "recipe": Self.recipe, Self.fixtureDigestKey: try fixtureDigest(space: space.id)]
        let profiles = try heldOutProfiles(fit, devices: devices, space: space)
        if let profile = profiles.pooled { notes[ErrorProfile.notesKey] = profile.encoded }
        for (name, profile) in profiles.perDevice { notes[Self.deviceProfilePrefix + name] = profile.encoded }
        return TrainedPredictor(id: id, spaceID: space.id, device: request.device, deviceSpec: bound, model: .hardware(fit.model),
                                metrics: PredictorMetrics(heldOut: heldOut, lutBaseline: nil, trainCount: fit.trainRows,
                                                          testCount: testCount, variant: "mlp-hw"),
                                notes: notes)
    }

    /// Notes key prefix of a training GPU's own held-out profile (`errorProfile@<device>`).
    public static let deviceProfilePrefix = "errorProfile@"
    /// How wrong the recipe is on a GPU it never saw: per GPU chip (`DeviceSpec.gpuName`, every
    /// batch size of it; a device without one is its own chip) of `devices`, a model fitted as
    /// `fit` does on the other chips only, and its predictions of at most 3,000 cells of each of
    /// the chip's settings at their own spec. Empty with fewer than two chips.
    public func leaveOneChipOut(space: any SearchSpace, devices: [DeviceSpec], perDevice: Int, config: MLPTrainingConfig,
                                control: JobControl) throws(NASError) -> [UnseenGPUErrors] {
        func chip(_ d: DeviceSpec) -> String { d.gpuName ?? d.name }
        let chips = Array(Set(devices.map(chip))).sorted()
        guard chips.count >= 2 else { return [] }
        let enc = ActiveOneHot(space: space)
        var out: [UnseenGPUErrors] = []
        for left in chips {
            let fit = try fit(space: space, devices: devices.filter { chip($0) != left }, perDevice: perDevice,
                              config: config, control: control.labelled("(\(left) left out)"))
            for (k, d) in devices.enumerated() where chip(d) == left {
                let m = try catalog.measurements(space: space.id, device: d.name)
                var order = Array(0..<m.archs.count)
                var rng = SeededGenerator(seed: config.seed ^ 0x4C4F_0000 ^ UInt64(k))
                order.seededShuffle(using: &rng)
                let cells = order.prefix(3000)
                let p = try LatencyModel.hardware(fit.model).predict(cells.map { m.archs[$0] }, space: space, encoding: enc,
                                                                     device: DeviceSpecVector.values(of: d))
                out.append(UnseenGPUErrors(chip: left, device: d.name, cells: Array(cells), predicted: p, actual: cells.map { m.latency[$0] }))
            }
        }
        return out
    }

    /// One left-out GPU setting's predictions by a model that never saw its chip.
    public struct UnseenGPUErrors: Sendable {
        /// The chip left out of training.
        public var chip: String
        /// The device (chip and batch size).
        public var device: String
        /// The cells predicted: indices into the device's measurements (`DataCatalog.measurements`).
        public var cells: [Int]
        /// Predictions of its cells at its spec.
        public var predicted: [Double]
        /// Their measured latencies.
        public var actual: [Double]
    }

    /// The unseen-GPU profile of left-out chips' errors (`leaveOneChipOut`): pooled, ≤ 8 bins.
    /// Nil when there are none. `hwnas-bench intervals --sections h --write-hw-profiles` ships it
    /// per space (`shippedUnseenGPUProfile(space:)`), so no user call pays for the extra fits.
    public static func unseenGPUProfile(_ errors: [UnseenGPUErrors]) -> ErrorProfile? {
        ErrorProfile(predicted: errors.flatMap(\.predicted), actual: errors.flatMap(\.actual), maxBins: 8)
    }

    /// The profile `predict {spec, interval}` uses for a spec that is none of the training GPUs
    /// of a hardware-generalized model of `space`: the shipped unseen-GPU profile of the default
    /// recipe (computed offline), nil where none ships.
    public static func shippedUnseenGPUProfile(space: String) -> ErrorProfile? {
        shippedUnseenGPUProfiles[space].flatMap { ErrorProfile(encoded: $0) }
    }

    /// The error profiles of the model on the rows of the training GPUs it did not train on (at
    /// most 3,000 per device, each at its own spec): pooled over every GPU (for a spec that is
    /// none of them; a GPU outside the fixtures can err more than this, its spec never seen),
    /// and per GPU (at most 8 bins; GPUs err differently: pooled, 2080ti_1's cells fell in the
    /// 0.9 interval 81% of the time and titan_rtx_32's 97%).
    func heldOutProfiles(_ fit: Fit, devices: [DeviceSpec], space: any SearchSpace) throws(NASError)
        -> (pooled: ErrorProfile?, perDevice: [String: ErrorProfile]) {
        var predicted: [Double] = [], actual: [Double] = [], perDevice: [String: ErrorProfile] = [:]
        let enc = ActiveOneHot(space: space)
        for d in devices {
            guard let test = fit.heldOut[d.name] else { continue }
            let n = min(3000, test.archs.count)
            let p = try LatencyModel.hardware(fit.model).predict(Array(test.archs.prefix(n)), space: space, encoding: enc,
                                                                 device: try spec(forDevice: d.name))
            let a = Array(test.latency.prefix(n))
            perDevice[d.name] = ErrorProfile(predicted: p, actual: a, maxBins: 8)
            predicted += p
            actual += a
        }
        return (ErrorProfile(predicted: predicted, actual: actual), perDevice)
    }

    /// The training GPU (of `predictor`'s `notes["devices"]`) whose spec and batch are `spec`'s,
    /// if any: its own held-out profile then answers for `predict`'s intervals.
    public func trainingDevice(matching spec: [String: Double], of predictor: TrainedPredictor) -> String? {
        let names = predictor.notes["devices"]?.split(separator: ",").map(String.init) ?? []
        return names.first { name in
            guard predictor.notes[Self.deviceProfilePrefix + name] != nil, let v = try? self.spec(forDevice: name) else { return false }
            return DeviceSpecVector.sameSpec(v, spec)
        }
    }

    /// The network settings for the hardware model: the default MLP (batches of 32) with a
    /// shorter budget, at most 30 epochs with patience 8 (many more rows per epoch than a
    /// single-device model). The Adam steps of the earlier batches of 128 over 120 epochs at a
    /// quarter of the arithmetic, with a lower held-out error on every space
    /// (`Benchmarks/results/firstcalls-training.md`).
    public static var defaultConfig: MLPTrainingConfig {
        var c = MLPTrainingConfig()
        c.batchSize = 32
        c.maxEpochs = 30
        c.patience = 8
        return c
    }

    /// A fitted model and the rows of each device it did not train on.
    public struct Fit: Sendable {
        /// The model.
        public var model: HardwareGeneralizedModel
        /// Rows trained on (all devices).
        public var trainRows: Int
        /// Per device: held-out archs and latencies.
        public var heldOut: [String: (archs: [Architecture], latency: [Double])]
    }

    /// The shuffled order of a device's measured rows in `fit` (the `device`-th GPU of the
    /// list, training seed `seed`): the first `perDevice` are trained on, the rest held out.
    public static func rowOrder(count: Int, seed: UInt64, device k: Int) -> [Int] {
        var order = Array(0..<count)
        var rng = SeededGenerator(seed: seed ^ 0x4857_0000 ^ UInt64(k))
        order.seededShuffle(using: &rng)
        return order
    }

    /// Fits on `perDevice` random measured archs of each device in `devices` (seeded); 10% of
    /// the rows are the validation split for early stopping.
    public func fit(space: any SearchSpace, devices: [DeviceSpec], perDevice: Int, config: MLPTrainingConfig,
                    control: JobControl) throws(NASError) -> Fit {
        let enc = ActiveOneHot(space: space)
        let specs = devices.map { DeviceSpecVector.values(of: $0) }
        let vector = try DeviceSpecVector.fit(specs)
        let width = enc.dimension + DeviceSpecVector.featureNames.count
        var archs: [Architecture] = [], ys: [Double] = [], feats: [[Float]] = []
        var heldOut: [String: (archs: [Architecture], latency: [Double])] = [:]
        for (k, d) in devices.enumerated() {
            let m = try catalog.measurements(space: space.id, device: d.name)
            let order = Self.rowOrder(count: m.archs.count, seed: config.seed, device: k)
            let n = min(perDevice, order.count)
            let f = try vector.features(specs[k])
            for i in order[0..<n] {
                archs.append(m.archs[i])
                ys.append(m.latency[i])
                feats.append(f)
            }
            heldOut[d.name] = (order[n...].map { m.archs[$0] }, order[n...].map { m.latency[$0] })
        }
        // Shuffle rows so the engine's validation split covers every device.
        var rows = Array(0..<archs.count)
        var rng = SeededGenerator(seed: config.seed ^ 0x4857_FFFF)
        rows.seededShuffle(using: &rng)
        var x = enc.encode(rows.map { archs[$0] }, space: space, width: width)
        x.storage.withUnsafeMutableBufferPointer { buf in
            for (r, src) in rows.enumerated() {
                for (j, v) in feats[src].enumerated() { buf[r * width + enc.dimension + j] = v }
            }
        }
        let (reg, _) = try NeuralRegressor.train(x: x, y: rows.map { ys[$0] }, validation: nil, transform: .logStandardized,
                                                 config: config, control: control)
        return Fit(model: HardwareGeneralizedModel(regressor: reg, specVector: vector, archDimension: enc.dimension),
                   trainRows: archs.count, heldOut: heldOut)
    }
}
