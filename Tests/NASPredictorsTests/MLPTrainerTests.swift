import NASCore
@testable import NASNeural
@testable import NASPredictors
import Synchronization
import XCTest

final class MLPTrainerTests: XCTestCase {
    /// The synthetic function the tests learn: smooth, nonlinear, with interactions.
    private static func synthetic(_ v: [Float]) -> Float {
        sin(2 * v[0]) + v[1] * v[2] - 0.5 * v[3] * v[3] + 0.3 * v[4]
    }

    /// `rows` synthetic samples in [-1, 1]^6 (the last input is noise the target ignores).
    private static func syntheticData(rows: Int, seed: UInt64, target: ([Float]) -> Float = synthetic) -> (FloatMatrix, [Float]) {
        var rng = SeededGenerator(seed: seed)
        var x = FloatMatrix(rows: rows, cols: 6)
        var y: [Float] = []
        for r in 0..<rows {
            var v: [Float] = []
            for c in 0..<6 {
                let value = Float(rng.nextDouble() * 2 - 1)
                x[r, c] = value
                v.append(value)
            }
            y.append(target(v))
        }
        return (x, y)
    }

    private static func mse(_ net: MLP, _ x: FloatMatrix, _ y: [Float]) -> Double {
        let p = net.predict(x)
        return zip(p, y).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(y.count)
    }

    private static func variance(_ y: [Float]) -> Double {
        let mean = y.reduce(0.0) { $0 + Double($1) } / Double(y.count)
        return y.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(y.count)
    }

    private static let smallConfig = MLPTrainingConfig(hidden: [32, 32], learningRate: 3e-3, batchSize: 32,
                                                       maxEpochs: 150, patience: 20, seed: 1)

    func testLearnsSyntheticFunction() throws {
        let (x, y) = Self.syntheticData(rows: 600, seed: 1)
        let (tx, ty) = Self.syntheticData(rows: 400, seed: 2)
        let (net, history) = try MLPTrainer.train(x: x, y: y, validation: nil, config: Self.smallConfig,
                                                  initial: nil, control: .none)
        XCTAssertEqual(net.layerSizes, [6, 32, 32, 1])
        XCTAssertEqual(history.trainLoss.count, history.epochs)
        XCTAssertEqual(history.validationLoss.count, history.epochs)
        XCTAssertTrue((1...history.epochs).contains(history.bestEpoch))
        XCTAssertLessThan(history.trainLoss.last!, history.trainLoss.first!)
        let testMSE = Self.mse(net, tx, ty)
        XCTAssertLessThan(testMSE, 0.05 * Self.variance(ty), "held-out MSE \(testMSE)")
    }

    func testTrainingIsDeterministicPerSeed() throws {
        let (x, y) = Self.syntheticData(rows: 200, seed: 3)
        var config = Self.smallConfig
        config.maxEpochs = 10
        let (a, ha) = try MLPTrainer.train(x: x, y: y, validation: nil, config: config, initial: nil, control: .none)
        let (b, hb) = try MLPTrainer.train(x: x, y: y, validation: nil, config: config, initial: nil, control: .none)
        XCTAssertEqual(a, b, "same seed, same weights bit for bit")
        XCTAssertEqual(ha, hb)
        config.seed = 2
        let (c, _) = try MLPTrainer.train(x: x, y: y, validation: nil, config: config, initial: nil, control: .none)
        XCTAssertNotEqual(a, c)
    }

    /// The GEMMs split their output columns across threads: one thread or two, and two networks
    /// trained side by side (`Kernels.concurrently`, as `auto` does), give the same weights.
    func testTrainingIsIndependentOfThreadsAndOfTrainingSideBySide() throws {
        let (x, y) = Self.syntheticData(rows: 128, seed: 4)
        var config = MLPTrainingConfig(hidden: [256, 256], batchSize: 64, maxEpochs: 2)  // 64×256×256: a split GEMM
        config.validationFraction = 0
        let (one, _) = try MLPTrainer.train(x: x, y: y, validation: nil, config: config, initial: nil, control: .none, threads: 1)
        let (two, _) = try MLPTrainer.train(x: x, y: y, validation: nil, config: config, initial: nil, control: .none, threads: 2)
        XCTAssertEqual(one, two)
        let side = try Kernels.concurrently(2, threads: 2) { (i: Int) throws(NASError) -> MLP in
            var c = config
            c.seed = UInt64(i)
            return try MLPTrainer.train(x: x, y: y, validation: nil, config: c, initial: nil, control: .none, threads: 1).0
        }
        XCTAssertEqual(side[0], one)
        config.seed = 1
        XCTAssertEqual(side[1], try MLPTrainer.train(x: x, y: y, validation: nil, config: config, initial: nil, control: .none).0)

        // Side by side on a shared budget: the network still training when the other ends takes
        // both threads from its next epoch on, with the same weights.
        let share = ThreadShare(total: 2, jobs: 2)
        var long = config
        long.seed = 0
        long.maxEpochs = 4
        let shared = try Kernels.concurrently(2, threads: 2) { (i: Int) throws(NASError) -> MLP in
            defer { share.finished() }
            var c = long
            if i == 1 { c.maxEpochs = 1 }
            return try MLPTrainer.train(x: x, y: y, validation: nil, config: c, initial: nil, control: .none, share: share).0
        }
        XCTAssertEqual(share.threadsEach, 2)
        XCTAssertEqual(shared[0], try MLPTrainer.train(x: x, y: y, validation: nil, config: long, initial: nil, control: .none, threads: 1).0)
    }

