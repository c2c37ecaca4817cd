import XCTest
import Synchronization
import NASCore
import NASData
import NASSpaces
@testable import NASPredictors

/// `FewShotAdaptation` (`adapt`, issue 19): the family choice by outer cross-validation.
final class FewShotAdaptationTests: XCTestCase {
    /// A small pool: a LUT of each device fitted on 1,000 of its NB201 cells (fast in debug).
    func lutPool(_ catalog: DataCatalog, _ devices: [String]) throws -> [ProxyLatencyModel] {
        let space = try SpaceRegistry.space("nb201")
        let enc = ActiveOneHot(space: space)
        return try devices.map { d in
            let m = try catalog.measurements(space: "nb201", device: d)
            let lut = try LUTModel.fit(archs: Array(m.archs.prefix(1000)), latency: Array(m.latency.prefix(1000)),
                                       space: space, encoding: enc)
            return .model(.lut(lut), name: d, space: space)
        }
    }

    /// k spread-out samples of `device` and every other cell.
    func split(_ catalog: DataCatalog, device: String, k: Int) throws -> (train: [LatencySample], held: [LatencySample]) {
        let m = try catalog.measurements(space: "nb201", device: device)
        let step = m.archs.count / k
        let idx = Set((0..<k).map { $0 * step + 3 })
        let all = m.archs.indices.map { LatencySample(arch: m.archs[$0], latencyMs: m.latency[$0]) }
        return (idx.sorted().map { all[$0] }, all.indices.filter { !idx.contains($0) && $0 % 7 == 0 }.map { all[$0] })
    }

