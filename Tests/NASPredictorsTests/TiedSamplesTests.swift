import XCTest
import NASCore
import NASData
import NASSpaces
@testable import NASPredictors

/// `TiedSamples`: samples with fewer than 3 distinct latencies hold no ranking, and every fit says so.
final class TiedSamplesTests: XCTestCase {
    func testFewerThanThreeDistinctLatenciesWarn() throws {
        let all = try XCTUnwrap(try SpaceRegistry.space("nb201").enumerateAll())
        let archs = (0..<20).map { all[$0 * 700] }
        func samples(_ f: (Int) -> Double) -> [LatencySample] { archs.indices.map { LatencySample(arch: archs[$0], latencyMs: f($0)) } }
        let one = try XCTUnwrap(TiedSamples.warning(samples { _ in 9 }))
        XCTAssertTrue(one.contains("only 1 distinct latency (9.000 ms)"), one)
        let two = try XCTUnwrap(TiedSamples.warning(samples { $0 % 2 == 0 ? 9 : 10 }))
        XCTAssertTrue(two.contains("only 2 distinct latencies (9.000 and 10.000 ms)"), two)
        XCTAssertNil(TiedSamples.warning(samples { Double(8 + $0 % 3) }), "3 values (a whole-ms timer) still rank")
        XCTAssertNil(TiedSamples.warning([]))
    }

    /// `adapt` and `adaptProxy` on 20 samples that all read 9 ms: a model comes back (the pool's
    /// ranking), and the warning with it.
    func testAdaptAndAdaptProxyOnConstantSamplesSaySo() throws {
        let pool = try fixtureLUTPool(["gold_6240", "pixel3"])
        let space = try SpaceRegistry.space("nb201")
        let all = try XCTUnwrap(space.enumerateAll())
        let samples = (0..<20).map { LatencySample(arch: all[11 + $0 * 780], latencyMs: 9) }
        let a = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: samples, targetName: "t", id: "t", seed: 1)
        XCTAssertTrue(a.predictor.metrics.warnings.contains { $0.contains("distinct latency") }, "\(a.predictor.metrics.warnings)")
        let p = try ProxyAdaptation.adapt(proxy: pool[1], targetName: "t", samples: samples, pool: [pool[0]], estimateMoreSamples: false)
        XCTAssertTrue(p.warnings.contains { $0.contains("distinct latency") }, "\(p.warnings)")
    }
}
