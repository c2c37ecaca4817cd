import NASCore
import NASNeural
import NASData
import NASSpaces
import Synchronization

/// Trains latency predictors from the fixtures or from inline samples, with held-out metrics
/// and the LUT baseline beside them. The facade the server's `train` method calls.
public struct PredictorTrainer: Sendable {
    /// Where fixture measurements come from.
    public let catalog: DataCatalog

    /// A trainer over a data catalog.
    public init(catalog: DataCatalog) {
        self.catalog = catalog
    }

    /// The literature's training-set size, from the space's profile
    /// (`SpaceProfile.defaultTrainSize`): 1,000 of NB201's 15,625, 900 of the 5,000 sampled
    /// FBNet/OFA archs.
    public static func defaultTrainSize(space: String) -> Int {
        (try? SpaceRegistry.profile(space))?.defaultTrainSize ?? SpaceProfile().defaultTrainSize
    }

    /// Version of the training recipe, saved as `notes["recipe"]`: a default predictor saved by
    /// an older recipe is retrained on first use (2: NB201 no-data-path cells modelled apart;
    /// 3: the held-out error profile saved in notes, for `search`'s `confidence`; 4: the profile
    /// holds both tails, for `predict`'s intervals; 5: degenerate architectures left out of
    /// defaults' training and judging, `TrainRequest.excludeDegenerate`, and predictions floored
    /// at half the fastest training latency, `notes.floorMs`; 6: mlp-hw's batches of 32 for at
    /// most 30 epochs, `HardwareGeneralizedTrainer.defaultConfig`, and every predictor fitted on
    /// fixtures records their digest, `TrainedPredictor.fixtureDigestKey`; 7: `auto`'s table
    /// with the live-path copy where it validates better, its residual network fitted on both
    /// tables, `LUTModel.liveCosts`). mlp-hw shared it up to 6 and has its own since
    /// (`HardwareGeneralizedTrainer.recipe`).
    public static let recipe = "7"

    /// The fixture files a device's predictor is fitted on, relative to the fixtures directory:
    /// the latency table holding the device (every device of a table shares its file).
    public func fixtureFiles(space: String, device: String) throws(NASError) -> [String] {
        ["\(try catalog.tableName(space: space, device: device))/latency.csv"]
    }

    /// The digest of `fixtureFiles(space:device:)` (`DataCatalog.fileDigest`, hashed once per catalog).
    public func fixtureDigest(space: String, device: String) throws(NASError) -> String {
        try catalog.fileDigest(try fixtureFiles(space: space, device: device))
    }

