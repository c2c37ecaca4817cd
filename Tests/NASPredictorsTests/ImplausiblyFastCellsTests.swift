import XCTest
import NASCore
import NASData
import NASSpaces
@testable import NASPredictors

/// A fit that prices cells with a data path far below every such sample says so (issue 17).
final class ImplausiblyFastCellsTests: XCTestCase {
    func testLiveCellsPricedFarBelowTheFastestLiveSampleAreNamed() throws {
        let space = try SpaceRegistry.space("nb201")
        let all = try XCTUnwrap(space.enumerateAll())
        let live = all.filter { !space.hasNoDataPath($0) }
        let dead = try XCTUnwrap(all.first { space.hasNoDataPath($0) })
        // Unit-test data, not measurements: live samples of 2–21 ms and one no-path sample at 0.004 ms.
        var samples = (0..<20).map { LatencySample(arch: live[$0 * 500], latencyMs: 2 + Double($0)) }
        samples.append(LatencySample(arch: dead, latencyMs: 0.004))
        // Every live cell at 5 ms: nothing to say (no-path cells may be as fast as they like).
        XCTAssertNil(ImplausiblyFastCells.warning(space: space, samples: samples) { (a: [Architecture]) throws(NASError) in
            a.map { space.hasNoDataPath($0) ? 1e-6 : 5 }
        })
        // Three live cells at the 1e-6 ms floor: below 10 % of the fastest live sample (2 ms).
        let low = Set(live.prefix(3))
        let w = try XCTUnwrap(ImplausiblyFastCells.warning(space: space, samples: samples) { (a: [Architecture]) throws(NASError) in
            a.map { low.contains($0) ? 1e-6 : 0.19 + ($0 == live[10] ? 0 : 1) }
        })
        XCTAssertTrue(w.hasPrefix("4 architectures with a data path"), w)
        XCTAssertTrue(w.contains("(2.000 ms)") && w.contains("1e-06 ms"), w)
        // A space too large to enumerate is not checked.
        let fbnet = try SpaceRegistry.space("fbnet")
        XCTAssertNil(ImplausiblyFastCells.warning(space: fbnet, samples: fbnet.sample(count: 5, seed: 1).map {
            LatencySample(arch: $0, latencyMs: 10)
        }) { (a: [Architecture]) throws(NASError) in a.map { _ in 1e-6 } })
    }
}
