import NASCore
import NASData
import NASGenerator
import NASPredictors
import NASSearch
import NASSpaces
import Synchronization

/// The daemon's domain state, shared by all handlers: the fixtures catalog, the predictor
/// store (backed by the state directory), the generator store, and the OFA accuracy predictor
/// (saved, shipped or trained on first use). Created once per daemon; nothing here knows JSON-RPC.
public final class DomainServices: Sendable {
    /// The shipped data.
    public let catalog: DataCatalog
    /// Trained predictors (memory + state directory).
    public let predictors: PredictorStore
    /// Trained generators (memory + state directory).
    public let generators: GeneratorStore
    /// Daemon settings.
    public let environment: ServerEnvironment
    /// Serializes default-generator training so concurrent first uses train once.
    let generatorTraining = Mutex<Void>(())
    private let ofaAccuracy = Mutex<OFAAccuracyPredictor?>(nil)
    /// `adaptProxy`'s pool per space, fitted once (the fixtures never change while running).
    private let fixturePools = Mutex<[FixturePoolKey: [ProxyLatencyModel]]>([:])
    /// `MeasurementTwins.twins` and the copies among them (`MeasurementTwins.copies`) per space, found once.
    private let fixtureTwins = Mutex<[String: (twins: [String: Set<String>], copies: Set<String>)]>([:])
    /// `NearestGPUInterval` per space (nil where a space has too few GPU chips), calibrated once.
    private let nearestGPUCalibrations = Mutex<[String: NearestGPUInterval?]>([:])
    /// A measured GPU's latencies by architecture (`space/device`), for the nearest-GPU answer.
    private let measurementLookups = Mutex<[String: [Architecture: Double]]>([:])
    /// Answers of deterministic requests, by kind of request (`remembered`).
    private let rememberedAnswers = Mutex<[String: RememberedShelf]>([:])

    /// Opens the fixtures and the predictor store; bad files in the state directory are logged,
    /// not fatal.
    public init(environment: ServerEnvironment) throws(NASError) {
        self.environment = environment
        let fixtures = try FixturesLocator.locate(environment.fixturesDirectory)
        catalog = DataCatalog(fixturesDirectory: fixtures)
        let logger = environment.logger
        for path in FixturesLocator.passedOver(environment.fixturesDirectory) {
            logger.warn("fixtures: \(path) is not a fixtures directory (no nb201/ in it); using \(fixtures)")
        }
        let warn: @Sendable (NASError) -> Void = { logger.warn("state: \($0)") }
        predictors = try PredictorStore(directory: environment.stateDirectory + "/predictors", catalog: catalog,
                                        maxFileBytes: environment.maxFileBytes, readOnly: environment.readOnly, warn: warn,
                                        info: { logger.info($0) })
        generators = try GeneratorStore(directory: environment.stateDirectory + "/generators", maxFileBytes: environment.maxFileBytes,
                                        readOnly: environment.readOnly, warn: warn)
        for problem in predictors.loadAll() + generators.loadAll() {
            environment.logger.warn("state: \(problem)")
        }
    }

    /// The OFA ImageNet top-1 predictor: an MLP fitted on the 2,223 shipped measurements,
    /// shipped in `fixtures/pretrained/` (used when fitted on the fixtures served) or else
    /// trained on first use, and saved in the state directory (`accuracy/ofa-top1.hwna`), so
    /// later daemons load it; a stale or damaged file is replaced.
    public func ofaAccuracyPredictor(control: JobControl) throws(NASError) -> OFAAccuracyPredictor {
        try ofaAccuracy.withLock { (cached: inout OFAAccuracyPredictor?) throws(NASError) -> OFAAccuracyPredictor in
            if let cached { return cached }
            let logger = environment.logger
            let (p, source) = try OFAAccuracyPredictor.loadOrTrain(
                catalog: catalog, space: try SpaceRegistry.space(OFAMobileNetV3Space().id),
                directory: environment.stateDirectory + "/accuracy", shippedDirectory: catalog.shippedModelsDirectory,
                control: control.labelled("training accuracy model ofa_mbv3 (ImageNet top-1 MLP)"),
                warn: { logger.warn("state: \($0)") }, info: { logger.info($0) })
            logger.info("OFA accuracy predictor (\(source.rawValue)): held-out RMSE \(p.heldOut.rmse), SRCC \(p.heldOut.spearman)")
            cached = p
            return p
        }
    }

