import XCTest
import NASCore
import NASSpaces
@testable import NASNeural
@testable import NASPredictors

/// The lookup table's live-path copy (recipe 7): a second cost per (decision, option) for the
/// decisions on a data path, which prices a runtime that prunes dead operations.
final class LiveLUTTests: XCTestCase {
    func testTheCopyFitsAPruningRuntimeAndItsFileKeepsIt() throws {
        let space = try SpaceRegistry.space("nb201")
        let enc = ActiveOneHot(space: space)
        let all = try XCTUnwrap(space.enumerateAll())
        let archs = space.nonDegenerateIndices(all).map { all[$0] }
        let train = stride(from: 0, to: archs.count, by: 7).map { archs[$0] }
        let test = stride(from: 3, to: archs.count, by: 7).map { archs[$0] }
        let y = train.map { syntheticPrunedLatency($0, space: space) }, truth = test.map { syntheticPrunedLatency($0, space: space) }
        let live = try LUTModel.fit(archs: train, latency: y, space: space, encoding: enc, livePathCopy: true)
        let plain = try LUTModel.fit(archs: train, latency: y, space: space, encoding: enc)
        XCTAssertTrue(live.hasLivePathCopy)
        XCTAssertEqual(live.liveCosts.count, enc.dimension)
        XCTAssertFalse(plain.hasLivePathCopy)
        let livePred = live.predict(test, space: space, encoding: enc)
        XCTAssertLessThan(RegressionMetrics(predicted: livePred, actual: truth).rmse, 1e-3)
        XCTAssertGreaterThan(RegressionMetrics(predicted: plain.predict(test, space: space, encoding: enc), actual: truth).rmse, 0.05)
        // The column-list form (plain columns, then the copy's past them) sums the same costs.
        for a in test.prefix(20) {
            var cols = enc.activeColumns(a, space: space)
            LUTModel.appendLiveColumns(a, space: space, encoding: enc, into: &cols)
            XCTAssertEqual(live.predict(activeColumns: cols), live.predict([a], space: space, encoding: enc)[0], accuracy: 1e-12)
        }
        // Files: the table (tag 15) and a residual model on it (tag 16) read back as written; a
        // copy cut short is a corrupt file.
        var config = MLPTrainingConfig()
        config.maxEpochs = 3
        let net = try NeuralRegressor.train(x: enc.encode(train, space: space), y: y.map { _ in 0.01 }, validation: nil,
                                            transform: .standardized, config: config, control: .none).0
        for model in [LatencyModel.lut(live), .residual(live, net)] {
            let p = TrainedPredictor(id: "live-lut", spaceID: "nb201", device: "synthetic", model: model,
                                     metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: train.count, testCount: 0,
                                                               variant: model.kindName), notes: [:])
            let q = try PredictorFile.decode(PredictorFile.encode(p))
            XCTAssertEqual(q, p)
            XCTAssertEqual(try q.predict(archs: Array(test.prefix(50))), try p.predict(archs: Array(test.prefix(50))))
            var short = live
            short.liveCosts.removeLast()
            var broken = p
            broken.model = model.kindName == "lut" ? .lut(short) : .residual(short, net)
            XCTAssertThrowsError(try PredictorFile.decode(PredictorFile.encode(broken))) {
                XCTAssertEqual(($0 as? NASError)?.kind, .corruptFile, "\($0)")
            }
        }
        // A chain space has no dead operations: no copy is fitted there.
        let fbnet = try SpaceRegistry.space("fbnet")
        let f = fbnet.sample(count: 300, seed: 4)
        XCTAssertFalse(try LUTModel.fit(archs: f, latency: f.map { Double($0.genes.reduce(0, +)) }, space: fbnet,
                                        encoding: ActiveOneHot(space: fbnet), livePathCopy: true).hasLivePathCopy)
    }

    func testAutoUsesTheCopyWhereItValidatesBetterAndSaysSo() throws {
        let space = try SpaceRegistry.space("nb201")
        let all = try XCTUnwrap(space.enumerateAll())
        let archs = space.nonDegenerateIndices(all).map { all[$0] }
        let train = stride(from: 0, to: archs.count, by: 10).map { archs[$0] }  // 1,529 cells
        var config = MLPTrainingConfig()
        config.hidden = [32]
        config.maxEpochs = 5
        let fit = try PredictorTrainer.fit(kind: .auto, archs: train, latency: train.map { syntheticPrunedLatency($0, space: space) }, space: space,
                                           config: config, control: .none)
        // The plain table's validation error is reported beside the live one's; a live table this much
        // better (under `plainResidualTableRatio` of the plain one's error) gets the only residual network.
        let plainRMSE = try XCTUnwrap(fit.validationRMSE[PredictorTrainer.plainLUTScoreKey])
        let liveRMSE = try XCTUnwrap(fit.validationRMSE["lut"])
        XCTAssertLessThan(liveRMSE, 0.05 * plainRMSE)
        XCTAssertNil(fit.validationRMSE[PredictorTrainer.plainBaseResidualScoreKey])
        switch fit.model {
        case .lut(let table): XCTAssertTrue(table.hasLivePathCopy, "the chosen table is refitted with its copy")
        case .residual(let base, _): XCTAssertTrue(base.hasLivePathCopy, "the residual network on the better table")
        default: XCTFail("chose \(fit.variant): \(fit.validationRMSE)")
        }
        // An interaction neither table prices leaves the live table only somewhat better: the residual
        // network is fitted on both tables, and both are reported.
        let mixed = train.map { a in syntheticPrunedLatency(a, space: space) + 2.0 * Double((Int(a.genes[1]) * Int(a.genes[4])) % 3) }
        let mixedFit = try PredictorTrainer.fit(kind: .auto, archs: train, latency: mixed, space: space, config: config, control: .none)
        let ratio = try XCTUnwrap(mixedFit.validationRMSE["lut"]) / XCTUnwrap(mixedFit.validationRMSE[PredictorTrainer.plainLUTScoreKey])
        XCTAssertTrue(ratio > PredictorTrainer.plainResidualTableRatio && ratio < 0.99, "live/plain \(ratio): \(mixedFit.validationRMSE)")
        XCTAssertNotNil(mixedFit.validationRMSE[PredictorTrainer.plainBaseResidualScoreKey], "\(mixedFit.validationRMSE)")
        // Measurements a plain table prices exactly (GPU-like: every operation runs) keep it plain.
        let additive = train.map { a in a.genes.enumerated().reduce(0.1) { $0 + 0.1 * Double(($1.offset + 2 * Int($1.element)) % 5) } }
        let plainFit = try PredictorTrainer.fit(kind: .auto, archs: train, latency: additive, space: space, config: config, control: .none)
        XCTAssertNil(plainFit.validationRMSE[PredictorTrainer.plainBaseResidualScoreKey])
        switch plainFit.model {
        case .lut(let table), .residual(let table, _): XCTAssertFalse(table.hasLivePathCopy)
        default: break
        }
    }
}
