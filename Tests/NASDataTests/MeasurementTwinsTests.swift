import NASCore
import XCTest
@testable import NASData

/// Twins are found from the data: NB201's OneProxy copies of three HW-NAS-Bench devices, and
/// nothing else (not even two devices that rank alike).
final class MeasurementTwinsTests: XCTestCase {
    func testNB201sTwinsAreTheOneProxyCopiesOfPixel3Raspi4AndEyeriss() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let twins = try MeasurementTwins.twins(catalog: catalog, space: "nb201")
        let expected: [String: Set<String>] = [
            "pixel3": ["rice_pixel3"], "rice_pixel3": ["pixel3"],
            "raspi4": ["rice_raspi4"], "rice_raspi4": ["raspi4"],
            "eyeriss": ["rice_eyeriss"], "rice_eyeriss": ["eyeriss"],
        ]
        XCTAssertEqual(twins, expected)
        XCTAssertNil(twins["eagle_gtx"], "eagle_gtx and eagle_i7 rank alike (SRCC 0.998) but are not the same measurements")
        XCTAssertEqual(MeasurementTwins.withTwins(["pixel3", "gold_6226"], twins: twins), ["pixel3", "rice_pixel3", "gold_6226"])
        XCTAssertEqual(try MeasurementTwins.copies(catalog: catalog, space: "nb201", twins: twins),
                       ["rice_pixel3", "rice_raspi4", "rice_eyeriss"], "the copies on 1,999 cells, not the devices of 15,625")
        for space in ["fbnet", "ofa_mbv3"] {
            XCTAssertEqual(try MeasurementTwins.twins(catalog: catalog, space: space), [:], space)
        }
    }

    func testCopiesKeepTheMostMeasuredOfEachSetAndTheFirstNameOnATie() throws {
        let twins: [String: Set<String>] = ["a": ["b", "c"], "b": ["a", "c"], "c": ["a", "b"], "x": ["y"], "y": ["x"]]
        let counts = ["a": 10, "b": 30, "c": 30, "x": 5, "y": 5]
        XCTAssertEqual(try MeasurementTwins.copies(twins: twins) { counts[$0]! }, ["a", "c", "y"])
        XCTAssertEqual(try MeasurementTwins.copies(twins: [:]) { _ in 0 }, [])
    }

    func testSameNeedsEveryCommonLatencyEqualAndEnoughOfThem() {
        let archs = (0..<120).map { Architecture(genes: [UInt8($0)]) }
        let a = (archs: archs, latency: archs.indices.map { 1 + Double($0) })
        XCTAssertTrue(MeasurementTwins.same(a, a, lookup: nil))
        var b = a
        b.latency[7] *= 1.001
        XCTAssertFalse(MeasurementTwins.same(a, b, lookup: nil))
        let few = (archs: Array(archs.prefix(50)), latency: Array(a.latency.prefix(50)))
        XCTAssertFalse(MeasurementTwins.same(few, few, lookup: nil), "50 shared architectures are too few to call them one device")
    }
}
