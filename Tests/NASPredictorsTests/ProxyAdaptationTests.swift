import XCTest
import NASCore
import NASData
@testable import NASPredictors

final class ProxyAdaptationTests: XCTestCase {
    /// k samples of a device and the remaining (held-out) ones, from the nb201_oneproxy table.
    func split(_ catalog: DataCatalog, device: String, k: Int, seed: UInt64) throws -> ([LatencySample], [LatencySample]) {
        let t = try catalog.latencyTable("nb201_oneproxy")
        let col = try t.column(device)
        var rows = col.indices.filter { !col[$0].isNaN }
        var rng = SeededGenerator(seed: seed)
        for i in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(i, rng.nextInt(i + 1)) }
        let s = rows.map { LatencySample(arch: t.archs[$0], latencyMs: col[$0]) }
        return (Array(s.prefix(k)), Array(s.dropFirst(k)))
    }

    func testSamplesFromTheProxyItselfKeepItsRanking() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let proxy = try ProxyLatencyModel.measured(catalog: catalog, space: "nb201", device: "eagle_tpu")
        let (train, held) = try split(catalog, device: "eagle_tpu", k: 20, seed: 7)
        for method in [AdaptationMethod.affine, .auto] {
            let r = try ProxyAdaptation.adapt(proxy: proxy, targetName: "eagle_tpu_copy", samples: train,
                                              method: method, evalSamples: held, seed: 1)
            XCTAssertEqual(r.srccBefore, 1, accuracy: 1e-12)
            XCTAssertGreaterThan(r.srccAfter, 0.99, "\(method) \(r.predictor.variant)")
            XCTAssertEqual(r.evaluation, "evalSamples")
        }
    }

    func testAdaptationWith50SamplesRaisesSRCCOnAWeakPair() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        // eagle_jetson_16 -> rice_pixel3 is the weakest pair of the table (SRCC 0.32).
        let proxy = try ProxyLatencyModel.measured(catalog: catalog, space: "nb201", device: "eagle_jetson_16")
        let (train, held) = try split(catalog, device: "rice_pixel3", k: 50, seed: 3)
        let r = try ProxyAdaptation.adapt(proxy: proxy, targetName: "rice_pixel3", samples: train,
                                          method: .auto, evalSamples: held, seed: 3)
        XCTAssertLessThan(r.srccBefore, 0.4)
        XCTAssertGreaterThan(r.srccAfter, r.srccBefore + 0.3, r.predictor.variant)
        XCTAssertEqual(r.predictor.method, .residual)
        // Predictions are in the target's milliseconds.
        let pred = try r.predictor.predict(held.prefix(50).map(\.arch))
        let mape = zip(pred, held.prefix(50)).map { abs($0 - $1.latencyMs) / $1.latencyMs }.reduce(0, +) / 50
        XCTAssertLessThan(mape, 0.3)
        // Without evalSamples the figures are cross-validated on the samples.
        let cv = try ProxyAdaptation.adapt(proxy: proxy, targetName: "rice_pixel3", samples: train, seed: 3)
        XCTAssertEqual(cv.evaluation, "crossValidated")
        XCTAssertGreaterThan(cv.srccAfter, cv.srccBefore)
        XCTAssertFalse(cv.candidates.isEmpty)
    }

    func testMissingProxyMeasurementsAndBadInputAreErrors() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        // rice_edgetpu has no measurement (-1) for some archs: a measured proxy refuses them.
        let t = try catalog.latencyTable("nb201_oneproxy")
        let col = try t.column("rice_edgetpu")
        let missing = try XCTUnwrap(col.indices.first { col[$0].isNaN })
        let proxy = try ProxyLatencyModel.measured(catalog: catalog, space: "nb201", device: "rice_edgetpu")
        XCTAssertThrowsError(try proxy.predict([t.archs[missing]])) {
            XCTAssertEqual(($0 as? NASError)?.kind, .invalidParams)
        }
        let ok = col.indices.filter { !col[$0].isNaN }.prefix(2).map { LatencySample(arch: t.archs[$0], latencyMs: col[$0]) }
        XCTAssertThrowsError(try ProxyAdaptation.adapt(proxy: proxy, targetName: "x", samples: Array(ok))) {
            XCTAssertEqual(($0 as? NASError)?.kind, .insufficientSamples)
        }
        XCTAssertThrowsError(try ProxyAdaptation.adapt(proxy: proxy, targetName: "x", samples: Array(ok) + ok, method: .finetune)) {
            XCTAssertEqual(($0 as? NASError)?.kind, .invalidParams)
        }
    }

    func testBestProxyBaselinePicksTheBestRankingDevice() throws {
        let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate())
        let proxies = try ["eagle_jetson_16", "true_640", "rice_edgegpu"].map {
            try ProxyLatencyModel.measured(catalog: catalog, space: "nb201", device: $0)
        }
        let (train, _) = try split(catalog, device: "true_630", k: 20, seed: 5)
        let b = try ProxyAdaptation.bestProxyAffine(proxies: proxies, samples: train)
        XCTAssertEqual(b.proxy.name, "true_640")  // SRCC 0.998 with true_630
        XCTAssertGreaterThan(b.sampleSRCC, 0.95)
    }
}
