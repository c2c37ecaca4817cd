import Foundation
import NASCore
import NASData
import NASPredictors
import NASSpaces

/// The NB201 new-device setting the `intervals`, `robust` and `budgets` benchmarks share: a
/// target fixture device whose measurements stand in for a user's device; the user measures k
/// random cells and either fine-tunes another device's default predictor (`finetune`) or adapts
/// it (`adaptProxy`, with the fixture pool minus the target); everything else the target was
/// measured on is held out, and so are its twins (`MeasurementTwins`: NB201's `rice_pixel3`,
/// `rice_raspi4`, `rice_eyeriss` are pixel3's, raspi4's, eyeriss's own latencies), as the daemon's
/// pool leaves them out; `--keep-twins yes` keeps them in (the pool before issue 17's fix). Of each
/// set of twins a pool keeps one device (`MeasurementTwins.copies`); `--keep-copies yes` keeps both.
struct NewDeviceScenario {
    /// The eight NB201 devices with all 15,625 cells measured (HW-NAS-Bench, HELP).
    static let devices = ["1080ti_1", "2080ti_32", "titan_rtx_256", "gold_6226", "silver_4114", "pixel3", "samsung_a50", "raspi4"]

    let catalog: DataCatalog
    /// Defaults are trained once into a state directory and reused by later runs.
    let store: PredictorStore
    let space: any SearchSpace
    /// Every cell, in official index order.
    let all: [Architecture]
    /// Per device, measured latency by official index.
    let measured: [String: [Double]]
    /// NB201's twins (`MeasurementTwins.twins`), empty with `--keep-twins yes`.
    let twins: [String: Set<String>]
    /// The copies among them (`MeasurementTwins.copies`), which every pool leaves out as the
    /// daemon's do; empty with `--keep-twins yes` or `--keep-copies yes`.
    let copies: Set<String>

