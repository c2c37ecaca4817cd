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