    /// Trains what `request` asks for; the rest of the data is the held-out split.
    public func train(_ request: TrainRequest, control: JobControl = .none) throws(NASError) -> TrainedPredictor {
        let space = try SpaceRegistry.space(request.space)
        if request.model == .hardware {
            return try HardwareGeneralizedTrainer(catalog: catalog).train(request, control: control)
        }
        let deviceLabel = request.device ?? "samples"
        let id = request.id ?? Self.makeID(space: space.id, device: deviceLabel, kind: request.model.rawValue, seed: request.seed)
        guard TrainedPredictor.isValidID(id) else {
            throw NASError(.invalidParams, "predictor id '\(id)' must be 1–128 letters, digits, '-', '_' or '.'", field: "id")
        }
        var (archs, latency, source) = try data(for: request, space: space)
        var warnings: [String] = []
        var origin = Array(archs.indices)  // each kept sample's index in the request
        if request.excludeDegenerate {
            let kept = space.nonDegenerateIndices(archs)
            if kept.count < archs.count {
                let left = archs.count - kept.count
                source += " without \(left) degenerate"
                if request.samples != nil {
                    warnings.append("left \(left) of the \(archs.count) samples out of the fit and the metrics: degenerate "
                                    + "architectures (no data path from input to output), which searches never answer; "
                                    + "includeDegenerate: true keeps them")
                }
                archs = kept.map { archs[$0] }
                latency = kept.map { latency[$0] }
                origin = kept
            }
        }
        let order = Self.splitOrder(count: archs.count, seed: request.seed)
        let defaultSize = request.samples != nil ? Int((Double(archs.count) * 0.8).rounded()) : Self.defaultTrainSize(space: space.id)
        let nTrain = min(request.trainSize ?? defaultSize, archs.count)
        guard nTrain >= 2 else {
            throw NASError(.insufficientSamples, "need at least 2 training samples, have \(nTrain)", field: "trainSize")
        }
        let testIdx = Array(order[nTrain...])
        var trainIdx = Array(order[0..<nTrain])
        // Inline samples are a user's measurements: a few gross errors among them are left out
        // of the fit (and reported); fixture measurements are taken as they are.
        var flagged: [Int] = []
        if request.samples != nil {
            flagged = try Self.grossOutliers(archs: trainIdx.map { archs[$0] }, latency: trainIdx.map { latency[$0] },
                                             space: space, seed: request.seed).map { trainIdx[$0] }
            let drop = Set(flagged)
            trainIdx.removeAll { drop.contains($0) }
        }
        let trainA = trainIdx.map { archs[$0] }, trainY = trainIdx.map { latency[$0] }
        var config = request.config ?? MLPTrainingConfig()
        config.seed = request.seed
        let fit = try Self.fit(kind: request.model, archs: trainA, latency: trainY, space: space, config: config,
                               control: control.labelled("training latency predictor \(id)"))
        let outlierPredictions = try fit.model.predict(flagged.map { archs[$0] }, space: space, encoding: ActiveOneHot(space: space))
        let outliers = zip(flagged, outlierPredictions).map {
            SampleOutlier(index: origin[$0.0], arch: archs[$0.0], measured: latency[$0.0], predicted: $0.1)
        }
        // Never below half the fastest training latency: an additive fit over few live operations
        // priced ordinary pixel3 cells (measured ≥ 1.05 ms) at 0 ms. Half, not all of it: on GPUs
        // the fastest cells lie below a 1,000-cell training sample's minimum (2080ti_1: 2.68 vs
        // 3.17 ms) and must stay reachable. Saved as notes.floorMs.
        let floor = 0.5 * (trainY.min() ?? 0)

        var heldOut: RegressionMetrics? = nil, lutMetrics: RegressionMetrics? = nil, profile: ErrorProfile? = nil
        if !testIdx.isEmpty {
            let testA = testIdx.map { archs[$0] }, testY = testIdx.map { latency[$0] }
            let enc = ActiveOneHot(space: space)
            let predicted = try fit.model.predict(testA, space: space, encoding: enc).map { max($0, floor) }
            heldOut = RegressionMetrics(predicted: predicted, actual: testY)
            profile = ErrorProfile(predicted: predicted, actual: testY)
            let lut = try LUTModel.fit(archs: trainA, latency: trainY, space: space, encoding: enc)
            lutMetrics = RegressionMetrics(predicted: try LatencyModel.lut(lut).predict(testA, space: space, encoding: enc), actual: testY)
        }
        var notes = ["source": source, "seed": String(request.seed), "requested": request.model.rawValue, "recipe": Self.recipe]
        if let profile { notes[ErrorProfile.notesKey] = profile.encoded }
        notes[TrainedPredictor.floorKey] = String(floor)
        if request.samples == nil, let device = request.device {
            notes[TrainedPredictor.fixtureDigestKey] = try fixtureDigest(space: space.id, device: device)
        }
        return TrainedPredictor(
            id: id, spaceID: space.id, device: request.device, model: fit.model,
            metrics: PredictorMetrics(heldOut: heldOut, lutBaseline: lutMetrics, trainCount: trainIdx.count, testCount: testIdx.count,
                                      variant: fit.variant, validationRMSE: fit.validationRMSE, outliers: outliers,
                                      warnings: warnings),
            notes: notes)
    }