    init(arguments: [String]) throws {
        catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate(benchOption(arguments, "--fixtures")))
        let state = benchOption(arguments, "--state") ?? NSTemporaryDirectory() + "hwnas-bench-state/predictors"
        store = try PredictorStore(directory: state, catalog: catalog)
        _ = store.loadAll()
        space = try SpaceRegistry.space("nb201")
        all = space.enumerateAll()!
        var measured: [String: [Double]] = [:]
        for d in Self.devices {
            let m = try catalog.measurements(space: "nb201", device: d)
            var v = [Double](repeating: .nan, count: all.count)
            for (a, l) in zip(m.archs, m.latency) { if let i = space.officialIndex(of: a) { v[i] = l } }
            measured[d] = v
        }
        self.measured = measured
        twins = benchOption(arguments, "--keep-twins") == "yes" ? [:] : try MeasurementTwins.twins(catalog: catalog, space: "nb201")
        copies = benchOption(arguments, "--keep-copies") == "yes" ? [] : try MeasurementTwins.copies(catalog: catalog, space: "nb201", twins: twins)
    }

    /// `names`, their twins and the copies among twins: what a pool holding `names` out leaves out.
    func heldOut(_ names: Set<String>) -> Set<String> { MeasurementTwins.withTwins(names, twins: twins).union(copies) }

    /// The fixture pool `fixturePool` (`FixturePool.models` of every device, fitted once by the
    /// caller) as the daemon's default pool gives it for `samples`: without `names` and what
    /// `heldOut` adds to them, then `FixturePool.matching`.
    func pool(_ fixturePool: [ProxyLatencyModel], without names: Set<String>, samples: [LatencySample]) -> [ProxyLatencyModel] {
        let left = heldOut(names)
        return FixturePool.matching(fixturePool.filter { !left.contains($0.name) }, samples: samples.map(\.arch))
    }

    /// The base a user would pick for `target`: the other device whose measured latencies rank
    /// the target's cells best (SRCC), as `monotonicity`'s best proxy.
    func base(for target: String) -> String {
        let t = measured[target]!
        return Self.devices.filter { $0 != target }.max { a, b in
            RankCorrelation.spearman(measured[a]!, t) < RankCorrelation.spearman(measured[b]!, t)
        }!
    }

    /// k random measured cells of `target` (seeded) and the rest (held out).
    func split(target: String, k: Int, seed: UInt64) -> (samples: [Int], heldOut: [Int]) {
        var order = all.indices.filter { measured[target]![$0].isFinite }
        var rng = SeededGenerator(seed: 0xBE_4C4 ^ seed &* 0x9E37_79B9)
        order.seededShuffle(using: &rng)
        return (Array(order.prefix(k)), Array(order.dropFirst(k)))
    }

    /// The samples as a user would send them; `corrupt` multiplies sample 0's latency.
    func samples(_ idx: [Int], target: String, corrupt: Double? = nil) -> [LatencySample] {
        idx.enumerated().map { k, i in
            LatencySample(arch: all[i], latencyMs: measured[target]![i] * (k == 0 ? corrupt ?? 1 : 1))
        }
    }

    /// `finetune` of the base device's default (method auto).
    func fineTuned(base: String, samples: [LatencySample], seed: UInt64, screen: Bool = true) throws -> TrainedPredictor {
        var request = FineTuneRequest(base: try store.defaultPredictor(space: "nb201", device: base), samples: samples,
                                      seed: seed, device: "user", id: "bench-ft")
        request.screenOutliers = screen
        return try FineTuner.fineTune(request)
    }

    /// `adaptProxy` of the base device's default to the target (method auto, the fixture pool
    /// `pool` without the target and the base, as the daemon builds it: `pool(_:without:samples:)`).
    func adapted(pool: [ProxyLatencyModel], base: String, target: String, samples: [LatencySample], seed: UInt64,
                 screen: Bool = true) throws -> TrainedPredictor {
        let proxy = try store.defaultPredictor(space: "nb201", device: base)
        let r = try ProxyAdaptation.adapt(proxy: .predictor(proxy, space: space), targetName: "user", samples: samples,
                                          pool: self.pool(pool, without: [target, base], samples: samples),
                                          screenOutliers: screen, seed: seed)
        return try TrainedPredictor(adapted: r.predictor, base: proxy, id: "bench-adapted", sampleCount: samples.count, result: r)
    }

    /// `adaptProxy` without a proxy (`ProxyEnsemble.adapt`, the mean of the 3 members of `pool`
    /// closest to the samples) to the target: the saved predictor and its members' names.
    /// `pool`: the fixture pool (`FixturePool.models`, fitted once by the caller); the target and
    /// its twins leave it here.
    func ensembled(pool: [ProxyLatencyModel], target: String, samples: [LatencySample],
                   seed: UInt64) throws -> (predictor: TrainedPredictor, members: [String]) {
        let r = try ProxyEnsemble.adapt(pool: self.pool(pool, without: [target], samples: samples), samples: samples,
                                        targetName: "user", id: "bench-ensemble", seed: seed)
        guard let saved = r.predictor else { throw NASError(.internal, "fixture pool members have latency models") }
        return (saved, r.members.map(\.proxy.name))
    }

    /// `adapt` (`FewShotAdaptation.adapt`) to the target as the daemon runs it without a base:
    /// the base chosen by the samples from the fixture pool `pool` minus the target (and its twins).
    /// `families`: `adapt`'s candidates (nil: its default).
    func adaptedByChoice(pool: [ProxyLatencyModel], target: String, samples: [LatencySample], seed: UInt64,
                         families: [FewShotAdaptation.Family]? = nil) throws -> FewShotAdaptation.Outcome {
        try FewShotAdaptation.adapt(base: nil, pool: self.pool(pool, without: [target], samples: samples), samples: samples,
                                    targetName: "user", id: "bench-adapt", families: families, seed: seed)
    }

    static func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

    /// Writes a line to stdout at once (these benchmarks run for minutes; a redirected `print`
    /// would hold its lines until the end).
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
