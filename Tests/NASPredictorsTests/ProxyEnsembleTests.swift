import XCTest
import NASCore
import NASData
import NASSpaces
@testable import NASPredictors

/// Issue 16: `adaptProxy` without a proxy, the mean of the closest pool members' adaptations.
final class ProxyEnsembleTests: XCTestCase {
    func testEnsembleOfTheThreeClosestIsItsOwnCrossValidatedSavablePredictor() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let space = try SpaceRegistry.space("nb201")
        // Small LUT pool members (500 measurements each) and 12 samples of a device outside it.
        var pool: [ProxyLatencyModel] = []
        for d in ["titan_rtx_1", "pixel3", "raspi4", "gold_6240"] {
            let m = try catalog.measurements(space: "nb201", device: d)
            let lut = try LUTModel.fit(archs: Array(m.archs.prefix(500)), latency: Array(m.latency.prefix(500)), space: space,
                                       encoding: ActiveOneHot(space: space))
            pool.append(.model(.lut(lut), name: d, space: space))
        }
        let eyeriss = try catalog.measurements(space: "nb201", device: "eyeriss")
        let rows = Array(stride(from: 3, to: eyeriss.archs.count, by: eyeriss.archs.count / 12).prefix(12))
        let samples = rows.map { LatencySample(arch: eyeriss.archs[$0], latencyMs: eyeriss.latency[$0]) }
        let held = Array(stride(from: 5, to: eyeriss.archs.count, by: 97)).map { eyeriss.archs[$0] }

        let r = try ProxyEnsemble.adapt(pool: pool, samples: samples, targetName: "eyeriss-mine", id: "eyeriss-mine", seed: 1)
        let closest = try SampleSuggester.closestMembers(pool, samples: samples, count: 3)
        XCTAssertEqual(r.members.map(\.proxy.name), closest.map { pool[$0].name })
        XCTAssertEqual(try SampleSuggester.closestMember(pool, samples: samples), closest[0])
        // The saved model (blend of the members' trees, 1/3 each) predicts what the in-memory ensemble does.
        let predictor = try XCTUnwrap(r.predictor)
        let saved = try predictor.predict(archs: held), memory = try r.predict(held)
        for (a, b) in zip(saved, memory) { XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b))) }
        guard case .blend(let trees, let weights, 0, 0) = predictor.model else { return XCTFail("\(predictor.model.kindName)") }
        XCTAssertEqual(trees.count, 3)
        XCTAssertEqual(weights, [1.0 / 3, 1.0 / 3, 1.0 / 3])
        // Its cross-validated SRCC is the ensemble's own: the mean of the members' out-of-fold predictions.
        let dropped = Set(r.outliers.map(\.index))
        let kept = samples.indices.filter { !dropped.contains($0) }
        var oof = [Double](repeating: 0, count: samples.count)
        for m in r.members {
            let own = Set(m.result.outliers.map(\.index))
            for (k, i) in samples.indices.filter({ !own.contains($0) }).enumerated() { oof[i] += max(m.result.outOfFold[k], 1e-6) / 3 }
        }
        let expected = RankCorrelation.spearman(kept.map { oof[$0] }, kept.map { samples[$0].latencyMs })
        XCTAssertEqual(r.srccAfter, expected, accuracy: 1e-12)
        XCTAssertEqual(r.crossValidated?.count, kept.count)
        XCTAssertEqual(predictor.metrics.crossValidated?.spearman ?? .nan, expected, accuracy: 1e-12)
        XCTAssertNotEqual(r.srccAfter, r.members[0].result.srccAfter, "the ensemble's own SRCC, not its first member's")
        XCTAssertEqual(r.evaluation, "crossValidated")
        // srccBefore is judged as srccAfter is: the closest proxy's raw latencies out of fold, the
        // proxy elected afresh from each fold's training samples (here the same one in every fold).
        let folds = ProxyAdaptation.foldAssignment(count: kept.count, folds: 5, seed: 1)
        var elected = [Double](repeating: 0, count: kept.count)
        for test in folds {
            let train = kept.indices.filter { !test.contains($0) }.map { samples[kept[$0]] }
            let v = try pool[SampleSuggester.closestMember(pool, samples: train)].predict(test.map { samples[kept[$0]].arch })
            for (k, i) in test.enumerated() { elected[i] = v[k] }
        }
        XCTAssertEqual(r.srccBefore, RankCorrelation.spearman(elected, kept.map { samples[$0].latencyMs }), accuracy: 1e-12)
        // Interval profile and residual summary are saved; moreSamples starts at the ensemble's own level.
        XCTAssertNotNil(predictor.fewSampleResiduals)
        XCTAssertNotNil(predictor.notes[ErrorProfile.notesKey])
        let more = try XCTUnwrap(r.moreSamples)
        XCTAssertEqual(more.currentSRCC, r.srccAfter, accuracy: 1e-12)
        XCTAssertEqual(more.count, 12)
        XCTAssertEqual(predictor.notes["proxies"], closest.map { pool[$0].name }.joined(separator: ","))
        // One member: the closest proxy's adaptation alone.
        let one = try ProxyEnsemble.adapt(pool: pool, samples: samples, members: 1, targetName: "t", id: "t", seed: 1)
        XCTAssertEqual(one.members.map(\.proxy.name), [pool[closest[0]].name])
        let alone = try one.members[0].result.predictor.predict(held)
        XCTAssertEqual(try one.predict(held), alone.map { max($0, 1e-6) })
        // Where the folds elect different proxies, srccBefore is no longer the elected proxy's SRCC on
        // its electors (which flattered it): on pixel2's samples here, 2 of 4 offsets do.
        let pixel2 = try catalog.measurements(space: "nb201", device: "pixel2")
        var differs = 0
        for offset in 0..<4 {
            let s2 = stride(from: 7 + offset, to: pixel2.archs.count, by: 1301).prefix(12).map { LatencySample(arch: pixel2.archs[$0], latencyMs: pixel2.latency[$0]) }
            let e = try ProxyEnsemble.adapt(pool: pool, samples: Array(s2), members: 1, targetName: "t", id: "t", seed: 2)
            if abs(e.srccBefore - e.members[0].result.srccBefore) > 1e-9 { differs += 1 }
        }
        XCTAssertEqual(differs, 2)
        XCTAssertThrowsError(try ProxyEnsemble.adapt(pool: [], samples: samples, targetName: "t", id: "t"))
        XCTAssertThrowsError(try ProxyEnsemble.adapt(pool: pool, samples: Array(samples.prefix(2)), targetName: "t", id: "t"))
    }
}
