import XCTest
import NASCore
import NASData
import NASSpaces
@testable import NASPredictors

/// `RepeatedSamples`: one architecture measured more than once is named, conflicting repeats above all.
final class RepeatedSamplesTests: XCTestCase {
    func testRepeatsAreNamedAndConflictsSingledOut() throws {
        let space = try SpaceRegistry.space("nb201")
        let all = try XCTUnwrap(space.enumerateAll())
        let once = (0..<10).map { LatencySample(arch: all[$0 * 1000 + 5], latencyMs: Double(5 + $0)) }
        XCTAssertNil(RepeatedSamples.warning(once, space: space))
        let agreeing = try XCTUnwrap(RepeatedSamples.warning(once + [LatencySample(arch: once[2].arch, latencyMs: 7.2)], space: space))
        XCTAssertTrue(agreeing.hasPrefix("1 architecture appears more than once among the samples (1 repeat)"), agreeing)
        XCTAssertFalse(agreeing.contains("disagree"), agreeing)
        // The helper's case: five measured twice, once as 1 ms.
        let conflicting = once + once.prefix(5).map { LatencySample(arch: $0.arch, latencyMs: 1) }
        let w = try XCTUnwrap(RepeatedSamples.warning(conflicting, space: space))
        XCTAssertTrue(w.hasPrefix("5 architectures appear more than once among the samples (5 repeats); 5 of them disagree"), w)
        XCTAssertTrue(w.contains(space.format(once[4].arch)) && w.contains("9.000, 1.000 ms"), "the widest disagreement is named: \(w)")
    }

    func testAdaptOnRepeatedSamplesSaysSo() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let m = try catalog.measurements(space: "nb201", device: "raspi4")
        let rows = Array(stride(from: 11, to: 15_625, by: 1_500))
        let samples = rows.map { LatencySample(arch: m.archs[$0], latencyMs: m.latency[$0]) }
        let doubled = samples + samples.prefix(5).map { LatencySample(arch: $0.arch, latencyMs: 1) }
        let out = try FewShotAdaptation.adapt(base: nil, pool: try fixtureLUTPool(["gold_6240", "pixel3"]), samples: doubled,
                                              targetName: "t", id: "t", seed: 1)
        XCTAssertTrue(out.predictor.metrics.warnings.contains { $0.contains("appear more than once") }, "\(out.predictor.metrics.warnings)")
    }
}