    func testFineTuningFromBaseBeatsScratchWithTwentySamples() throws {
        // Base: the synthetic function; target: a scaled, shifted variant (a "new device").
        let (bx, by) = Self.syntheticData(rows: 600, seed: 4)
        let (base, _) = try MLPTrainer.train(x: bx, y: by, validation: nil, config: Self.smallConfig, initial: nil, control: .none)
        let shifted: ([Float]) -> Float = { 1.3 * Self.synthetic($0) + 0.4 }
        let (kx, ky) = Self.syntheticData(rows: 20, seed: 5, target: shifted)
        let (tx, ty) = Self.syntheticData(rows: 400, seed: 6, target: shifted)

        let ftConfig = MLPTrainingConfig.fineTuning(samples: 20, seed: 1)
        XCTAssertEqual(ftConfig.validationFraction, 0)
        let (tuned, history) = try MLPTrainer.train(x: kx, y: ky, validation: nil, config: ftConfig, initial: base, control: .none)
        XCTAssertEqual(history.epochs, ftConfig.maxEpochs, "no validation split: fixed epochs")
        var scratchConfig = Self.smallConfig
        scratchConfig.hidden = [32, 32]
        let (scratch, _) = try MLPTrainer.train(x: kx, y: ky, validation: nil, config: scratchConfig, initial: nil, control: .none)
        let tunedMSE = Self.mse(tuned, tx, ty), scratchMSE = Self.mse(scratch, tx, ty), baseMSE = Self.mse(base, tx, ty)
        XCTAssertLessThan(tunedMSE, 0.5 * scratchMSE, "fine-tuned \(tunedMSE) vs scratch \(scratchMSE)")
        XCTAssertLessThan(tunedMSE, baseMSE, "fine-tuning improves on the unadapted base (\(baseMSE))")
    }

    func testFrozenLayersAreNotUpdated() throws {
        let (x, y) = Self.syntheticData(rows: 50, seed: 7)
        let base = MLP(layerSizes: [6, 16, 16, 1], seed: 3)
        var config = MLPTrainingConfig.fineTuning(samples: 50, frozenLayers: 2)
        config.maxEpochs = 5
        let (tuned, _) = try MLPTrainer.train(x: x, y: y, validation: nil, config: config, initial: base, control: .none)
        XCTAssertEqual(tuned.weights[0], base.weights[0])
        XCTAssertEqual(tuned.biases[1], base.biases[1])
        XCTAssertNotEqual(tuned.weights[2], base.weights[2])
    }

    func testReportsProgressPerEpochAndHonoursCancellation() throws {
        let (x, y) = Self.syntheticData(rows: 100, seed: 8)
        var config = Self.smallConfig
        config.maxEpochs = 7
        let reports = Mutex<[ProgressReport]>([])
        let control = JobControl { report in reports.withLock { $0.append(report) } }
        let (_, history) = try MLPTrainer.train(x: x, y: y, validation: nil, config: config, initial: nil, control: control)
        let got = reports.withLock { $0 }
        XCTAssertEqual(got.count, history.epochs)
        XCTAssertEqual(got.last?.values["epoch"], .int(history.epochs))
        XCTAssertNotNil(got.first?.values["trainLoss"])
        XCTAssertNotNil(got.first?.values["validationLoss"])

        // Stopped early (patience 1 on a validation set): a last report fills the bar, without `epoch`.
        var early = Self.smallConfig
        early.maxEpochs = 500
        early.patience = 1
        let stopReports = Mutex<[ProgressReport]>([])
        let (_, stopped) = try MLPTrainer.train(x: x, y: y, validation: Self.syntheticData(rows: 30, seed: 9), config: early, initial: nil,
                                                control: JobControl { r in stopReports.withLock { $0.append(r) } })
        XCTAssertLessThan(stopped.epochs, 500)
        let last = try XCTUnwrap(stopReports.withLock { $0 }.last)
        XCTAssertEqual(last.step, 500)
        XCTAssertEqual(last.total, 500)
        XCTAssertEqual(last.values["stoppedAt"], .int(stopped.epochs))
        XCTAssertNil(last.values["epoch"])
        XCTAssertEqual(stopReports.withLock { $0 }.filter { $0.values["epoch"] != nil }.count, stopped.epochs)

        // Cancel from the progress sink after the second epoch.
        let holder = Mutex<JobControl?>(nil)
        let cancelling = JobControl { report in if report.step == 2 { holder.withLock { $0?.cancel() } } }
        holder.withLock { $0 = cancelling }
        XCTAssertThrowsError(try MLPTrainer.train(x: x, y: y, validation: nil, config: config, initial: nil, control: cancelling)) {
            XCTAssertEqual(($0 as? NASError)?.kind, .cancelled)
        }
    }

    func testRejectsBadInputsWithClearErrors() {
        let (x, y) = Self.syntheticData(rows: 30, seed: 9)
        func kind(_ body: () throws -> Void) -> NASError.Kind? {
            do { try body() } catch let e as NASError { return e.kind } catch { return nil }
            return nil
        }
        XCTAssertEqual(kind { _ = try MLPTrainer.train(x: x, y: Array(y.dropLast()), validation: nil, config: Self.smallConfig, initial: nil, control: .none) }, .invalidParams)
        XCTAssertEqual(kind { _ = try MLPTrainer.train(x: FloatMatrix(rows: 0, cols: 6), y: [], validation: nil, config: Self.smallConfig, initial: nil, control: .none) }, .insufficientSamples)
        XCTAssertEqual(kind { _ = try MLPTrainer.train(x: x, y: y, validation: nil, config: Self.smallConfig, initial: MLP(layerSizes: [5, 4, 1], seed: 0), control: .none) }, .invalidParams)
        var bad = Self.smallConfig
        bad.frozenLayers = 3
        XCTAssertEqual(kind { _ = try MLPTrainer.train(x: x, y: y, validation: nil, config: bad, initial: nil, control: .none) }, .invalidParams)
    }
}
