import XCTest
import NASCore
import NASSpaces
@testable import NASNeural
@testable import NASPredictors

/// The hardware-generalized model on a synthetic device family, and training control.
final class HardwareGeneralizedTests: XCTestCase {
    /// A synthetic GPU: every spec column scaled from a base by `scale`.
    func syntheticSpec(_ scale: Double, batch: Double) -> [String: Double] {
        var v: [String: Double] = [:]
        for (i, name) in DeviceSpecVector.featureNames.dropLast().enumerated() { v[name] = 10 * Double(i + 1) * scale }
        v["batch"] = batch
        return v
    }

    /// Synthetic latency: additive arch cost, divided by the device's throughput, times √batch.
    func syntheticLatency(_ a: Architecture, spec: [String: Double]) -> Double {
        let cost = a.genes.enumerated().reduce(1.0) { $0 + 0.3 * Double((Int($1.element) + $1.offset) % 4) }
        return cost * 100 / spec["fp32_gflops"]! * spec["batch"]!.squareRoot()
    }

    func testLearnsSyntheticDeviceFamilyAndPredictsAnUnseenSpec() throws {
        let space = try SpaceRegistry.space("nb201")
        let enc = ActiveOneHot(space: space)
        let train = [1.0, 1.6, 2.5, 4.0].flatMap { s in [1.0, 16.0].map { syntheticSpec(s, batch: $0) } }
        let vector = try DeviceSpecVector.fit(train)
        let archs = space.sample(count: 300, seed: 1)
        let width = enc.dimension + DeviceSpecVector.featureNames.count
        var rows: [Architecture] = [], feats: [[Float]] = [], y: [Double] = []
        for spec in train {
            let f = try vector.features(spec)
            for a in archs { rows.append(a); feats.append(f); y.append(syntheticLatency(a, spec: spec)) }
        }
        var x = enc.encode(rows, space: space, width: width)
        for r in 0..<rows.count { for (j, v) in feats[r].enumerated() { x[r, enc.dimension + j] = v } }
        let cfg = MLPTrainingConfig(hidden: [64, 64], learningRate: 2e-3, batchSize: 64, maxEpochs: 40, patience: 10, seed: 3)
        let (reg, _) = try NeuralRegressor.train(x: x, y: y, validation: nil, transform: .logStandardized, config: cfg, control: .none)
        let model = LatencyModel.hardware(HardwareGeneralizedModel(regressor: reg, specVector: vector, archDimension: enc.dimension))
        let unseen = syntheticSpec(2.0, batch: 4)
        let test = space.sample(count: 200, seed: 2)
        let p = try model.predict(test, space: space, encoding: enc, device: unseen)
        let m = RegressionMetrics(predicted: p, actual: test.map { syntheticLatency($0, spec: unseen) })
        XCTAssertGreaterThan(m.spearman, 0.9)
        XCTAssertLessThan(m.mape, 0.25)
        XCTAssertThrowsError(try model.predict(test, space: space, encoding: enc, device: nil))
    }

    func testTrainingReportsProgressAndHonoursCancellation() throws {
        let space = try SpaceRegistry.space("nb201")
        let archs = space.sample(count: 100, seed: 1)
        let y = archs.map { 1 + Double($0.genes[0]) }
        let control = JobControl()
        control.cancel()
        XCTAssertThrowsError(try PredictorTrainer.fit(kind: .mlp, archs: archs, latency: y, space: space,
                                                      config: MLPTrainingConfig(hidden: [8], maxEpochs: 5), control: control)) { error in
            XCTAssertEqual((error as? NASError)?.kind, .cancelled)
        }
        let count = Mutex<Int>(0)
        let listening = JobControl { _ in count.withLock { $0 += 1 } }
        _ = try PredictorTrainer.fit(kind: .mlp, archs: archs, latency: y, space: space,
                                     config: MLPTrainingConfig(hidden: [8], maxEpochs: 5), control: listening)
        XCTAssertGreaterThan(count.withLock { $0 }, 0)
    }
}

import Synchronization
