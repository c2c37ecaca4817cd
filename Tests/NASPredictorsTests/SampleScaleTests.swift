import XCTest
import NASCore
import NASData
import NASSpaces
@testable import NASPredictors

/// `SampleScale`: samples given in the wrong unit are named; real devices' scales are not.
final class SampleScaleTests: XCTestCase {
    /// 20 raspi4 measurements and three other devices' measurements of the same NB201 cells.
    func fixture() throws -> (samples: [LatencySample], references: [(name: String, latency: [Double])]) {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let ids = Array(stride(from: 11, to: 15_625, by: 780))
        let target = try catalog.measurements(space: "nb201", device: "raspi4")
        let samples = ids.map { LatencySample(arch: target.archs[$0], latencyMs: target.latency[$0]) }
        let refs = try ["pixel3", "gold_6240", "titan_rtx_1"].map { d in
            let m = try catalog.measurements(space: "nb201", device: d)
            return (name: d, latency: ids.map { m.latency[$0] })
        }
        return (samples, refs)
    }

    func scaled(_ s: [LatencySample], _ k: Double) -> [LatencySample] {
        s.map { LatencySample(arch: $0.arch, latencyMs: $0.latencyMs * k) }
    }

    func testSecondsAndMicrosecondsAreNamedRealScalesAreNot() throws {
        let (samples, refs) = try fixture()
        XCTAssertNil(SampleScale.warning(samples: samples, references: refs), "raspi4 in ms sits among the devices")
        // A device 10 × slower or faster than raspi4 (23 × slower than the slowest of these) is still plausible.
        XCTAssertNil(SampleScale.warning(samples: scaled(samples, 10), references: refs))
        XCTAssertNil(SampleScale.warning(samples: scaled(samples, 0.1), references: refs))
        let seconds = try XCTUnwrap(SampleScale.warning(samples: scaled(samples, 1e-3), references: refs))
        XCTAssertTrue(seconds.contains("measured in seconds"), seconds)
        XCTAssertTrue(seconds.contains("below the fastest of 3 reference devices"), seconds)
        let micro = try XCTUnwrap(SampleScale.warning(samples: scaled(samples, 1e3), references: refs))
        XCTAssertTrue(micro.contains("measured in microseconds"), micro)
        XCTAssertTrue(micro.contains("above the slowest of 3 reference devices"), micro)
        // One reference is named as such.
        let one = try XCTUnwrap(SampleScale.warning(samples: scaled(samples, 1e-3), references: [refs[0]]))
        XCTAssertTrue(one.contains("the reference pixel3"), one)
        // Nothing to say from fewer than 3 samples, no reference, or misaligned references.
        XCTAssertNil(SampleScale.warning(samples: Array(scaled(samples, 1e-3).prefix(2)), references: refs))
        XCTAssertNil(SampleScale.warning(samples: scaled(samples, 1e-3), references: []))
        XCTAssertNil(SampleScale.warning(samples: scaled(samples, 1e-3), references: [(name: "x", latency: [1, 2])]))
    }

    func testFactorsAreRoundedToTwoDigits() {
        XCTAssertEqual(SampleScale.times(44.3), "44 ×")
        XCTAssertEqual(SampleScale.times(980.4), "980 ×")
        XCTAssertEqual(SampleScale.times(1234), "1,200 ×")
        XCTAssertEqual(SampleScale.times(2_600_000), "2,600,000 ×")
        XCTAssertEqual(SampleScale.times(21), "21 ×")
    }

    /// `adapt` on samples given in seconds: the same fit, and a warning that says why its
    /// budgets will be off.
    func testAdaptWarnsOfSamplesInSeconds() throws {
        let pool = try fixtureLUTPool(["gold_6240", "pixel3"])
        let (samples, _) = try fixture()
        let ms = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: samples, targetName: "t", id: "t", seed: 1)
        XCTAssertFalse(ms.predictor.metrics.warnings.contains { $0.contains("milliseconds") }, "\(ms.predictor.metrics.warnings)")
        let s = try FewShotAdaptation.adapt(base: nil, pool: pool, samples: scaled(samples, 1e-3), targetName: "t", id: "t", seed: 1)
        XCTAssertTrue(s.predictor.metrics.warnings.contains { $0.contains("measured in seconds") }, "\(s.predictor.metrics.warnings)")
        // A family's own warnings name the family (the result may average several).
        for w in s.predictor.metrics.warnings where !w.contains("measured in seconds") && !w.contains("data path") {
            XCTAssertTrue(FewShotAdaptation.Family.allCases.contains { w.hasPrefix("\($0.rawValue) family: ") }, w)
        }
    }
}