    func testAdaptScoresEveryFamilyAndReturnsTheBest() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let pool = try lutPool(catalog, ["titan_rtx_1", "gold_6240", "pixel3"])
        let (train, held) = try split(catalog, device: "raspi4", k: 20)
        let out = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: train, targetName: "raspi4-new", id: "raspi4-new", seed: 1)
        // pixel3 ranks raspi4 best of the three (SRCC 0.97 on all cells): it becomes the base.
        XCTAssertEqual(out.base, "pixel3")
        XCTAssertEqual(out.pool, ["titan_rtx_1", "gold_6240"])
        // finetune is left out by default: a pool, and a base (a LUT) without a network to tune.
        XCTAssertEqual(out.scores.map(\.family), [.blend, .proxy, .mean])
        let best = try XCTUnwrap(out.scores.compactMap { s in s.cvSRCC.map { (s.family, $0) } }.max { $0.1 < $1.1 })
        XCTAssertEqual(out.family, best.0)
        XCTAssertEqual(Set(out.fits.keys), [.blend, .proxy])
        XCTAssertEqual(out.predictor.id, "raspi4-new")
        XCTAssertEqual(out.predictor.device, "raspi4-new")
        XCTAssertEqual(out.predictor.notes["family"], out.family.rawValue)
        let cv = try XCTUnwrap(out.predictor.metrics.crossValidated)
        XCTAssertEqual(cv.count, 20)
        XCTAssertEqual(cv.spearman, best.1, accuracy: 1e-12, "crossValidated is the chosen family's outer out-of-fold record")
        // The interval comes from the same outer out-of-fold record, calibrated by the `adapt` table.
        let oof = try XCTUnwrap(out.outOfFold[out.family])
        let r = try XCTUnwrap(out.predictor.fewSampleResiduals)
        XCTAssertEqual(r.count, 20)
        let logs = zip(oof, out.measured).map { log($1 / $0) }
        XCTAssertEqual(r.centre, logs.reduce(0, +) / 20, accuracy: 1e-12)
        XCTAssertEqual(r.positions, try out.predictor.predict(archs: train.map(\.arch)).sorted())
        XCTAssertEqual(out.predictor.errorProfile,
                       ErrorProfile(fewSamples: r, table: .shipped(space: "nb201", kind: FewShotAdaptation.intervalKind, for: r)))
        let srcc = RankCorrelation.spearman(try out.predictor.predict(archs: held.map(\.arch)), held.map(\.latencyMs))
        XCTAssertGreaterThan(srcc, 0.9, out.variant)
        // The saved form predicts the same.
        let round = try PredictorFile.decode(PredictorFile.encode(out.predictor))
        XCTAssertEqual(try round.predict(archs: Array(held.prefix(50)).map(\.arch)),
                       try out.predictor.predict(archs: Array(held.prefix(50)).map(\.arch)))
    }

    func testFamiliesSubsetFewSamplesAndErrors() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let pool = try lutPool(catalog, ["gold_6240", "pixel3"])
        let (train, _) = try split(catalog, device: "raspi4", k: 10)
        let one = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: train, targetName: "t", id: "t",
                                              families: [.finetune], seed: 2)
        XCTAssertEqual(one.family, .finetune)
        XCTAssertEqual(one.scores.map(\.family), [.finetune])
        XCTAssertTrue(one.fits.keys.elementsEqual([.finetune]))
        // Below 5 samples nothing is scored; proxy is returned.
        let few = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: Array(train.prefix(4)), targetName: "t", id: "t", seed: 2)
        XCTAssertEqual(few.family, .proxy)
        XCTAssertTrue(few.scores.allSatisfy { $0.cvSRCC == nil })
        XCTAssertTrue(few.outOfFold.isEmpty)
        XCTAssertEqual(few.predictor.notes["family"], "proxy")
        // No base and no pool; too few samples.
        XCTAssertThrowsError(try FewShotAdaptation.adapt(base: nil, pool: [], samples: train, targetName: "t", id: "t")) {
            XCTAssertEqual(($0 as? NASError)?.kind, .invalidParams)
        }
        XCTAssertThrowsError(try FewShotAdaptation.adapt(base: nil, pool: pool, samples: Array(train.prefix(2)), targetName: "t", id: "t")) {
            XCTAssertEqual(($0 as? NASError)?.kind, .insufficientSamples)
        }
    }

    func testMixFamilyAndTheMeansThatHoldIt() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let pool = try lutPool(catalog, ["titanx_1", "titanx_32", "gold_6240", "pixel3"])
        let (train, held) = try split(catalog, device: "raspi4", k: 10)
        // Batch-size siblings share one prior share; other names are their own family.
        XCTAssertEqual(PoolMixture.batchFamily("titanx_32"), "titanx")
        XCTAssertEqual(PoolMixture.batchFamily("1080ti_1"), "1080ti")
        XCTAssertEqual(PoolMixture.batchFamily("gold_6240"), "gold_6240")
        XCTAssertEqual(PoolMixture.batchFamily("pixel3"), "pixel3")
        // A target that is one member's own values, scaled: that member gets (nearly) all the weight.
        let exact = try pool[3].predict(train.map(\.arch))
        let own = try PoolMixture.fit(pool, samples: zip(train, exact).map { LatencySample(arch: $0.arch, latencyMs: 3 * $1) })
        XCTAssertEqual(own.weights.reduce(0) { $0 + $1.weight }, 1, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(own.weights.max { $0.weight < $1.weight }).member, "pixel3")
        XCTAssertGreaterThan(try XCTUnwrap(own.weights.first { $0.member == "pixel3" }).weight, 0.99)
        let space = try SpaceRegistry.space("nb201")
        let p = try own.model.predict(held.prefix(20).map(\.arch), space: space, encoding: ActiveOneHot(space: space))
        let q = try pool[3].predict(held.prefix(20).map(\.arch))
        for (a, b) in zip(p, q) { XCTAssertEqual(a / b, 3, accuracy: 0.05) }
        // Asked for alone, mix is the one candidate; it names its members and weights.
        let mix = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: train, targetName: "t", id: "t",
                                              families: [.mix], seed: 4)
        XCTAssertEqual(mix.family, .mix)
        XCTAssertEqual(mix.predictor.notes["family"], "mix")
        XCTAssertFalse(mix.weights.isEmpty)
        XCTAssertEqual(Set(mix.weights.map(\.member)).isSubset(of: Set(pool.map(\.name))), true)
        let round = try PredictorFile.decode(PredictorFile.encode(mix.predictor))
        XCTAssertEqual(try round.predict(archs: held.prefix(30).map(\.arch)), try mix.predictor.predict(archs: held.prefix(30).map(\.arch)))
        // proxy+mix is scored on the mean of its members' out-of-fold predictions, fold by fold.
        let both = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: train, targetName: "t", id: "t",
                                               families: [.proxyMix], seed: 4, cvRepeats: 2)
        XCTAssertEqual(both.scores.map(\.family), [.proxyMix])
        XCTAssertEqual(both.family, .proxyMix)
        XCTAssertEqual(Set(both.fits.keys), [.proxy, .mix])
        for rep in both.outOfFoldRepeats {
            let (a, b, m) = (try XCTUnwrap(rep[.proxy]), try XCTUnwrap(rep[.mix]), try XCTUnwrap(rep[.proxyMix]))
            for i in m.indices { XCTAssertEqual(m[i], (a[i] + b[i]) / 2, accuracy: 1e-9) }
        }
        let pp = try both.fits[.proxy]!.predict(archs: held.map(\.arch)), pm = try both.fits[.mix]!.predict(archs: held.map(\.arch))
        let pb = try both.predictor.predict(archs: held.map(\.arch))
        for i in stride(from: 0, to: held.count, by: 97) { XCTAssertEqual(pb[i], (pp[i] + pm[i]) / 2, accuracy: 1e-6 * pb[i]) }
        XCTAssertGreaterThan(RankCorrelation.spearman(pb, held.map(\.latencyMs)), 0.85)
        // Every candidate, mix fitted once for both means; a mean preference of 1 always takes a mean.
        let all: [FewShotAdaptation.Family] = [.blend, .proxy, .mean, .proxyMix, .blendProxyMix]
        let pref = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: train, targetName: "t", id: "t",
                                               families: all, seed: 4, meanPreference: 1)
        XCTAssertEqual(pref.scores.map(\.family), all)
        XCTAssertEqual(Set(pref.fits.keys), [.blend, .proxy, .mix])
        XCTAssertTrue([.mean, .proxyMix, .blendProxyMix].contains(pref.family), "\(pref.family)")
        let bestMean = try XCTUnwrap(pref.scores.filter { [.mean, .proxyMix, .blendProxyMix].contains($0.family) }
            .max { ($0.cvSRCC ?? -2) < ($1.cvSRCC ?? -2) })
        XCTAssertEqual(pref.family, bestMean.family)
        XCTAssertEqual(pref.predictor.notes["family"], pref.family.rawValue)
    }

    func testStackWeightsFamiliesByTheirOutOfFoldPredictions() throws {
        // The weights: a column equal to the target takes (nearly) all the weight without a ridge;
        // a large ridge pulls toward equal weights; no usable fit gives equal weights.
        let y = [1.0, 2, 3, 5, 8, 13]
        let noisy = y.enumerated().map { $1 * ($0 % 2 == 0 ? 1.3 : 0.7) }
        let exact = FamilyStack.weights([noisy, y], measured: y, ridge: 0)
        XCTAssertEqual(exact[0], 0, accuracy: 1e-6)
        XCTAssertEqual(exact[1], 1, accuracy: 1e-6)
        let shrunk = FamilyStack.weights([noisy, y], measured: y, ridge: 100)
        XCTAssertEqual(shrunk[0], 0.5, accuracy: 0.02)
        XCTAssertGreaterThan(shrunk[1], shrunk[0])
        XCTAssertEqual(FamilyStack.weights([y.map { -$0 }, y.map { -2 * $0 }], measured: y, ridge: 0), [0.5, 0.5])
        XCTAssertEqual(FamilyStack.weights([[.nan] + y.dropFirst(), y], measured: y), [0.5, 0.5])

        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let pool = try lutPool(catalog, ["titanx_1", "titanx_32", "gold_6240", "pixel3"])
        let (train, held) = try split(catalog, device: "raspi4", k: 10)
        // `stack` alone combines blend, proxy and mix; it is returned whatever the scores.
        let out = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: train, targetName: "t", id: "t",
                                              families: [.stack], seed: 5, cvRepeats: 2)
        XCTAssertEqual(out.family, .stack)
        XCTAssertEqual(out.scores.map(\.family), [.blend, .proxy, .mix, .stack])
        XCTAssertEqual(Set(out.fits.keys), [.blend, .proxy, .mix])
        XCTAssertEqual(out.predictor.notes["family"], "stack")
        // Its weights are FamilyStack's on the averaged out-of-fold predictions; its own
        // out-of-fold record stacks each sample with weights refitted without it.
        let parts: [FewShotAdaptation.Family] = [.blend, .proxy, .mix]
        let cols = try parts.map { try XCTUnwrap(out.outOfFold[$0]) }
        let w = FamilyStack.weights(cols, measured: out.measured)
        let oof = try XCTUnwrap(out.outOfFold[.stack])
        for i in oof.indices {
            let keep = oof.indices.filter { $0 != i }
            let wi = FamilyStack.weights(cols.map { c in keep.map { c[$0] } }, measured: keep.map { out.measured[$0] })
            XCTAssertEqual(oof[i], zip(cols, wi).reduce(0.0) { $0 + $1.1 * $1.0[i] }, accuracy: 1e-9)
        }
        XCTAssertEqual(try XCTUnwrap(out.predictor.metrics.crossValidated).spearman, RankCorrelation.spearman(oof, out.measured), accuracy: 1e-12)
        let archs = held.map(\.arch)
        let preds = try parts.map { try out.fits[$0]!.predict(archs: archs) }
        let p = try out.predictor.predict(archs: archs)
        for i in stride(from: 0, to: held.count, by: 97) {
            XCTAssertEqual(p[i], zip(preds, w).reduce(0.0) { $0 + $1.1 * $1.0[i] }, accuracy: 1e-6 * p[i])
        }
        XCTAssertTrue(out.variant.hasPrefix("stack: "), out.variant)
        XCTAssertGreaterThan(RankCorrelation.spearman(p, held.map(\.latencyMs)), 0.85)
        let round = try PredictorFile.decode(PredictorFile.encode(out.predictor))
        XCTAssertEqual(try round.predict(archs: Array(archs.prefix(30))), try out.predictor.predict(archs: Array(archs.prefix(30))))
        // With other single families given, it stacks those; below 5 samples, with equal weights.
        let two = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: Array(train.prefix(4)), targetName: "t", id: "t",
                                              families: [.blend, .proxy, .stack], seed: 5)
        XCTAssertEqual(two.family, .stack)
        XCTAssertEqual(Set(two.fits.keys), [.blend, .proxy])
        let q = try two.predictor.predict(archs: Array(archs.prefix(20)))
        let (qb, qp) = (try two.fits[.blend]!.predict(archs: Array(archs.prefix(20))), try two.fits[.proxy]!.predict(archs: Array(archs.prefix(20))))
        for i in q.indices { XCTAssertEqual(q[i], (qb[i] + qp[i]) / 2, accuracy: 1e-6 * q[i]) }
    }

    func testOuterCrossValidationAveragesRepeatedFoldAssignments() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let pool = try lutPool(catalog, ["gold_6240", "pixel3"])
        let (train, _) = try split(catalog, device: "raspi4", k: 10)
        let reports = Mutex<[ProgressReport]>([])
        let out = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: train, targetName: "t", id: "t",
                                              families: [.blend, .proxy], seed: 3, cvRepeats: 2,
                                              control: JobControl(onProgress: { r in reports.withLock { $0.append(r) } }))
        // One counter: the outer folds, in order (the families' own progress stays inside).
        let seen = reports.withLock { $0 }
        XCTAssertEqual(seen.map(\.step), Array(1...10))
        XCTAssertTrue(seen.allSatisfy { $0.total == 10 && $0.message == "cross-validating adaptation families" }, "\(seen)")
        XCTAssertEqual(out.outOfFoldRepeats.count, 2)
        for f in [FewShotAdaptation.Family.blend, .proxy] {
            let (r0, r1) = (try XCTUnwrap(out.outOfFoldRepeats[0][f]), try XCTUnwrap(out.outOfFoldRepeats[1][f]))
            let avg = try XCTUnwrap(out.outOfFold[f])
            for i in avg.indices { XCTAssertEqual(avg[i], (r0[i] + r1[i]) / 2, accuracy: 1e-9) }
            // The score is the SRCC of the averaged out-of-fold predictions.
            let score = try XCTUnwrap(out.scores.first { $0.family == f }?.cvSRCC)
            XCTAssertEqual(score, RankCorrelation.spearman(avg, out.measured), accuracy: 1e-12)
        }
        // A second fold assignment trains on other subsets: its predictions differ.
        XCTAssertNotEqual(out.outOfFoldRepeats[0][.blend], out.outOfFoldRepeats[1][.blend])
        // The base's own latencies under the same folds (what `adapt`'s srccBefore reports): the base
        // chosen afresh in every fold scores here no better than the one all the samples elected
        // scores on them (its SRCC on its electors flatters it); a given base's do not depend on the folds.
        let electedOnAll = RankCorrelation.spearman(try pool.first { $0.name == out.base }!.predict(train.map(\.arch)), out.measured)
        XCTAssertLessThanOrEqual(try XCTUnwrap(out.baseCrossValidatedSRCC), electedOnAll + 1e-12)
        let given = try pool[1].asPredictor()
        let fixed = try FewShotAdaptation.adapt(base: given, pool: [pool[0]], samples: train, targetName: "t", id: "t",
                                                families: [.blend, .proxy], seed: 3, cvRepeats: 2)
        XCTAssertEqual(try XCTUnwrap(fixed.baseCrossValidatedSRCC),
                       RankCorrelation.spearman(try given.predict(archs: train.map(\.arch)), fixed.measured), accuracy: 1e-12)
        // Leave-one-out (5 samples) has one assignment: no repeats.
        let loo = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: Array(train.prefix(5)), targetName: "t", id: "t",
                                              families: [.blend, .proxy], seed: 3, cvRepeats: 2)
        XCTAssertEqual(loo.outOfFoldRepeats.count, 1)
    }

    func testBlendedBaseReportsItsMembersAndWeights() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let bases = try lutPool(catalog, ["gold_6240", "pixel3", "titan_rtx_1"]).map { try $0.asPredictor() }
        let (train, _) = try split(catalog, device: "raspi4", k: 20)
        let (blended, weights) = try FineTuner.blendedBaseWithWeights(bases, samples: train, id: "b")
        XCTAssertFalse(weights.isEmpty)
        XCTAssertTrue(weights.allSatisfy { $0.weight > 0 && ["gold_6240", "pixel3", "titan_rtx_1"].contains($0.member) })
        XCTAssertTrue(weights.contains { $0.member == "pixel3" }, "\(weights)")
        XCTAssertEqual(blended.notes["blend"], weights.map { "\($0.member)×\(String(format: "%.3g", $0.weight))" }.joined(separator: " + "))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
