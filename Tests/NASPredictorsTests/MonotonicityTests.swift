import XCTest
import NASCore
import NASData
@testable import NASNeural
@testable import NASPredictors

final class MonotonicityTests: XCTestCase {
    // Reference values computed with scipy.stats.spearmanr / kendalltau (tau-b).
    func testSpearmanAndKendallMatchScipyWithTies() {
        let x: [Double] = [1, 2, 2, 3, 5, 5, 5, 8, 9, 1], y: [Double] = [2, 1, 3, 3, 4, 6, 6, 7, 9, 9]
        XCTAssertEqual(RankMetric.spearman.correlation(x, y), 0.5109257403949736, accuracy: 1e-12)
        XCTAssertEqual(RankMetric.kendall.correlation(x, y), 0.5367450401216932, accuracy: 1e-12)
        let u: [Double] = [3.1, 3.1, 0.5, 2.2, 7.0, 7.0, 1.0], v: [Double] = [1, 2, 2, 2, 5, 0, 1]
        XCTAssertEqual(RankMetric.spearman.correlation(u, v), -0.04763849587291912, accuracy: 1e-12)
        XCTAssertEqual(RankMetric.kendall.correlation(u, v), -0.05564148840746572, accuracy: 1e-12)
    }

    func testOneProxyMatrixIsSymmetricWithUnitDiagonalAndSkipsMissing() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let m = try MonotonicityAnalysis(catalog: catalog).matrix(table: "nb201_oneproxy")
        XCTAssertEqual(m.devices.count, 14)
        for i in 0..<14 {
            XCTAssertEqual(m[i, i], 1)
            for j in 0..<14 {
                XCTAssertEqual(m[i, j], m[j, i])
                XCTAssertTrue(m[i, j] >= -1 && m[i, j] <= 1)
                if i != j { XCTAssertEqual(m.sources[i * 14 + j], .measured) }
            }
        }
        // rice_edgetpu has -1 (missing) for 259 of 1,999 archs: those rows are skipped.
        let t = try XCTUnwrap(m.devices.firstIndex(of: "rice_edgetpu"))
        let e = try XCTUnwrap(m.devices.firstIndex(of: "eagle_tpu"))
        XCTAssertEqual(m.counts[t * 14 + e], 1_740)
        XCTAssertEqual(m.counts[e * 14 + m.devices.firstIndex(of: "eagle_gtx")!], 1_999)
        XCTAssertEqual(m[t, e], 0.9360998422979898, accuracy: 1e-9)  // scipy on the non-missing rows
        // The weakest pair of the table, and a best proxy.
        let weakest = try XCTUnwrap(m.pairs().first)
        XCTAssertEqual(Set([weakest.a, weakest.b]), ["eagle_jetson_16", "rice_pixel3"])
        XCTAssertEqual(m.bestProxy(for: "true_630")?.device, "true_640")
    }

    func testSpearmanFromRanksKeptPerDeviceEqualsRankingEachPairAfresh() throws {
        // The matrix ranks each device once per set of rows compared; every value must be the one
        // of ranking the pair's NaN-free rows afresh, within and across tables (HELP, OneProxy with
        // missing cells, this machine's 1,000 cells).
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let analysis = MonotonicityAnalysis(catalog: catalog)
        let m = try analysis.matrix(space: "nb201")
        let (_, lat) = try analysis.alignedMeasurements(space: "nb201", devices: m.devices)
        let n = m.devices.count
        XCTAssertGreaterThan(n, 30)
        for i in 0..<n {
            for j in (i + 1)..<n {
                let a = lat[m.devices[i]]!, b = lat[m.devices[j]]!
                let rows = a.indices.filter { !a[$0].isNaN && !b[$0].isNaN }
                XCTAssertEqual(m.counts[i * n + j], rows.count)
                let fresh = RankCorrelation.spearman(rows.map { a[$0] }, rows.map { b[$0] })
                XCTAssertEqual(m[i, j], rows.count > 1 ? fresh : .nan, "\(m.devices[i]) / \(m.devices[j])")
            }
        }
    }

    func testKendallMatrixAndCrossTableJoinAndPredictedFallback() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let analysis = MonotonicityAnalysis(catalog: catalog)
        let oneproxy = try catalog.latencyTable("nb201_oneproxy")
        // A synthetic "predicted" device: the measured eyeriss latency of the NB201 table.
        let eyeriss = try catalog.measurements(space: "nb201", device: "eyeriss")
        var lookup: [Architecture: Double] = [:]
        for (a, v) in zip(eyeriss.archs, eyeriss.latency) { lookup[a] = v }
        let table = lookup
        let m = try analysis.matrix(
            space: "nb201",
            devices: [.measured("rice_eyeriss"), .measured("eyeriss"),
                      .predicted("eyeriss_copy") { archs in archs.map { table[$0]! } }],
            archs: Array(oneproxy.archs.prefix(400)), metric: .kendall, sampleSize: 300)
        XCTAssertEqual(m.metric, .kendall)
        XCTAssertEqual(m.sources[0 * 3 + 1], .measured)  // cross-table pair joined by architecture
        XCTAssertEqual(m.counts[0 * 3 + 1], 400)
        XCTAssertEqual(m.sources[1 * 3 + 2], .predicted)
        XCTAssertEqual(m.counts[1 * 3 + 2], 300)
        XCTAssertEqual(m[1, 2], 1, accuracy: 1e-12)       // the copy ranks exactly like the device
        XCTAssertEqual(m[0, 2], m[2, 0])
    }

    func testUnknownDeviceIsAnError() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        XCTAssertThrowsError(try MonotonicityAnalysis(catalog: catalog).matrix(space: "nb201", devices: [.measured("nope")])) {
            XCTAssertEqual(($0 as? NASError)?.kind, .unknownDevice)
        }
    }
}
