import XCTest
import NASCore
import NASData
import NASSpaces
@testable import NASNeural
@testable import NASPredictors

/// The pairwise-interaction lookup table: synthetic recovery (named synthetic), pair choice,
/// its file coding, and its use as the NB201 pool member.
final class PairwiseModelTests: XCTestCase {
    /// Synthetic: additive costs plus an interaction of edges 0 and 3 (a conv followed by a conv
    /// is cheaper), which no additive table can express.
    func syntheticInteracting(_ a: Architecture) -> Double {
        var y = 2.0
        for (i, g) in a.genes.enumerated() { y += 0.1 * Double((i * 7 + Int(g) * 3) % 11) }
        if a.genes[0] >= 2 && a.genes[3] >= 2 { y -= 0.8 }
        return y
    }

    func testRecoversSyntheticPairwiseFunctionThatALUTCannot() throws {
        let space = try SpaceRegistry.space("nb201")
        let enc = ActiveOneHot(space: space)
        let archs = space.sample(count: 3000, seed: 11)
        let y = archs.map(syntheticInteracting)
        let model = try PairwiseModel.fit(archs: archs, latency: y, space: space, encoding: enc, ridgePerSample: 1e-7)
        XCTAssertTrue(model.isConsistent)
        let test = space.sample(count: 500, seed: 12)
        let truth = test.map(syntheticInteracting)
        let pw = try LatencyModel.pairwise(model).predict(test, space: space, encoding: enc)
        XCTAssertLessThan(RegressionMetrics(predicted: pw, actual: truth).rmse, 1e-3)
        let lut = try LUTModel.fit(archs: archs, latency: y, space: space, encoding: enc)
        let lp = try LatencyModel.lut(lut).predict(test, space: space, encoding: enc)
        XCTAssertGreaterThan(RegressionMetrics(predicted: lp, actual: truth).rmse, 0.1)
    }

    func testInteractionPairsAllThenNeighboursThenNone() {
        let nb201 = PairwiseModel.interactionPairs(cardinalities: Array(repeating: 5, count: 6))
        XCTAssertEqual(nb201.count, 2 * 15)
        XCTAssertEqual(Array(nb201.prefix(4)), [0, 1, 0, 2])
        let wide = PairwiseModel.interactionPairs(cardinalities: Array(repeating: 9, count: 12))  // all: 66 × 81 > 1,024
        XCTAssertEqual(wide, (0..<11).flatMap { [$0, $0 + 1] })
        XCTAssertEqual(PairwiseModel.interactionPairs(cardinalities: Array(repeating: 9, count: 22)), [])  // 21 × 81 > 1,024
        XCTAssertEqual(PairwiseModel.interactionPairs(cardinalities: [4]), [])
    }

    func testTooFewSamplesIsInsufficientSamples() throws {
        let space = try SpaceRegistry.space("nb201")
        let archs = space.sample(count: 100, seed: 1)
        XCTAssertThrowsError(try PairwiseModel.fit(archs: archs, latency: archs.map(syntheticInteracting), space: space,
                                                   encoding: ActiveOneHot(space: space))) {
            XCTAssertEqual(($0 as? NASError)?.kind, .insufficientSamples)
        }
    }

    func testFileRoundTripAndInconsistentShapesAreCorrupt() throws {
        let space = try SpaceRegistry.space("nb201")
        let enc = ActiveOneHot(space: space)
        let archs = space.sample(count: 1500, seed: 2)
        let model = try PairwiseModel.fit(archs: archs, latency: archs.map(syntheticInteracting), space: space, encoding: enc)
        let blend = LatencyModel.blend([.pairwise(model), .lut(LUTModel(bias: 1, costs: Array(repeating: 0.1, count: 30)))],
                                       weights: [0.7, 0.3], intercept: 0.2)
        let p = TrainedPredictor(id: "synthetic-pairwise", spaceID: "nb201", device: "synthetic", model: blend,
                                 metrics: PredictorMetrics(heldOut: RegressionMetrics(predicted: [1, 2], actual: [1, 2]),
                                                           lutBaseline: nil, trainCount: 1500, testCount: 0, variant: "pairwise"),
                                 notes: [:])
        let q = try PredictorFile.decode(PredictorFile.encode(p))
        XCTAssertEqual(q, p)
        XCTAssertEqual(q.model.kindName, "blend(pairwise,lut)")
        let test = space.sample(count: 40, seed: 3)
        XCTAssertEqual(try q.predict(archs: test), try p.predict(archs: test))
        // A pair block that does not match the cardinalities is a corrupt file, not a trap.
        var bad = model
        bad.pairCosts.removeLast()
        XCTAssertFalse(bad.isConsistent)
        var broken = p
        broken.model = .pairwise(bad)
        XCTAssertThrowsError(try PredictorFile.decode(PredictorFile.encode(broken))) {
            XCTAssertEqual(($0 as? NASError)?.kind, .corruptFile)
        }
        // Fitted for another space's shape: predictions are NaN, never an out-of-range read.
        let other = try SpaceRegistry.space("fbnet")
        let v = try LatencyModel.pairwise(model).predict(other.sample(count: 2, seed: 1), space: other,
                                                         encoding: ActiveOneHot(space: other))
        XCTAssertTrue(v.allSatisfy { $0.isNaN || $0 == 1e-6 })
    }

    func testNB201PoolMembersArePairwiseAndFitEveryDevice() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let pool = try FixturePool.models(catalog: catalog, space: "nb201", excluding: [])
        XCTAssertEqual(pool.count, catalog.deviceNames(space: "nb201").count)
        XCTAssertTrue(pool.allSatisfy { $0.model?.kindName == "pairwise" }, pool.map { $0.model?.kindName ?? "-" }.description)
        // On a device with non-additive latencies (eagle_gtx), the pairwise member ranks its own
        // measurements better than a LUT fitted on the same data.
        let m = try catalog.measurements(space: "nb201", device: "eagle_gtx")
        let space = try SpaceRegistry.space("nb201")
        let gtx = try XCTUnwrap(pool.first { $0.name == "eagle_gtx" })
        let lut = try LUTModel.fit(archs: m.archs, latency: m.latency, space: space, encoding: ActiveOneHot(space: space))
        let lutPred = try LatencyModel.lut(lut).predict(m.archs, space: space, encoding: ActiveOneHot(space: space))
        XCTAssertGreaterThan(RankCorrelation.spearman(try gtx.predict(m.archs), m.latency),
                             RankCorrelation.spearman(lutPred, m.latency) + 0.02)
    }
}
