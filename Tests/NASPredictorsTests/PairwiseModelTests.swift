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

    /// Saves `model` in a predictor file and reads it back: the same predictor and predictions on
    /// `archs`; the same file holding `corrupted` (an inconsistent pairwise model) in its place is
    /// `.corruptFile`. Returns the predictor read back.
    @discardableResult
    func assertFileRoundTrip(_ model: LatencyModel, archs: [Architecture], corrupted: PairwiseModel,
                             file: StaticString = #filePath, line: UInt = #line) throws -> TrainedPredictor {
        let p = TrainedPredictor(id: "synthetic-pairwise", spaceID: "nb201", device: "synthetic", model: model,
                                 metrics: PredictorMetrics(heldOut: RegressionMetrics(predicted: [1, 2], actual: [1, 2]),
                                                           lutBaseline: nil, trainCount: 1500, testCount: 0, variant: "pairwise"),
                                 notes: [:])
        let q = try PredictorFile.decode(PredictorFile.encode(p))
        XCTAssertEqual(q, p, file: file, line: line)
        XCTAssertEqual(try q.predict(archs: archs), try p.predict(archs: archs), file: file, line: line)
        XCTAssertFalse(corrupted.isConsistent, file: file, line: line)
        var broken = p
        broken.model = .pairwise(corrupted)
        XCTAssertThrowsError(try PredictorFile.decode(PredictorFile.encode(broken)), file: file, line: line) {
            XCTAssertEqual(($0 as? NASError)?.kind, .corruptFile, file: file, line: line)
        }
        return q
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
        // A pair block that does not match the cardinalities is a corrupt file, not a trap.
        var bad = model
        bad.pairCosts.removeLast()
        let q = try assertFileRoundTrip(blend, archs: space.sample(count: 40, seed: 3), corrupted: bad)
        XCTAssertEqual(q.model.kindName, "blend(pairwise,lut)")
        // Fitted for another space's shape: predictions are NaN, never an out-of-range read.
        let other = try SpaceRegistry.space("fbnet")
        let v = try LatencyModel.pairwise(model).predict(other.sample(count: 2, seed: 1), space: other,
                                                         encoding: ActiveOneHot(space: other))
        XCTAssertTrue(v.allSatisfy { $0.isNaN || $0 == 1e-6 })
    }

    func testNB201PoolMembersArePairwiseAndFitEveryDevice() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let pool = try FixturePool.models(catalog: catalog, space: "nb201", excluding: [])
        XCTAssertEqual(pool.count, catalog.publishedDeviceNames(space: "nb201").count)
        XCTAssertEqual(catalog.publishedDeviceNames(space: "nb201").count, catalog.deviceNames(space: "nb201").count - 1)
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

    func testLivePathCopyFitsAPruningRuntimeThatThePlainModelCannot() throws {
        let space = try SpaceRegistry.space("nb201")
        let enc = ActiveOneHot(space: space)
        let archs = try XCTUnwrap(space.enumerateAll())
        let train = stride(from: 0, to: archs.count, by: 3).map { archs[$0] }
        let y = train.map { syntheticPrunedLatency($0, space: space) }
        XCTAssertTrue(PairwiseModel.showsPrunedDeadPaths(archs: train, latency: y, space: space))
        let live = try PairwiseModel.fit(archs: train, latency: y, space: space, encoding: enc, ridgePerSample: 1e-7,
                                         livePathCopy: true)
        let plain = try PairwiseModel.fit(archs: train, latency: y, space: space, encoding: enc, ridgePerSample: 1e-7)
        XCTAssertTrue(live.hasLivePathCopy && live.isConsistent)
        XCTAssertFalse(plain.hasLivePathCopy)
        // The copy's floor: the fastest training cell with a data path (the plain model has none).
        let liveTrain = train.indices.filter { !space.hasNoDataPath(train[$0]) }.map { y[$0] }
        XCTAssertEqual(live.liveFloor, try XCTUnwrap(liveTrain.min()))
        XCTAssertEqual(plain.liveFloor, 0)
        let test = stride(from: 1, to: archs.count, by: 3).map { archs[$0] }
        let truth = test.map { syntheticPrunedLatency($0, space: space) }
        let livePred = try LatencyModel.pairwise(live).predict(test, space: space, encoding: enc)
        let plainPred = try LatencyModel.pairwise(plain).predict(test, space: space, encoding: enc)
        XCTAssertLessThan(RegressionMetrics(predicted: livePred, actual: truth).rmse, 1e-3)
        XCTAssertGreaterThan(RegressionMetrics(predicted: plainPred, actual: truth).rmse, 0.05)
        // The file keeps the copy (its own tag); a copy cut short is a corrupt file.
        var bad = live
        bad.livePairCosts.removeLast()
        try assertFileRoundTrip(.pairwise(live), archs: Array(test.prefix(50)), corrupted: bad)
        // A copy without a floor (the files written before it, tag 12) still reads as it was.
        var unfloored = live
        unfloored.liveFloor = 0
        try assertFileRoundTrip(.pairwise(unfloored), archs: Array(test.prefix(50)), corrupted: bad)
        // A chain space has no dead operations: the copy is not fitted there.
        let fbnet = try SpaceRegistry.space("fbnet")
        let fArchs = fbnet.sample(count: 400, seed: 4)
        let fEnc = ActiveOneHot(space: fbnet)
        let f = try PairwiseModel.fit(archs: fArchs, latency: fArchs.map { Double($0.genes.reduce(0, +)) }, space: fbnet,
                                      encoding: fEnc, pairs: [], livePathCopy: true)
        XCTAssertFalse(f.hasLivePathCopy)
    }

    func testOnlyThePruningPhonesGetTheLivePathCopyInTheNB201Pool() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let space = try SpaceRegistry.space("nb201")
        var pruning: [String] = []
        for device in catalog.publishedDeviceNames(space: "nb201") {
            let m = try catalog.measurements(space: "nb201", device: device)
            if PairwiseModel.showsPrunedDeadPaths(archs: m.archs, latency: m.latency, space: space) { pruning.append(device) }
        }
        XCTAssertTrue(Set(["pixel3", "raspi4"]).isSubset(of: Set(pruning)), pruning.description)
        XCTAssertFalse(pruning.contains { $0.contains("1080ti") || $0.contains("gold") || $0 == "pixel2" }, pruning.description)
        // Three members (a whole pool is fitted by testNB201PoolMembersArePairwiseAndFitEveryDevice).
        let others = Set(catalog.publishedDeviceNames(space: "nb201")).subtracting(["raspi4", "pixel3", "1080ti_1"])
        let pool = try FixturePool.models(catalog: catalog, space: "nb201", excluding: others)
        XCTAssertEqual(pool.count, 3)
        for member in pool {
            guard case .pairwise? = member.model else { return XCTFail("\(member.name) is not pairwise") }
            XCTAssertEqual(member.hasLivePathCopy, pruning.contains(member.name), member.name)
        }
        // Fitted the other way from those models: only the phones are refitted, and every model
        // is the one a fit from scratch gives.
        let plainPool = try FixturePool.models(catalog: catalog, space: "nb201", excluding: others, livePathCopies: false)
        let plainReusing = try FixturePool.models(catalog: catalog, space: "nb201", excluding: others, livePathCopies: false,
                                                  reusing: pool)
        XCTAssertEqual(plainReusing.map(\.name), plainPool.map(\.name))
        XCTAssertEqual(plainReusing.map(\.model), plainPool.map(\.model))
        XCTAssertFalse(plainReusing.contains(where: \.hasLivePathCopy))
        let liveReusing = try FixturePool.models(catalog: catalog, space: "nb201", excluding: others, reusing: plainPool)
        XCTAssertEqual(liveReusing.map(\.model), pool.map(\.model))
        // The phones' tables price no cell with a data path below the fastest such cell they
        // measured (pixel3's pairwise sums alone went down to 0.05 ms, against 1.05 ms measured);
        // cells without one keep their own, near-0 prices.
        for phone in ["pixel3", "raspi4"] {
            let member = try XCTUnwrap(pool.first { $0.name == phone })
            let mm = try catalog.measurements(space: "nb201", device: phone)
            let (withPath, noPath) = space.dataPathPartition(mm.archs)
            let fastest = try XCTUnwrap(withPath.map { mm.latency[$0] }.min())
            guard case .pairwise(let pm)? = member.model else { return XCTFail(phone) }
            XCTAssertEqual(pm.liveFloor, fastest, phone)
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(try member.predict(withPath.map { mm.archs[$0] }).min()), fastest, phone)
            XCTAssertLessThan(try XCTUnwrap(try member.predict(noPath.map { mm.archs[$0] }).min()), 0.5 * fastest, phone)
        }
        guard case .pairwise(let gpu)? = pool.first(where: { $0.name == "1080ti_1" })?.model else { return XCTFail("1080ti_1") }
        XCTAssertEqual(gpu.liveFloor, 0)
        // raspi4's own measurements: the copy ranks them better than the plain model.
        let m = try catalog.measurements(space: "nb201", device: "raspi4")
        let withCopy = try XCTUnwrap(pool.first { $0.name == "raspi4" })
        let plain = try XCTUnwrap(plainPool.first { $0.name == "raspi4" })
        XCTAssertGreaterThan(RankCorrelation.spearman(try withCopy.predict(m.archs), m.latency),
                             RankCorrelation.spearman(try plain.predict(m.archs), m.latency) + 0.003)
    }
}
