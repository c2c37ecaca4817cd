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
        // Outer bins: at or below the lowest sample's prediction, 3 bins between, above the highest.
        let outerZ = (0..<5).map { b in ErrorProfile.levels.map { (Double(b) + 1) * ($0 - 0.5) } }
        let outer = ErrorProfile(fewSamples: r, table: FewSampleIntervalTable(sampleCount: 20, z: outerZ, outerBins: true))
        XCTAssertEqual(outer.upper.count, 5)
        for ms in [0.5, 1, 1.5, 7.9, 8, 8.1, 13.9, 14, 14.5, 19.9, 20, 20.5, 40] {
            XCTAssertEqual(outer.bin(for: ms), r.positionBin(ms, bins: 5, outer: true), "prediction \(ms)")
        }
        XCTAssertEqual(r.positionBin(1, bins: 5, outer: true), 0)
        XCTAssertEqual(r.positionBin(1.5, bins: 5, outer: true), 1)
        XCTAssertEqual(r.positionBin(20, bins: 5, outer: true), 3)
        XCTAssertEqual(r.positionBin(20.5, bins: 5, outer: true), 4)
    }

    func testEachKindKeepsTheSpreadClassesItShips() {
        // finetune ships one table for every spread; adapt one per class.
        XCTAssertEqual(FewSampleIntervalTable.spreadEdges(space: "nb201", kind: FineTuner.intervalKind), [])
        XCTAssertEqual(FewSampleIntervalTable.spreadEdges(space: "nb201", kind: FewShotAdaptation.intervalKind), FewSampleIntervalTable.spreadEdges)
        XCTAssertEqual(FewSampleIntervalTable.spreadEdges(space: "fbnet", kind: FineTuner.intervalKind), [], "nothing shipped")
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
        XCTAssertEqual(p.errorProfile(device: a).profile, ErrorProfile(encoded: own))
        XCTAssertEqual(p.errorProfile(device: nil).profile, ErrorProfile(encoded: pooled), "not a hardware model: its own profile")
        XCTAssertFalse(p.errorProfile(device: nil).unseenGPUFallback)
    }

    func testUnseenGPUIntervalsComeFromTheShippedLeaveOneChipOutProfile() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let trainer = HardwareGeneralizedTrainer(catalog: catalog)
        let gpus = try trainer.gpuDevices(space: "nb201")
        XCTAssertGreaterThanOrEqual(Set(gpus.map { $0.gpuName ?? $0.name }).count, 2)
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
        XCTAssertNotNil(HardwareGeneralizedTrainer.unseenGPUProfile(errors))
        // predict's choice for a spec that is no training GPU's: the profile shipped for the space,
        // else the model's own pooled one, flagged.
        let shipped = try XCTUnwrap(HardwareGeneralizedTrainer.shippedUnseenGPUProfile(space: "nb201"))
        XCTAssertTrue(shipped.hasIntervals)
        let p = try trainer.train(TrainRequest(space: "nb201", model: .hardware, trainSize: 40, config: config, id: "tiny-hw"))
        XCTAssertEqual(p.errorProfile(device: nil).profile, shipped)
        XCTAssertFalse(p.errorProfile(device: nil).unseenGPUFallback)
        XCTAssertEqual(p.errorProfile(device: gpus[0].name).profile, p.notes[HardwareGeneralizedTrainer.deviceProfilePrefix + gpus[0].name].flatMap { ErrorProfile(encoded: $0) })
        XCTAssertNil(HardwareGeneralizedTrainer.shippedUnseenGPUProfile(space: "fbnet"))
        var other = p
        other.spaceID = "fbnet"
        XCTAssertEqual(other.errorProfile(device: nil).profile, p.errorProfile)
        XCTAssertTrue(other.errorProfile(device: nil).unseenGPUFallback)
    }

    func testEnvelopeTakesTheWiderQuantileOnEachSideAndKeepsItsMedian() throws {
        let levels = ErrorProfile.levels
        // Narrow: z = level − 0.5 (median 0); wide, shifted: z = 3 × (level − 0.5) + 0.8.
        let narrow = FewSampleIntervalTable(sampleCount: 20, z: [levels.map { $0 - 0.5 }])
        let wide = FewSampleIntervalTable(sampleCount: 20, z: [levels.map { 3 * ($0 - 0.5) + 0.8 }])
        let e = try XCTUnwrap(narrow.envelope(with: wide))
        for (i, level) in levels.enumerated() {
            let expected = level < 0.5 ? min(narrow.z[0][i], wide.z[0][i]) : level > 0.5 ? max(narrow.z[0][i], wide.z[0][i]) : narrow.z[0][i]
            XCTAssertEqual(e.z[0][i], expected, "level \(level)")
        }
        // Where the wide table's shift puts its low quantiles above the narrow one's, the narrow's stay.
        XCTAssertEqual(e.z[0][levels.firstIndex(of: 0.2)!], -0.3, accuracy: 1e-12)
        XCTAssertEqual(e.z[0][levels.firstIndex(of: 0.005)!], 3 * -0.495 + 0.8, accuracy: 1e-12)
        XCTAssertEqual(e.z[0][levels.firstIndex(of: 0.5)!], 0, accuracy: 1e-12)
        XCTAssertEqual(e.z[0][levels.firstIndex(of: 0.995)!], 3 * 0.495 + 0.8, accuracy: 1e-12)
        // Every interval of the envelope holds the table's own.
        let r = try residuals()
        let own = ErrorProfile(fewSamples: r, table: narrow), env = ErrorProfile(fewSamples: r, table: e)
        for ms in [1.0, 10, 30] {
            for level in [0.8, 0.9, 0.95] {
                let a = try XCTUnwrap(own.interval(prediction: ms, level: level)), b = try XCTUnwrap(env.interval(prediction: ms, level: level))
                XCTAssertLessThanOrEqual(b.lower, a.lower)
                XCTAssertGreaterThanOrEqual(b.upper, a.upper)
            }
        }
        XCTAssertNil(narrow.envelope(with: FewSampleIntervalTable(sampleCount: 20, z: [levels, levels])), "bins differ")
        // Only kinds that ship a class above the first can have been widened.
        for kind in FewSampleIntervalTable.envelopedKinds {
            XCTAssertFalse(FewSampleIntervalTable.spreadEdges(space: "nb201", kind: kind).isEmpty, kind)
        }
    }

    func testShippedNB201TablesWidenWithTheLevel() throws {
        for kind in ["finetune", "adaptProxy", FewShotAdaptation.intervalKind, ProxyEnsemble.intervalKind] {
            for k in 0...FewSampleIntervalTable.spreadEdges(space: "nb201", kind: kind).count {
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
