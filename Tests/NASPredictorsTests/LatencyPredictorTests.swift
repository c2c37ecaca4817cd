import XCTest
import Synchronization
import NASCore
import NASData
import NASSpaces
@testable import NASNeural
@testable import NASPredictors

/// Predictors on synthetic functions (named synthetic) and on the real fixtures, small budgets.
final class LatencyPredictorTests: XCTestCase {
    static let catalog: DataCatalog? = (try? FixturesLocator.locate()).map { DataCatalog(fixturesDirectory: $0) }

    func catalog() throws -> DataCatalog {
        try XCTUnwrap(Self.catalog, "fixtures not found")
    }

    /// A small, fast MLP budget for tests.
    static var smallConfig: MLPTrainingConfig {
        MLPTrainingConfig(hidden: [64, 64], learningRate: 2e-3, batchSize: 32, maxEpochs: 60, patience: 15, seed: 1)
    }

    /// Synthetic: latency = 1 + Σ per-(decision, option) cost, exactly additive.
    func syntheticAdditive(_ archs: [Architecture], space: any SearchSpace) -> [Double] {
        archs.map { a in
            var y = 1.0
            for (i, g) in a.genes.enumerated() where space.isActive(decision: i, in: a) {
                y += 0.1 * Double((i * 7 + Int(g) * 3) % 11)
            }
            return y
        }
    }

    func testLUTRecoversSyntheticAdditiveFunction() throws {
        for id in ["nb201", "fbnet", "ofa_mbv3"] {
            let space = try SpaceRegistry.space(id)
            let archs = space.sample(count: 600, seed: 3)
            let y = syntheticAdditive(archs, space: space)
            let lut = try LUTModel.fit(archs: archs, latency: y, space: space, encoding: ActiveOneHot(space: space))
            let test = space.sample(count: 200, seed: 4)
            let p = try LatencyModel.lut(lut).predict(test, space: space, encoding: ActiveOneHot(space: space))
            let m = RegressionMetrics(predicted: p, actual: syntheticAdditive(test, space: space))
            XCTAssertLessThan(m.rmse, 1e-3, "\(id): LUT must recover an additive function")
        }
    }

    func testFLOPsModelFitsSyntheticLinearFunction() throws {
        let space = try SpaceRegistry.space("fbnet")
        let archs = space.sample(count: 200, seed: 5)
        let y = archs.map { 0.7 + 3e-8 * space.cost(of: $0).macs }
        let f = try FLOPsModel.fit(archs: archs, latency: y, space: space)
        XCTAssertEqual(f.intercept, 0.7, accuracy: 1e-6)
        XCTAssertEqual(f.slopePerMMAC, 0.03, accuracy: 1e-8)
    }

    func testMLPLearnsSyntheticNonAdditiveFunction() throws {
        let space = try SpaceRegistry.space("nb201")
        // Synthetic: product of per-edge factors (multiplicative, not additive in ms).
        func f(_ a: Architecture) -> Double {
            a.genes.enumerated().reduce(1.0) { $0 * (1 + 0.15 * Double((Int($1.element) * ($1.offset + 2)) % 5)) }
        }
        let archs = space.sample(count: 800, seed: 6)
        let fit = try PredictorTrainer.fit(kind: .mlp, archs: archs, latency: archs.map(f), space: space,
                                           config: Self.smallConfig, control: .none)
        let test = space.sample(count: 300, seed: 7)
        let m = RegressionMetrics(predicted: try fit.model.predict(test, space: space, encoding: ActiveOneHot(space: space)),
                                  actual: test.map(f))
        XCTAssertGreaterThan(m.spearman, 0.95)
        XCTAssertLessThan(m.mape, 0.08)
    }

    func testLUTIsNearExactAndDefaultBeatsPlainMLPOnFBNetPixel3() throws {
        let trainer = PredictorTrainer(catalog: try catalog())
        let lut = try trainer.train(TrainRequest(space: "fbnet", device: "pixel3", model: .lut, trainSize: 400, seed: 1))
        let held = try XCTUnwrap(lut.metrics.heldOut)
        XCTAssertLessThan(held.mape, 0.01, "FBNet pixel3 latencies are sums of per-block tables")
        let def = try trainer.train(TrainRequest(space: "fbnet", device: "pixel3", model: .auto, trainSize: 400, seed: 1, config: Self.smallConfig))
        let mlp = try trainer.train(TrainRequest(space: "fbnet", device: "pixel3", model: .mlp, trainSize: 400, seed: 1, config: Self.smallConfig))
        XCTAssertLessThan(try XCTUnwrap(def.metrics.heldOut).rmse, try XCTUnwrap(mlp.metrics.heldOut).rmse)
        XCTAssertNotEqual(def.metrics.variant, "mlp", "on an exactly additive device the default keeps the LUT (alone or + residual)")
    }

    func testDefaultBeatsLUTOnAnNNMeterDevice() throws {
        let trainer = PredictorTrainer(catalog: try catalog())
        let def = try trainer.train(TrainRequest(space: "nb201", device: "true_a76", model: .auto, trainSize: 600, seed: 1, config: Self.smallConfig))
        let held = try XCTUnwrap(def.metrics.heldOut), lut = try XCTUnwrap(def.metrics.lutBaseline)
        XCTAssertLessThan(held.rmse, lut.rmse * 0.97, "default \(def.metrics.variant) vs LUT")
    }

    func testFineTuneWith20SamplesBeatsScratchOn20() throws {
        let cat = try catalog()
        let trainer = PredictorTrainer(catalog: cat)
        let base = try trainer.train(TrainRequest(space: "nb201", device: "1080ti_1", model: .mlp, trainSize: 500, seed: 2, config: Self.smallConfig))
        let target = try cat.measurements(space: "nb201", device: "2080ti_32")
        var order = Array(0..<target.archs.count)
        var rng = SeededGenerator(seed: 9)
        order.seededShuffle(using: &rng)
        let k = order.prefix(20).map { LatencySample(arch: target.archs[$0], latencyMs: target.latency[$0]) }
        let testIdx = Array(order[20..<2020])
        let testA = testIdx.map { target.archs[$0] }, testY = testIdx.map { target.latency[$0] }
        let reports = Mutex<[ProgressReport]>([])
        let tuned = try FineTuner.fineTune(FineTuneRequest(base: base, samples: k, method: .finetune, seed: 1),
                                           control: JobControl(onProgress: { r in reports.withLock { $0.append(r) } }))
        // Progress never goes back within one message (one bar): the folds' trainings report nothing.
        let seen = reports.withLock { $0 }
        XCTAssertFalse(seen.isEmpty)
        for message in Set(seen.map { $0.message ?? "" }) {
            let steps = seen.filter { ($0.message ?? "") == message }.map(\.step)
            XCTAssertEqual(steps, steps.sorted(), message)
        }
        var cfg = Self.smallConfig
        cfg.maxEpochs = 100
        let scratch = try trainer.train(TrainRequest(space: "nb201", samples: k, model: .mlp, trainSize: 20, seed: 1, config: cfg))
        let srccTuned = try tuned.evaluate(archs: testA, latency: testY).spearman
        let srccScratch = try scratch.evaluate(archs: testA, latency: testY).spearman
        XCTAssertGreaterThan(srccTuned, srccScratch)
        XCTAssertGreaterThan(srccTuned, 0.8)
    }
}
