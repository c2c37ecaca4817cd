import XCTest
import NASCore
import NASData
import NASSpaces
@testable import NASPredictors

/// `NearestGPUModel`: the default spec-only model of `predict {spec}` (issue 19).
final class NearestGPUModelTests: XCTestCase {
    func testPicksTheSpecNeighbourAtTheSameBatchAndNeverTheLeftOutGPU() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let gpus = try HardwareGeneralizedTrainer(catalog: catalog).gpuDevices(space: "nb201")
        // 2080ti left out (as in predictors.md §3): its nearest by spec is the TITAN RTX, at its batch.
        let train = gpus.filter { $0.gpuName != "GeForce RTX 2080 Ti" }
        let target = try XCTUnwrap(gpus.first { $0.name == "2080ti_32" })
        let nearest = try XCTUnwrap(try NearestGPUModel.nearest(to: DeviceSpecVector.values(of: target), among: train))
        XCTAssertEqual(nearest.name, "titan_rtx_32")
        // A spec of a measured GPU finds that GPU itself.
        XCTAssertEqual(try NearestGPUModel.nearest(to: DeviceSpecVector.values(of: target), among: gpus)?.name, "2080ti_32")
        // No GPU of the space measured at batch 7: no neighbour (the caller falls back to the MLP).
        var odd = DeviceSpecVector.values(of: target)
        odd["batch"] = 7
        XCTAssertNil(try NearestGPUModel.nearest(to: odd, among: train))
    }

    func testOverlayUsesMeasurementsWhereTheNeighbourHasThem() throws {
        let space = try SpaceRegistry.space("nb201")
        let archs = space.sample(count: 3, seed: 4)
        let out = NearestGPUModel.overlayMeasurements([1, 2, 3], archs: archs, measured: ([archs[1]], [9.5]))
        XCTAssertEqual(out, [1, 9.5, 3])
    }
}

/// `NearestGPUInterval`: the band of the nearest-GPU answer for an unseen spec (issue 17 item 4).
final class NearestGPUIntervalTests: XCTestCase {
    func testQuantileWeighsEverySettingEquallyAndTheBandIsSymmetricInLog() throws {
        // Setting a: 4 errors of 0.1; setting b: 1 error of 0.5. Equal weight per setting: half the
        // weight at 0.1, half at 0.5 (pooled by cell, 0.5 would be a fifth).
        let a = NearestGPUInterval.Setting(chip: "A", device: "a", neighbour: "b", logRatios: [0.1, -0.1, 0.1, -0.1])
        let b = NearestGPUInterval.Setting(chip: "B", device: "b", neighbour: "a", logRatios: [-0.5])
        let band = try XCTUnwrap(NearestGPUInterval(settings: [a, b]))
        XCTAssertEqual(band.halfWidth(level: 0.5), 0.1, accuracy: 1e-12)
        XCTAssertEqual(band.halfWidth(level: 0.6), 0.5, accuracy: 1e-12)
        let i = band.interval(prediction: 2, level: 0.9)
        XCTAssertEqual(i.lower * i.upper, 4, accuracy: 1e-12)
        // Alongside another model's answer, the span of both, widened the same way.
        let span = band.interval(prediction: 2, alongside: 3, level: 0.9)
        XCTAssertEqual(span.lower, i.lower, accuracy: 1e-12)
        XCTAssertEqual(span.upper, 3 * i.upper / 2, accuracy: 1e-12)
        XCTAssertEqual(band.biasRange.lower, exp(-0.5) - 1, accuracy: 1e-12)
        XCTAssertNil(NearestGPUInterval(settings: []))
    }

    func testCalibrationLeavesTheExcludedChipOutOfBothSides() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let all = try XCTUnwrap(try NearestGPUInterval.calibrate(catalog: catalog, space: "nb201"))
        XCTAssertEqual(all.settings.count, 12)
        XCTAssertEqual(all.chips.count, 4)
        // Each setting is answered by another chip at its own batch size.
        for s in all.settings { XCTAssertNotEqual(s.chip, NearestGPUInterval.chip(of: try catalog.deviceSpecs().first { $0.name == s.neighbour }!)) }
        let without = try XCTUnwrap(try NearestGPUInterval.calibrate(catalog: catalog, space: "nb201", excludingChip: "GeForce RTX 2080 Ti"))
        XCTAssertEqual(without.settings.count, 9)
        XCTAssertFalse(without.settings.contains { $0.device.hasPrefix("2080ti") || $0.neighbour.hasPrefix("2080ti") })
        // FBNet and OFA have a band too (every space with two or more measured GPU chips).
        XCTAssertNotNil(try NearestGPUInterval.calibrate(catalog: catalog, space: "fbnet"))
        XCTAssertEqual(try NearestGPUInterval.calibrate(catalog: catalog, space: "ofa_mbv3")?.chips.count, 3)
    }
}