    /// The other fixture devices' models `adaptProxy` may blend (`FixturePool.models`), fitted
    /// on the first call for `space` and kept; devices named in `excluding` are left out, and
    /// their twins (`measurementTwins`: the same measurements under another name), so that a
    /// held-out device's own data never answers for it. Of each set of twins the pool keeps one
    /// device (`MeasurementTwins.copies`), so no device's data counts twice. `livePathCopies`:
    /// see `FixturePool.models` (false for sample selection, `suggestionProxies`). With the
    /// target's `samples`, the devices measured on only a part of the space keep their place
    /// only where they measured most of the samples (`FixturePool.matching`).
    public func fixturePool(space: String, excluding: Set<String>, livePathCopies: Bool = true,
                            samples: [Architecture]? = nil) throws(NASError) -> [ProxyLatencyModel] {
        let all = try fixtureModels(space: space, livePathCopies: livePathCopies)
        let twins = try measurementTwins(space: space)
        let left = MeasurementTwins.withTwins(excluding, twins: twins).union(try measurementCopies(space: space))
        let pool = all.filter { !left.contains($0.name) }
        return samples.map { FixturePool.matching(pool, samples: $0) } ?? pool
    }

    /// Every fixture device's model of `space` (`FixturePool.models`; copies among twins
    /// included, for a pool that names one), fitted on the first call and kept (per
    /// `livePathCopies`; the second way reuses the first's models of every device that does not
    /// prune dead operations).
    func fixtureModels(space: String, livePathCopies: Bool = true) throws(NASError) -> [ProxyLatencyModel] {
        let key = FixturePoolKey(space: space, livePathCopies: livePathCopies)
        let other = FixturePoolKey(space: space, livePathCopies: !livePathCopies)
        return try fixturePools.withLock { (pools: inout [FixturePoolKey: [ProxyLatencyModel]]) throws(NASError) -> [ProxyLatencyModel] in
            if let cached = pools[key] { return cached }
            let fitted = try FixturePool.models(catalog: catalog, space: space, excluding: [], livePathCopies: livePathCopies,
                                                reusing: pools[other] ?? [])
            pools[key] = fitted
            return fitted
        }
    }

    /// The monotonicity matrix of measured fixture devices (`devices` nil: all of `space`'s),
    /// computed on the first request and kept: the fixtures never change while running, so a
    /// repeat is answered from memory (NB201's 36 devices: 77 ms to compute, 1.5 ms to repeat: `Benchmarks/results/repeats.md`).
    /// Kept with the other `remembered` answers.
    public func measuredMonotonicity(space: String, devices: [String]?, archs: [Architecture]?, metric: RankMetric,
                                     control: JobControl) throws(NASError) -> MonotonicityMatrix {
        try remembered(MeasuredMatrixKey(space: space, devices: devices, archs: archs, metric: metric)) { () throws(NASError) in
            try MonotonicityAnalysis(catalog: catalog).matrix(space: space, devices: devices?.map { .measured($0) },
                                                              archs: archs, metric: metric, control: control)
        }
    }

    /// The answer to a request that depends only on the fixtures and on what `key` holds (a key
    /// that involves predictors holds `predictors.revision`: one may be retrained under its id):
    /// computed on the first request and kept, so a repeat is answered from memory. Each kind of
    /// request (`ShelvedKey.shelf`, else the key's type) keeps its last 64 answers, so a loop of
    /// small `predict`s never drops a kept `search`. A failed computation is not kept.
    /// `keep`: whether an answer may be kept (a partial one, cut short by a cancel, is not).
    public func remembered<Key: Hashable & Sendable, Value: Sendable>(
        _ key: Key, keep: (Value) -> Bool = { _ in true },
        compute: () throws(NASError) -> Value) throws(NASError) -> Value {
        if let known: Value = rememberedAnswer(key) { return known }
        let value = try compute()
        if keep(value) { remember(key, value) }
        return value
    }

