import XCTest
import NASCore
import NASData
import NASSpaces
@testable import NASNeural
@testable import NASPredictors

/// `auto`'s race: the trainer's validation monitor, the stop rule, and a raced `auto` fit.
final class AutoRaceTests: XCTestCase {
    static let catalog: DataCatalog? = (try? FixturesLocator.locate()).map { DataCatalog(fixturesDirectory: $0) }

    static func data(rows: Int, seed: UInt64) -> (FloatMatrix, [Float]) {
        var rng = SeededGenerator(seed: seed)
        var x = FloatMatrix(rows: rows, cols: 8)
        var y: [Float] = []
        for r in 0..<rows {
            var s: Float = 0
            for c in 0..<8 {
                let v = Float(rng.next() % 1000) / 1000
                x[r, c] = v
                s += Float(c + 1) * v * v
            }
            y.append(s / 10)
        }
        return (x, y)
    }

    func testMonitorSeesValidationOutputsAndStopsWithTheBestWeights() throws {
        let (x, y) = Self.data(rows: 160, seed: 1)
        let (vx, vy) = Self.data(rows: 40, seed: 2)
        let config = MLPTrainingConfig(hidden: [16, 16], learningRate: 3e-3, batchSize: 32, maxEpochs: 12, patience: 50, seed: 3)
        let (plain, plainHistory) = try MLPTrainer.train(x: x, y: y, validation: (vx, vy), config: config, initial: nil, control: .none)
        var seen: [(Int, Bool, [Float])] = []
        let (watched, watchedHistory) = try MLPTrainer.train(x: x, y: y, validation: (vx, vy), config: config, initial: nil, control: .none,
                                                             monitor: { seen.append(($0, $1, Array($2))); return false })
        XCTAssertEqual(watched, plain, "a monitor that never stops changes no weight")
        XCTAssertEqual(watchedHistory, plainHistory)
        XCTAssertEqual(seen.map(\.0), Array(1...12))
        // The outputs of the best epoch are the returned network's predictions on the validation rows.
        let bestOutputs = try XCTUnwrap(seen.last { $0.1 }).2
        XCTAssertEqual(bestOutputs, watched.predict(vx))
        XCTAssertEqual(seen.last { $0.1 }?.0, plainHistory.bestEpoch)

        // Stopping at epoch 5 returns the best weights of epochs 1...5.
        let (stopped, stoppedHistory) = try MLPTrainer.train(x: x, y: y, validation: (vx, vy), config: config, initial: nil,
                                                             control: .none, monitor: { epoch, _, _ in epoch == 5 })
        XCTAssertEqual(stoppedHistory.epochs, 5)
        var five = config
        five.maxEpochs = 5
        XCTAssertEqual(stopped, try MLPTrainer.train(x: x, y: y, validation: (vx, vy), config: five, initial: nil, control: .none).0)
    }

    func testRaceRuleUsesTheResidualOnlyOnceItHasEndedByThatEpoch() {
        let rule = AutoRace(minEpochs: 3, ratio: 1.5)
        let race = CandidateRace(lutRMSE: 1.0, rule: rule)
        // Before minEpochs: never.
        race.residualEpoch(1)
        race.residualEpoch(2)
        race.residualEpoch(3)
        race.residualEpoch(4)
        XCTAssertFalse(race.mlpShouldStop(epoch: 2, rmse: 100))
        // The residual went on after epoch 3: the LUT alone is the rival at 3 (bar 1.5 × 0.99).
        XCTAssertFalse(race.mlpShouldStop(epoch: 3, rmse: 1.48))
        XCTAssertTrue(race.mlpShouldStop(epoch: 3, rmse: 1.49))
        // It ended after 5 epochs with 0.5: the rival from epoch 5 on, not before.
        race.residualEnded(epochs: 5, rmse: 0.5)
        XCTAssertFalse(race.mlpShouldStop(epoch: 4, rmse: 1.0))
        XCTAssertTrue(race.mlpShouldStop(epoch: 5, rmse: 1.0))
        XCTAssertFalse(race.mlpShouldStop(epoch: 5, rmse: 0.74))
        // A failed residual leaves the LUT as the rival.
        let failed = CandidateRace(lutRMSE: 1.0, rule: rule)
        failed.residualEnded(epochs: 0, rmse: nil)
        XCTAssertFalse(failed.mlpShouldStop(epoch: 9, rmse: 1.4))
        XCTAssertFalse(CandidateRace(lutRMSE: 1.0, rule: .off).mlpShouldStop(epoch: 1_000, rmse: 1e9))
    }

