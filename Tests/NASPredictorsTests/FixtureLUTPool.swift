import NASCore
import NASData
import NASSpaces
@testable import NASPredictors

/// A small NB201 pool for adaptation tests: a LUT of each device fitted on its first 1,000 cells
/// (fast in debug).
func fixtureLUTPool(_ devices: [String]) throws -> [ProxyLatencyModel] {
    let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
    let space = try SpaceRegistry.space("nb201")
    let enc = ActiveOneHot(space: space)
    return try devices.map { d in
        let m = try catalog.measurements(space: "nb201", device: d)
        return .model(.lut(try LUTModel.fit(archs: Array(m.archs.prefix(1000)), latency: Array(m.latency.prefix(1000)),
                                            space: space, encoding: enc)), name: d, space: space)
    }
}
