import XCTest
import NASData
import NASSpaces
@testable import NASPredictors

final class FewSampleIntervalTests: XCTestCase {
    /// Synthetic out-of-fold pairs (unit-test data, not measurements): 20 predictions 1…20 ms,
    /// measured = predicted × exp(±0.1) alternately, so the log ratios have mean 0 and SD ≈ 0.103.
    private func residuals() throws -> FewSampleResiduals {
        let p = (1...20).map(Double.init)
        let a = p.enumerated().map { $0.1 * exp($0.0 % 2 == 0 ? 0.1 : -0.1) }
        return try XCTUnwrap(FewSampleResiduals(predicted: p, actual: a, positions: p.reversed()))
    }

    func testResidualSummaryRoundTripsAndPositionBinsMatchTheProfileBins() throws {
        let r = try residuals()
        XCTAssertEqual(r.centre, 0, accuracy: 1e-12)
        XCTAssertEqual(r.scale, 0.1 * (20.0 / 19).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(r.positions, (1...20).map(Double.init), "positions are kept sorted")
        XCTAssertEqual(FewSampleResiduals(encoded: r.encoded), r)
        XCTAssertNil(FewSampleResiduals(encoded: "0;0.1;20;0.5;2,1"), "positions must ascend")
        XCTAssertNil(FewSampleResiduals(predicted: [1, 2, 3, 4], actual: [1, 2, 3, 4], positions: [1]), "fewer than 5 pairs")
        // A table of 3 position bins whose z quantiles grow by bin: the profile's bin for a
        // prediction is the position bin of that prediction.
        let z = (0..<3).map { b in ErrorProfile.levels.map { (Double(b) + 1) * ($0 - 0.5) } }
        let profile = ErrorProfile(fewSamples: r, table: FewSampleIntervalTable(sampleCount: 20, z: z))
        XCTAssertEqual(profile.upper.count, 3)
        for ms in [0.5, 1, 6.9, 7, 7.1, 13.5, 14, 15, 20, 40] {
            XCTAssertEqual(profile.bin(for: ms), r.positionBin(ms, bins: 3), "prediction \(ms)")
        }
        // Quantiles are centre + scale × z of the bin.
        let hi = try XCTUnwrap(profile.interval(prediction: 30, level: 0.9)).upper
        XCTAssertEqual(log(hi / 30), r.scale * 3 * 0.45, accuracy: 1e-9)
        // No table: the one-bin Student-t profile, as before.
        XCTAssertEqual(ErrorProfile(fewSamples: r, table: nil).quantiles.count, 1)
    }

    func testPooledTableWeighsEachFitTheSame() throws {
        // Two fits: one with 1,000 residuals at z = 1, one with 10 at z = −1: equal weight gives a median near 0.
        let groups: [[(z: Double, bin: Int)]] = [Array(repeating: (1.0, 0), count: 1000), Array(repeating: (-1.0, 0), count: 10)]
        let table = try XCTUnwrap(FewSampleIntervalTable(groups: groups, bins: 1, sampleCount: 20))
        let median = table.z[0][ErrorProfile.levels.firstIndex(of: 0.5)!]
        XCTAssertEqual(median, 0, accuracy: 1e-9)
        XCTAssertNil(FewSampleIntervalTable(groups: groups, bins: 2, sampleCount: 20), "a bin without residuals")
    }

    func testHardwarePredictorAnswersATrainingGPUsSpecWithThatGPUsProfile() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let trainer = HardwareGeneralizedTrainer(catalog: catalog)
        let gpus = try trainer.gpuDevices(space: "nb201").map(\.name)
        XCTAssertGreaterThanOrEqual(gpus.count, 2)
        let (a, b) = (gpus[0], gpus[1])
        let own = "v2;10.0:" + ErrorProfile.levels.map { String(($0 - 0.5) / 10) }.joined(separator: ",")
        let pooled = "v2;10.0:" + ErrorProfile.levels.map { String($0 - 0.5) }.joined(separator: ",")
        let p = TrainedPredictor(id: "synthetic-hw", spaceID: "nb201", device: nil, model: .lut(LUTModel(bias: 1, costs: [])),
                                 metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: 0, testCount: 0, variant: "mlp-hw"),
                                 notes: ["devices": "\(a),\(b)", ErrorProfile.notesKey: pooled,
                                         HardwareGeneralizedTrainer.deviceProfilePrefix + a: own])
        XCTAssertEqual(trainer.trainingDevice(matching: try trainer.spec(forDevice: a), of: p), a)
        XCTAssertNil(trainer.trainingDevice(matching: try trainer.spec(forDevice: b), of: p), "no own profile saved for \(b)")
        var other = try trainer.spec(forDevice: a)
        other["batch"] = 7
        XCTAssertNil(trainer.trainingDevice(matching: other, of: p), "another batch size is another setting")
        XCTAssertEqual(p.errorProfile(device: a), ErrorProfile(encoded: own))
        XCTAssertEqual(p.errorProfile(device: nil), ErrorProfile(encoded: pooled), "saved before the unseen-GPU profile: the pooled one")
        // Any other spec: the profile of GPUs left out of training, once saved.
        let unseen = "v2;10.0:" + ErrorProfile.levels.map { String(2 * ($0 - 0.5)) }.joined(separator: ",")
        var q = p
        q.notes[HardwareGeneralizedTrainer.unseenProfileKey] = unseen
        XCTAssertEqual(q.errorProfile(device: nil), ErrorProfile(encoded: unseen))
        XCTAssertEqual(q.errorProfile(device: a), ErrorProfile(encoded: own))
    }

    func testHardwareTrainingSavesTheProfileOfGPUChipsLeftOut() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let trainer = HardwareGeneralizedTrainer(catalog: catalog)
        let gpus = try trainer.gpuDevices(space: "nb201")
        let chips = Set(gpus.map { $0.gpuName ?? $0.name })
        XCTAssertGreaterThanOrEqual(chips.count, 2)
        // A tiny network: what is checked is which model predicts which GPU, not accuracy.
        let config = MLPTrainingConfig(hidden: [8], batchSize: 256, maxEpochs: 2, patience: 2, seed: 0)
        let space = try SpaceRegistry.space("nb201")
        let errors = try trainer.leaveOneChipOut(space: space, devices: gpus, perDevice: 40, config: config, control: .none)
        XCTAssertEqual(errors.map(\.device).sorted(), gpus.map(\.name).sorted(), "every GPU setting judged once")
        for e in errors {
            XCTAssertEqual(e.chip, gpus.first { $0.name == e.device }.map { $0.gpuName ?? $0.name })
            XCTAssertEqual(e.predicted.count, e.actual.count)
            XCTAssertEqual(e.predicted.count, min(3000, try catalog.measurements(space: "nb201", device: e.device).archs.count))
        }
        let p = try trainer.train(TrainRequest(space: "nb201", model: .hardware, trainSize: 40, config: config, id: "tiny-hw"))
        XCTAssertEqual(p.notes[HardwareGeneralizedTrainer.recipeKey], HardwareGeneralizedTrainer.recipe)
        let saved = try XCTUnwrap(p.notes[HardwareGeneralizedTrainer.unseenProfileKey].flatMap { ErrorProfile(encoded: $0) })
        XCTAssertEqual(saved, HardwareGeneralizedTrainer.unseenGPUProfile(errors), "the same fits as training's (seeded)")
        XCTAssertEqual(p.errorProfile(device: nil), saved)
        XCTAssertNotEqual(p.errorProfile(device: nil), p.errorProfile)
    }

    func testShippedNB201TablesWidenWithTheLevel() throws {
        for kind in ["finetune", "adaptProxy", FewShotAdaptation.intervalKind] {
            for k in 0...FewSampleIntervalTable.spreadEdges.count {
                let t = try XCTUnwrap(FewSampleIntervalTable.shippedTables[FewSampleIntervalTable.key(space: "nb201", kind: kind, spreadClass: k)], "\(kind) class \(k)")
                for row in t.z {
                    XCTAssertEqual(row.count, ErrorProfile.levels.count)
                    XCTAssertEqual(row, row.sorted(), "\(kind) class \(k): quantiles ascend")
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