    /// The first `count` FBNet measurements of `device`.
    static func fbnet(device: String, count: Int) throws -> (space: any SearchSpace, archs: [Architecture], latency: [Double]) {
        let catalog = try XCTUnwrap(Self.catalog, "fixtures not found")
        let m = try catalog.measurements(space: "fbnet", device: device)
        return (try SpaceRegistry.space("fbnet"), Array(m.archs.prefix(count)), Array(m.latency.prefix(count)))
    }

    static let smallConfig = MLPTrainingConfig(hidden: [32, 32], learningRate: 2e-3, batchSize: 32, maxEpochs: 25, patience: 10, seed: 1)

    func testRacedAutoStopsTheLosingMLPAndKeepsTheOtherCandidates() throws {
        let (space, archs, latency) = try Self.fbnet(device: "pixel3", count: 300)
        let config = Self.smallConfig
        let full = try PredictorTrainer.fit(kind: .auto, archs: archs, latency: latency, space: space, config: config,
                                            control: .none, race: .off)
        XCTAssertNil(full.mlpStoppedAt)
        // pixel3's FBNet latencies are sums of block tables: the LUT is near-exact, the MLP far behind.
        let raced = try PredictorTrainer.fit(kind: .auto, archs: archs, latency: latency, space: space, config: config,
                                             control: .none, race: AutoRace(minEpochs: 4, ratio: 1.5, exactTableWins: false))
        XCTAssertEqual(raced.mlpStoppedAt, 4)
        XCTAssertEqual(raced.epochs["mlp"], 4)
        XCTAssertEqual(raced.mlpTrace, Array(full.mlpTrace.prefix(4)))
        XCTAssertEqual(raced.variant, full.variant)
        XCTAssertNotEqual(raced.variant, "mlp")
        XCTAssertEqual(raced.model, full.model)
        XCTAssertEqual(raced.candidates["lut+mlp"], full.candidates["lut+mlp"])
        XCTAssertEqual(raced.validationRMSE["lut"], full.validationRMSE["lut"])
        XCTAssertEqual(raced.validationRMSE["lut+mlp"], full.validationRMSE["lut+mlp"])
    }

    func testAnExactTableTrainsNoNetwork() throws {
        // HW-NAS-Bench's FBNet pixel3 latencies are sums of block tables: the LUT's validation RMSE
        // is ~3e-6 of the mean latency. Its residual network fitted rounding for up to 167 epochs.
        // (900 samples, as the default: on 300 the table of 198 costs is not yet determined.)
        let (space, archs, latency) = try Self.fbnet(device: "pixel3", count: 900)
        let config = Self.smallConfig
        let fit = try PredictorTrainer.fit(kind: .auto, archs: archs, latency: latency, space: space, config: config, control: .none)
        XCTAssertEqual(fit.variant, "lut")
        XCTAssertEqual(fit.epochs, [:])
        XCTAssertEqual(Set(fit.candidates.keys), ["lut"])
        let mean = latency.reduce(0, +) / Double(latency.count)
        XCTAssertLessThanOrEqual(try XCTUnwrap(fit.validationRMSE["lut"]), PredictorTrainer.exactTableTolerance * mean)
        let table = LatencyModel.lut(try LUTModel.fit(archs: archs, latency: latency, space: space, encoding: ActiveOneHot(space: space)))
        XCTAssertTrue(fit.model == table, "the table refitted on every sample")
        // Without the shortcut the networks train; a device whose table is not exact trains them too.
        let full = try PredictorTrainer.fit(kind: .auto, archs: archs, latency: latency, space: space, config: config,
                                            control: .none, race: .off)
        XCTAssertGreaterThan(full.epochs["lut+mlp"] ?? 0, 0)
        let g = try Self.fbnet(device: "gold_6226", count: 900)
        let gold = try PredictorTrainer.fit(kind: .auto, archs: g.archs, latency: g.latency, space: space, config: config, control: .none)
        XCTAssertGreaterThan(gold.epochs["lut+mlp"] ?? 0, 0)
    }
}
