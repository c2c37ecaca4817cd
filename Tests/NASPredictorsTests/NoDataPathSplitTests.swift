import XCTest
import NASCore
import NASData
import NASSpaces
@testable import NASNeural
@testable import NASPredictors

/// NB201 cells without a data path, and the default trainer's split model for them.
final class NoDataPathSplitTests: XCTestCase {
    func testNB201CellsWithoutADataPath() throws {
        let space = try SpaceRegistry.space("nb201")
        XCTAssertEqual(space.enumerateAll()!.filter { space.hasNoDataPath($0) }.count, 341)
        XCTAssertTrue(space.hasNoDataPath(try space.parse("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")))
        // Node 1 is fed but leads nowhere; node 3 only hears node 1 through a none edge.
        XCTAssertTrue(space.hasNoDataPath(try space.parse("|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|")))
        XCTAssertFalse(space.hasNoDataPath(try space.parse("|skip_connect~0|+|none~0|skip_connect~1|+|none~0|none~1|nor_conv_1x1~2|")))
        let fbnet = try SpaceRegistry.space("fbnet")
        XCTAssertFalse(fbnet.sample(count: 20, seed: 1).contains { fbnet.hasNoDataPath($0) })
    }

    func testDataPathDecisionsAndLiveCounts() throws {
        let space = try SpaceRegistry.space("nb201")
        // Edges (1←0) conv3x3, (2←0) none, (2←1) none, (3←0) skip, (3←1) none, (3←2) conv1x1:
        // node 2 is never fed, so its conv1x1 to the output is dead; node 1 leads nowhere, so
        // the conv3x3 into it is dead too; only the skip from the input reaches the output.
        let a = try space.parse("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|")
        XCTAssertEqual(space.dataPathDecisions(a), [false, false, false, true, false, false])
        let b = try space.parse("|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|nor_conv_1x1~2|")
        XCTAssertEqual(space.dataPathDecisions(b), [true, false, true, false, false, true])
        // Every cell without a data path has no live edge, and every cell with one has some.
        for cell in space.enumerateAll()! {
            let live = try XCTUnwrap(space.dataPathDecisions(cell))
            XCTAssertEqual(live.contains(true), !space.hasNoDataPath(cell))
        }
        // Live counts: dead edges count as none (option 0); the totals stay 6.
        let counts = OptionCountFeatures(space: space)
        var all = [Double](repeating: 0, count: counts.dimension), live = all
        counts.accumulate(a, space: space, into: &all)
        counts.accumulateLive(a, space: space, into: &live)
        XCTAssertEqual(all, [3, 1, 1, 1, 0])   // none, skip, conv1x1, conv3x3, avgpool
        XCTAssertEqual(live, [5, 1, 0, 0, 0])
        // Chains have no dead operations: live counts are the counts.
        let fbnet = try SpaceRegistry.space("fbnet")
        let f = fbnet.sample(count: 1, seed: 2)[0]
        XCTAssertNil(fbnet.dataPathDecisions(f))
        let fc = OptionCountFeatures(space: fbnet)
        var x = [Double](repeating: 0, count: fc.dimension), y = x
        fc.accumulate(f, space: fbnet, into: &x)
        fc.accumulateLive(f, space: fbnet, into: &y)
        XCTAssertEqual(x, y)
    }

    func testSplitModelRoutesEachRegimeAndRoundTrips() throws {
        let space = try SpaceRegistry.space("nb201")
        let enc = ActiveOneHot(space: space)
        let model = LatencyModel.split(.lut(LUTModel(bias: 5, costs: Array(repeating: 0, count: 30))),
                                       noPath: .lut(LUTModel(bias: 0.5, costs: Array(repeating: 0, count: 30))))
        let archs = space.enumerateAll()!
        let p = try model.predict(archs, space: space, encoding: enc)
        for (a, v) in zip(archs, p) { XCTAssertEqual(v, space.hasNoDataPath(a) ? 0.5 : 5) }
        let trained = TrainedPredictor(id: "synthetic-split", spaceID: "nb201", device: "synthetic", model: model,
                                       metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: 0, testCount: 0, variant: "lut"),
                                       notes: [:])
        XCTAssertEqual(try PredictorFile.decode(PredictorFile.encode(trained)), trained)
        XCTAssertEqual(model.kindName, "lut")
    }

    func testSplitIsChosenWhereTheRuntimePrunesAndNotOnAGPU() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let space = try SpaceRegistry.space("nb201")
        let enc = ActiveOneHot(space: space)
        func helps(_ device: String) throws -> Bool {
            let m = try catalog.measurements(space: "nb201", device: device)
            var order = Array(0..<m.archs.count)
            var rng = SeededGenerator(seed: 3)
            order.seededShuffle(using: &rng)
            let idx = order.prefix(1000)
            let archs = idx.map { m.archs[$0] }, y = idx.map { m.latency[$0] }
            let none = Set(archs.indices.filter { space.hasNoDataPath(archs[$0]) })
            return PredictorTrainer.noPathSplitHelps(archs: archs, latency: y, noPath: none, space: space, encoding: enc, seed: 0)
        }
        XCTAssertTrue(try helps("raspi4"))    // some no-path cells timed at 0.01 ms, others like ordinary cells
        XCTAssertFalse(try helps("1080ti_1")) // no-path cells cost like any other cell
    }
}