    /// The answer kept under `key`, if any (see `remembered`).
    func rememberedAnswer<Key: Hashable & Sendable, Value: Sendable>(_ key: Key) -> Value? {
        rememberedAnswers.withLock { $0[RememberedShelf.name(of: key)]?.answers[AnyHashable(key)] } as? Value
    }

    /// Keeps `value` under `key` (the oldest answer of its shelf dropped past 64).
    func remember<Key: Hashable & Sendable, Value: Sendable>(_ key: Key, _ value: Value) {
        rememberedAnswers.withLock { shelves in
            shelves[RememberedShelf.name(of: key), default: RememberedShelf()].keep(AnyHashable(key), value, capacity: 64)
        }
    }

    /// The copies among `space`'s twins (`MeasurementTwins.copies`), which default pools leave
    /// out, found on the first call and kept.
    public func measurementCopies(space: String) throws(NASError) -> Set<String> {
        try twinsAndCopies(space: space).copies
    }

    /// The fixture devices of `space` that are another's measurements under a second name
    /// (`MeasurementTwins.twins`), found on the first call and kept.
    public func measurementTwins(space: String) throws(NASError) -> [String: Set<String>] {
        try twinsAndCopies(space: space).twins
    }

    /// Both, found together on the first call for `space` and kept.
    private func twinsAndCopies(space: String) throws(NASError) -> (twins: [String: Set<String>], copies: Set<String>) {
        if let known = fixtureTwins.withLock({ $0[space] }) { return known }
        let twins = try MeasurementTwins.twins(catalog: catalog, space: space)
        let found = (twins: twins, copies: try MeasurementTwins.copies(catalog: catalog, space: space, twins: twins))
        fixtureTwins.withLock { $0[space] = found }
        return found
    }

    /// The nearest-GPU interval calibration of `space` (`NearestGPUInterval.calibrate` on the
    /// fixtures' GPU chips), computed on the first call and kept: the fixtures never change
    /// while running, and the calibration reads every GPU's measurements (~40 ms for NB201).
    public func nearestGPUCalibration(space: String) throws(NASError) -> NearestGPUInterval? {
        try nearestGPUCalibrations.withLock { (cache: inout [String: NearestGPUInterval?]) throws(NASError) -> NearestGPUInterval? in
            if let cached = cache[space] { return cached }
            let calibration = try NearestGPUInterval.calibrate(catalog: catalog, space: space)
            cache[space] = .some(calibration)
            return calibration
        }
    }

    /// `device`'s finite measurements in `space` by architecture (`NearestGPUModel.measurementLookup`),
    /// built on the first call and kept: building it per `predict {spec}` was most of a repeat call.
    public func measurementLookup(space: String, device: String) throws(NASError) -> [Architecture: Double] {
        let key = space + "/" + device
        if let known = measurementLookups.withLock({ $0[key] }) { return known }
        let lookup = NearestGPUModel.measurementLookup(try catalog.measurements(space: space, device: device))
        measurementLookups.withLock { $0[key] = lookup }
        return lookup
    }
}

/// Which fixture pool `DomainServices` keeps: a space's models fitted with or without the
/// live-path copies (`FixturePool.models(livePathCopies:)`).
struct FixturePoolKey: Hashable {
    var space: String
    var livePathCopies: Bool
}

/// What a cached monotonicity matrix of measured devices was asked for.
private struct MeasuredMatrixKey: Hashable, Sendable {
    var space: String
    var devices: [String]?
    var archs: [Architecture]?
    var metric: RankMetric
}
