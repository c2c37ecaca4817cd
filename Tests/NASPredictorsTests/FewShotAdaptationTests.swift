import XCTest
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

    func testOuterCrossValidationAveragesRepeatedFoldAssignments() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let pool = try lutPool(catalog, ["gold_6240", "pixel3"])
        let (train, _) = try split(catalog, device: "raspi4", k: 10)
        let out = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: train, targetName: "t", id: "t",
                                              families: [.blend, .proxy], seed: 3, cvRepeats: 2)
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