    /// Positions of gross outliers among training samples: far off the out-of-fold
    /// predictions of a 5-fold LUT (`OutlierScreen`). Needs 30 samples; fewer: none.
    static func grossOutliers(archs: [Architecture], latency: [Double], space: any SearchSpace,
                              seed: UInt64) throws(NASError) -> [Int] {
        guard archs.count >= 30 else { return [] }
        let enc = ActiveOneHot(space: space)
        let folds = ProxyAdaptation.foldAssignment(count: archs.count, folds: 5, seed: seed ^ 0x0071)
        let floor = 0.05 * OutlierScreen.median(latency)
        var oof = [Double](repeating: 0, count: archs.count)
        for test in folds {
            let inTest = Set(test)
            let train = archs.indices.filter { !inTest.contains($0) }
            let lut = try LUTModel.fit(archs: train.map { archs[$0] }, latency: train.map { latency[$0] }, space: space, encoding: enc)
            for i in test { oof[i] = max(lut.predict(activeColumns: enc.activeColumns(archs[i], space: space)), floor) }
        }
        return OutlierScreen.grossOutliers(reference: oof, measured: latency)
    }

    /// The seeded order `train` splits data in: the first `trainSize` indices train, the rest
    /// are the held-out split (benchmarks rebuild a default's held-out cells with it).
    public static func splitOrder(count: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<count)
        var rng = SeededGenerator(seed: seed ^ 0x5EED_0001)
        order.seededShuffle(using: &rng)
        return order
    }

    /// The data of a request: inline samples (validated) or the fixture measurements.
    func data(for request: TrainRequest, space: any SearchSpace) throws(NASError) -> ([Architecture], [Double], String) {
        if let samples = request.samples {
            let clean = try Self.validated(samples, space: space)
            return (clean.map(\.arch), clean.map(\.latencyMs), "inline samples")
        }
        guard let device = request.device else {
            throw NASError(.invalidParams, "train needs a device (fixture name) or samples", field: "device")
        }
        let m = try catalog.measurements(space: space.id, device: device)
        return (m.archs, m.latency, "fixtures \(space.id)/\(device)")
    }

    /// Checks inline samples: valid archs, finite positive latencies (named by index when not).
    public static func validated(_ samples: [LatencySample], space: any SearchSpace) throws(NASError) -> [LatencySample] {
        for (i, s) in samples.enumerated() {
            do { try space.validate(s.arch) } catch { throw error.inField("samples[\(i)].arch") }
            guard s.latencyMs.isFinite, s.latencyMs > 0 else {
                throw NASError(.invalidParams, "latency_ms must be a positive number, got \(s.latencyMs)", field: "samples[\(i)].latency_ms")
            }
        }
        return samples.map { LatencySample(arch: space.canonical($0.arch), latencyMs: $0.latencyMs) }
    }

    /// A fresh id: `<space>-<device>-<kind>-s<seed>-<random>`.
    public static func makeID(space: String, device: String, kind: String, seed: UInt64) -> String {
        let safe = String((device + "-" + kind).map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") ? c : "_"
        }.prefix(80))
        return "\(space)-\(safe)-s\(seed)-\(String(UInt32.random(in: 0..<UInt32.max), radix: 16))"
    }

    /// A fitted model with the variant chosen and the validation errors behind the choice.
    public struct Fit: Sendable {
        /// The model.
        public var model: LatencyModel
        /// Its kind (for `auto`, the variant chosen).
        public var variant: String
        /// Validation RMSE (ms) per candidate (empty when no validation split was made).
        public var validationRMSE: [String: Double]
        /// Every candidate `auto` fitted, by variant name (benchmarks report them side by side).
        public var candidates: [String: LatencyModel] = [:]
        /// `auto`: the validation RMSE of the plain MLP's best weights after each of its epochs.
        public var mlpTrace: [Double] = []
        /// `auto`: the epoch at which the race (`AutoRace`) stopped the plain MLP (nil: not stopped).
        public var mlpStoppedAt: Int? = nil
        /// `auto`: epochs each network candidate trained, by variant name.
        public var epochs: [String: Int] = [:]
    }

    /// Fits a model of `kind` on training samples only.
    ///
    /// `auto` holds out 10% (at least 20) for validation, fits the LUT, the MLP and the LUT+residual
    /// MLP (its residual shrunk by the validated weight of 0.25–1), and keeps the lowest validation RMSE (an MLP variant must beat the LUT by 1%; a
    /// chosen LUT is refitted on all samples). Below 60 samples `auto` is the LUT.
    /// `race`: when `auto` stops its plain-MLP candidate early (`AutoRace`).
    public static func fit(kind: PredictorModelKind, archs: [Architecture], latency: [Double], space: any SearchSpace,
                           config: MLPTrainingConfig, control: JobControl, race: AutoRace = .shipped) throws(NASError) -> Fit {
        let enc = ActiveOneHot(space: space)
        switch kind {
        case .lut:
            return Fit(model: .lut(try LUTModel.fit(archs: archs, latency: latency, space: space, encoding: enc)), variant: "lut", validationRMSE: [:])
        case .flops:
            return Fit(model: .flops(try FLOPsModel.fit(archs: archs, latency: latency, space: space)), variant: "flops", validationRMSE: [:])
        case .mlp:
            let x = enc.encode(archs, space: space)
            let (r, _) = try NeuralRegressor.train(x: x, y: latency, validation: nil, transform: .logStandardized, config: config,
                                                   control: control.labelled("(mlp)"))
            return Fit(model: .mlp(r), variant: "mlp", validationRMSE: [:])
        case .residual:
            let lut = try LUTModel.fit(archs: archs, latency: latency, space: space, encoding: enc)
            let x = enc.encode(archs, space: space)
            let base = lut.predict(archs, space: space, encoding: enc)
            let res = (0..<latency.count).map { latency[$0] - base[$0] }
            let (r, _) = try NeuralRegressor.train(x: x, y: res, validation: nil, transform: .standardized, config: config,
                                                   control: control.labelled("(lut+mlp)"))
            return Fit(model: .residual(lut, r), variant: "lut+mlp", validationRMSE: [:])
        case .hardware:
            throw NASError(.invalidParams, "mlp-hw is trained over many devices: use HardwareGeneralizedTrainer", field: "model")
        case .auto:
            return try fitAuto(archs: archs, latency: latency, space: space, encoding: enc, config: config, control: control,
                               race: race)
        }
    }

    /// `auto`'s `validationRMSE` key of the plain table where the live-path copy was also tried
    /// (its `lut` entry is then the table the race used, live or plain).
    public static let plainLUTScoreKey = "lut (plain)"
    /// `auto`'s `validationRMSE` key of the residual network on the plain table where it was also
    /// fitted on the live-path table (`lut+mlp` is then the better of the two).
    public static let plainBaseResidualScoreKey = "lut+mlp (plain lut)"
    /// The residual network is fitted on the plain table too only when the live-path table's
    /// validation RMSE is above this share of the plain one's. On NB201's 16 devices with the
    /// copy (`hwnas train`, 1,000 cells) the plain table's residual won only at ratios 0.80–0.94
    /// (raspi4, pixel3, eagle_gtx, rice_edgegpu) and lost at every ratio ≤ 0.43 (true_640 0.13
    /// … rice_edgetpu 0.43, by 19–63 %); skipping it there changes no choice and saves the
    /// longest network of the first call (true_640: 214 of 295 epochs).
    public static let plainResidualTableRatio = 0.5
    /// A table whose validation RMSE is at most this share of the mean validated latency is exact
    /// (the measurements are sums of per-operation latencies, up to their rounding): `auto` keeps
    /// it and trains no network. On the fixtures five devices are (HW-NAS-Bench's FBNet raspi4,
    /// pixel3, eyeriss; NB201 eyeriss, rice_eyeriss: 2–3e-6), the next is 2.5e-3 (NB201
    /// 2080ti_256); their residual networks fitted rounding for up to 300 epochs (FBNet raspi4's
    /// first call 2.6 s) and changed no held-out SRCC (`hwnas-bench predictors` §1).
    public static let exactTableTolerance = 1e-4

    private static func fitAuto(archs: [Architecture], latency: [Double], space: any SearchSpace, encoding enc: ActiveOneHot,
                                config: MLPTrainingConfig, control: JobControl, race rule: AutoRace,
                                splitNoPath: Bool = true) throws(NASError) -> Fit {
        // Cells without a data path (NB201) in their own regime: fit the rest without them.
        if splitNoPath {
            let (some, none) = space.dataPathPartition(archs)
            if none.count >= 5 && some.count >= 60
                && noPathSplitHelps(archs: archs, latency: latency, noPath: Set(none), space: space, encoding: enc, seed: config.seed) {
                var fit = try fitAuto(archs: some.map { archs[$0] }, latency: some.map { latency[$0] }, space: space,
                                      encoding: enc, config: config, control: control, race: rule, splitNoPath: false)
                let other = LatencyModel.lut(try LUTModel.fit(archs: none.map { archs[$0] }, latency: none.map { latency[$0] },
                                                              space: space, encoding: enc))
                fit.model = .split(fit.model, noPath: other)
                fit.candidates = fit.candidates.mapValues { .split($0, noPath: other) }
                return fit
            }
        }
        let n = archs.count
        guard n >= 60 else {
            return Fit(model: .lut(try LUTModel.fit(archs: archs, latency: latency, space: space, encoding: enc)), variant: "lut", validationRMSE: [:])
        }
        var order = Array(0..<n)
        var rng = SeededGenerator(seed: config.seed ^ 0xA1_70)
        order.seededShuffle(using: &rng)
        let nVal = max(20, n / 10)
        let valIdx = Array(order[0..<nVal]), fitIdx = Array(order[nVal...])
        let fitA = fitIdx.map { archs[$0] }, fitY = fitIdx.map { latency[$0] }
        let valA = valIdx.map { archs[$0] }, valY = valIdx.map { latency[$0] }
        let xFit = enc.encode(fitA, space: space), xVal = enc.encode(valA, space: space)

        // The table, with the live-path copy where it validates better (runtimes that prune dead
        // operations: NB201 pixel3, raspi4 and most of OneProxy's devices), is the LUT candidate.
        // The residual network is then fitted on both tables, one after the other, and the one
        // that validates better is kept: on HELP's raspi4 the plain table's residual wins (held-out
        // RMSE 2.80 against 3.06 ms), on OneProxy's devices mostly the live one's (true_640 0.054 →
        // 0.023 ms; `hwnas-bench predictors` §1).
        let plainLUT = try LUTModel.fit(archs: fitA, latency: fitY, space: space, encoding: enc)
        var lut = plainLUT
        var scores: [String: Double] = [:]
        var plainResidualMayWin = false
        if archs.contains(where: { space.dataPathDecisions($0) != nil }) {
            let live = try LUTModel.fit(archs: fitA, latency: fitY, space: space, encoding: enc, livePathCopy: true)
            let plainRMSE = RegressionMetrics(predicted: plainLUT.predict(valA, space: space, encoding: enc), actual: valY).rmse
            let liveRMSE = RegressionMetrics(predicted: live.predict(valA, space: space, encoding: enc), actual: valY).rmse
            scores[Self.plainLUTScoreKey] = plainRMSE
            if live.hasLivePathCopy && liveRMSE < 0.99 * plainRMSE { lut = live }
            plainResidualMayWin = liveRMSE > Self.plainResidualTableRatio * plainRMSE
        }
        let residualBases = lut.hasLivePathCopy && plainResidualMayWin ? [lut, plainLUT] : [lut]
        // The two kinds of network train side by side, one core each, and the one that stops first
        // hands its core to the other: the same weights as one after the other with both cores per
        // GEMM (its split does not change a result), in about half the time. The residual
        // network(s) are job 0, so that on one thread they end before the MLP, which may wait for
        // them (`CandidateRace`; with two bases their epochs count on from the first's).
        let lutRMSE = RegressionMetrics(predicted: try LatencyModel.lut(lut).predict(valA, space: space, encoding: enc), actual: valY).rmse
        // A chosen table is refitted on every sample (validation rows included), live-path copy as chosen.
        func fullTable() throws(NASError) -> LatencyModel {
            .lut(try LUTModel.fit(archs: archs, latency: latency, space: space, encoding: enc, livePathCopy: lut.hasLivePathCopy))
        }
        if rule.exactTableWins && lutRMSE <= Self.exactTableTolerance * valY.reduce(0, +) / Double(valY.count) {
            scores["lut"] = lutRMSE
            let table = try fullTable()
            return Fit(model: table, variant: "lut", validationRMSE: scores, candidates: ["lut": table])
        }
        let race = CandidateRace(lutRMSE: lutRMSE, rule: rule)
        let sideBySide = Kernels.defaultThreads >= 2
        let share = ThreadShare(total: Kernels.defaultThreads, jobs: sideBySide ? 2 : 1)
        let mlpWatch = Mutex((trace: [Double](), best: Double.infinity, stoppedAt: Int?.none))
        let residualChoice = Mutex((base: 0, rmse: [Double]()))
        let nets = try Kernels.concurrently(2, threads: sideBySide ? 2 : 1) { (i: Int) throws(NASError) -> (NeuralRegressor, Int) in
            defer { if sideBySide { share.finished() } }
            if i == 0 {
                var ended: (Int, Double)? = nil
                defer { race.residualEnded(epochs: ended?.0 ?? 0, rmse: ended?.1) }
                var best: (network: NeuralRegressor, rmse: Double)? = nil
                var epochs = 0
                for (b, base) in residualBases.enumerated() {
                    let baseFit = base.predict(fitA, space: space, encoding: enc), baseVal = base.predict(valA, space: space, encoding: enc)
                    let resFit = (0..<fitY.count).map { fitY[$0] - baseFit[$0] }
                    let resVal = (0..<valY.count).map { valY[$0] - baseVal[$0] }
                    let before = epochs
                    let (net, history) = try NeuralRegressor.train(
                        x: xFit, y: resFit, validation: (xVal, resVal), transform: .standardized, config: config,
                        control: control.labelled(b == 0 ? "(lut+mlp)" : "(lut+mlp on the plain lut)"), share: share,
                        monitor: { epoch, _, _ in race.residualEpoch(before + epoch); return false })
                    epochs += history.epochs
                    let shrunk = Self.shrunkResidual(net, lutValidation: baseVal, validation: valY, x: xVal)
                    let better = best.map { shrunk.rmse < $0.rmse } ?? true
                    if better { best = shrunk }
                    residualChoice.withLock { c in
                        c.rmse.append(shrunk.rmse)
                        if better { c.base = b }
                    }
                }
                ended = (epochs, best!.rmse)
                return (best!.network, epochs)
            }
            let (net, history) = try NeuralRegressor.train(
                x: xFit, y: fitY, validation: (xVal, valY), transform: .logStandardized, config: config,
                control: control.labelled("(mlp)"), share: share,
                monitor: { epoch, isBest, predicted in
                    mlpWatch.withLock { w in
                        if isBest { w.best = RegressionMetrics(predicted: predicted, actual: valY).rmse }
                        w.trace.append(w.best)
                        if race.mlpShouldStop(epoch: epoch, rmse: w.best) { w.stoppedAt = epoch }
                        return w.stoppedAt != nil
                    }
                })
            return (net, history.epochs)
        }
        let choice = residualChoice.withLock { $0 }
        let residualBase = residualBases[choice.base]
        if choice.rmse.count == 2 { scores[Self.plainBaseResidualScoreKey] = choice.rmse[1] }
        let shrunk = nets[0].0, mlp = nets[1].0
        let candidates: [(String, LatencyModel)] = [("lut", .lut(lut)), ("mlp", .mlp(mlp)), ("lut+mlp", .residual(residualBase, shrunk))]
        var best = (name: "lut", model: LatencyModel.lut(lut), rmse: Double.infinity)
        for (name, model) in candidates {
            let p = try model.predict(valA, space: space, encoding: enc)
            let rmse = RegressionMetrics(predicted: p, actual: valY).rmse
            scores[name] = rmse
            let margin = name == "lut" ? 1.0 : 0.99
            if rmse < best.rmse * margin || best.rmse == .infinity { best = (name, model, rmse) }
        }
        if best.name == "lut" { best.model = try fullTable() }
        let watched = mlpWatch.withLock { $0 }
        return Fit(model: best.model, variant: best.name, validationRMSE: scores,
                   candidates: Dictionary(uniqueKeysWithValues: candidates.map { ($0.0, $0.1) }),
                   mlpTrace: watched.trace, mlpStoppedAt: watched.stoppedAt, epochs: ["mlp": nets[1].1, "lut+mlp": nets[0].1])
    }

    /// The residual network shrunk towards 0 by the weight (of 0.25...1) that validates best (the
    /// LUT is already near-exact on many devices, and a partly trusted residual cannot hurt it
    /// much), with the validation RMSE of LUT + shrunk residual.
    private static func shrunkResidual(_ res: NeuralRegressor, lutValidation lutVal: [Double], validation valY: [Double],
                                       x xVal: FloatMatrix) -> (network: NeuralRegressor, rmse: Double) {
        let resValPred = res.predict(xVal)
        var bestWeight = 1.0, bestErr = Double.infinity
        for weight in [0.25, 0.5, 0.75, 1.0] {
            var se = 0.0
            for i in 0..<valY.count { let e = lutVal[i] + weight * resValPred[i] - valY[i]; se += e * e }
            if se < bestErr { bestErr = se; bestWeight = weight }
        }
        var shrunk = res
        shrunk.mean *= bestWeight
        shrunk.std *= bestWeight
        let predicted = (0..<valY.count).map { lutVal[$0] + bestWeight * resValPred[$0] }
        return (shrunk, RegressionMetrics(predicted: predicted, actual: valY).rmse)
    }

    /// Whether modelling the no-data-path cells apart lowers the 5-fold cross-validated RMSE of
    /// a LUT by at least 5%: true where they form a regime of their own (HELP raspi4 times some
    /// at 0.01 ms, and an additive fit over both regimes predicts ~0 ms for ordinary cells),
    /// false where they cost like any other cell (GPUs, CPUs).
    static func noPathSplitHelps(archs: [Architecture], latency: [Double], noPath: Set<Int>, space: any SearchSpace,
                                 encoding enc: ActiveOneHot, seed: UInt64) -> Bool {
        let n = archs.count, folds = 5
        var order = Array(0..<n)
        var rng = SeededGenerator(seed: seed ^ 0x0DA7A)
        order.seededShuffle(using: &rng)
        var seJoint = 0.0, seSplit = 0.0
        for f in 0..<folds {
            let test = order.enumerated().filter { $0.offset % folds == f }.map(\.element)
            let train = order.enumerated().filter { $0.offset % folds != f }.map(\.element)
            func lut(_ idx: [Int]) -> LUTModel? {
                try? LUTModel.fit(archs: idx.map { archs[$0] }, latency: idx.map { latency[$0] }, space: space, encoding: enc)
            }
            guard let joint = lut(train), let some = lut(train.filter { !noPath.contains($0) }),
                  let none = lut(train.filter { noPath.contains($0) }) else { return false }
            for i in test {
                let cols = enc.activeColumns(archs[i], space: space)
                let e1 = joint.predict(activeColumns: cols) - latency[i]
                let e2 = (noPath.contains(i) ? none : some).predict(activeColumns: cols) - latency[i]
                seJoint += e1 * e1
                seSplit += e2 * e2
            }
        }
        return seSplit < 0.95 * 0.95 * seJoint
    }
}
