import XCTest
import NASCore
import NASSpaces
@testable import NASPredictors

/// `PoolMixture` (`adapt`'s `mix` family): its leave-one-out weights, sibling shares and bad inputs.
final class PoolMixtureTests: XCTestCase {
    private let space = NB201Space()

    /// A LUT fitted on synthetic latencies: the model a member blends (its `predict` is set apart).
    private func lut() throws -> LatencyModel {
        let archs = space.sample(count: 200, seed: 1)
        let y = archs.map { 1 + Double($0.genes.reduce(0) { $0 + Int($1) }) * 0.2 }
        return .lut(try LUTModel.fit(archs: archs, latency: y, space: space, encoding: ActiveOneHot(space: space)))
    }

    /// A member that predicts `values` for the samples, whatever they are.
    private func member(_ name: String, _ values: [Double], model: LatencyModel) -> ProxyLatencyModel {
        ProxyLatencyModel(name: name, space: space, model: model) { (_: [Architecture]) throws(NASError) -> [Double] in values }
    }

    private func samples(_ latencies: [Double]) -> [LatencySample] {
        zip(space.sample(count: latencies.count, seed: 7), latencies).map { LatencySample(arch: $0, latencyMs: $1) }
    }

    /// The weights the documented rule gives with each residual from a map refitted without its sample.
    private func refitWeights(_ values: [[Double]], target: [Double], shares: [Double]) -> [Double] {
        let n = Double(target.count)
        let logW = values.indices.map { j -> Double in
            var s2 = 0.0
            for i in target.indices {
                let src = values[j].indices.filter { $0 != i }.map { values[j][$0] }
                let tgt = target.indices.filter { $0 != i }.map { target[$0] }
                let map = AffineLogMap.fit(source: src, target: tgt)
                let r = log(target[i]) - (map.offset + map.scale * log(values[j][i]))
                s2 += r * r / n
            }
            return -PoolMixture.temperature * n / 2 * log(max(s2, 1e-8)) + log(shares[j])
        }
        let w = logW.map { exp($0 - logW.max()!) }
        return w.map { $0 / w.reduce(0, +) }
    }

    func testLeaveOneOutResidualsAreThoseOfMapsRefittedWithoutTheSample() {
        var rng = SeededGenerator(seed: 3)
        let cases: [([Double], [Double])] = [
            ([1, 1.02, 0.99, 5.0], [2, 2.1, 1.9, 3.0]),          // one sample of high leverage
            ([3, 3, 7], [1, 2, 3]),                               // k = 3, two equal sources
            ([2, 2, 2, 2, 2], [1, 2, 3, 4, 5]),                   // a constant member
            ([1, 2, 3, 4, 5, 6], [4, 4, 4, 4, 4, 4]),             // constant samples
            ([1, 1.0001, 1.0002, 1.0003], [1, 10, 100, 1000]),    // the scale's upper bound
            ((0..<12).map { _ in Double.random(in: 0.5...20, using: &rng) }, (0..<12).map { _ in Double.random(in: 0.5...20, using: &rng) }),
        ]
        for (source, target) in cases {
            let loo = AffineLogMap.leaveOneOutResiduals(source: source, target: target)
            XCTAssertEqual(loo.count, source.count)
            for i in source.indices {
                let map = AffineLogMap.fit(source: source.indices.filter { $0 != i }.map { source[$0] },
                                           target: target.indices.filter { $0 != i }.map { target[$0] })
                XCTAssertEqual(loo[i], log(target[i]) - (map.offset + map.scale * log(source[i])), accuracy: 1e-6, "\(source) \(i)")
            }
        }
        XCTAssertEqual(AffineLogMap.leaveOneOutResiduals(source: [1], target: [2]), [])
    }

    func testWeightsComeFromResidualsOfMapsFittedWithoutEachSample() throws {
        let model = try lut()
        // Member a fits the first three samples and passes through the fourth only because that
        // sample alone sets its slope: left out, it is predicted badly. b is an honest fair fit.
        let target = [2, 2.1, 1.9, 3.0]
        let values = [[1, 1.02, 0.99, 5.0], [1.5, 1.62, 1.41, 2.1]]
        let fit = try PoolMixture.fit([member("a", values[0], model: model), member("b", values[1], model: model)], samples: samples(target))
        let expected = refitWeights(values, target: target, shares: [1, 1])
        let got = ["a", "b"].map { name in fit.weights.first { $0.member == name }?.weight ?? 0 }
        for (g, e) in zip(got, expected) { XCTAssertEqual(g, e, accuracy: 1e-6, "\(fit.weights) vs \(expected)") }
        XCTAssertGreaterThan(got[1], got[0])
    }

    func testAMemberWithNonFinitePredictionsGetsNoWeight() throws {
        let model = try lut()
        let target = [1.0, 2, 3, 4, 5]
        let good = member("good", [1.1, 2.2, 2.9, 4.2, 5.1], model: model)
        let bad = member("bad", [1, .nan, 3, 4, 5], model: model)
        let inf = member("inf", [1, 2, .infinity, 4, 5], model: model)
        let fit = try PoolMixture.fit([bad, good, inf], samples: samples(target))
        XCTAssertEqual(fit.weights.map(\.member), ["good"])
        XCTAssertEqual(fit.weights.first?.weight, 1)
        let p = try fit.model.predict(space.sample(count: 5, seed: 9), space: space, encoding: ActiveOneHot(space: space))
        XCTAssertTrue(p.allSatisfy { $0.isFinite && $0 > 0 }, "\(p)")
        XCTAssertThrowsError(try PoolMixture.fit([bad, inf], samples: samples(target))) {
            XCTAssertEqual(($0 as? NASError)?.kind, .invalidParams)
        }
    }

    func testBadSamplesAndMismatchedNamesAreClearErrors() throws {
        let model = try lut()
        let m = member("m", [1, 2, 3], model: model)
        for bad in [Double.nan, .infinity, 0, -1] {
            XCTAssertThrowsError(try PoolMixture.fit([m], samples: samples([1, bad, 3])), "\(bad)") {
                XCTAssertEqual(($0 as? NASError)?.kind, .invalidParams)
                XCTAssertEqual(($0 as? NASError)?.field, "target.samples[1].latency_ms")
            }
        }
        XCTAssertThrowsError(try PoolMixture.fit([m], samples: samples([1, 2]))) {
            XCTAssertEqual(($0 as? NASError)?.kind, .insufficientSamples)
        }
        XCTAssertThrowsError(try PoolMixture.fit([m], samples: samples([1, 2, 3]), deviceNames: ["a", "b"])) {
            XCTAssertEqual(($0 as? NASError)?.kind, .invalidParams)
        }
    }

    func testABaseNamedByItsPredictorIDSharesItsDevicesPriorWithItsSiblings() throws {
        let model = try lut()
        // Three members predicting the same: their weights are their prior shares alone.
        let archs = space.sample(count: 8, seed: 11)
        let values = try model.predict(archs, space: space, encoding: ActiveOneHot(space: space))
        let given = zip(archs, values).enumerated().map { LatencySample(arch: $1.0, latencyMs: $1.1 * (1 + 0.05 * Double($0 % 3))) }
        let base = TrainedPredictor(id: PredictorStore.defaultID(space: "nb201", device: "titanx_32"), spaceID: "nb201", device: "titanx_32",
                                    model: model, metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: 0, testCount: 0, variant: "lut"))
        let pool: [ProxyLatencyModel] = [.model(model, name: "titanx_1", space: space), .model(model, name: "pixel3", space: space)]
        let out = try FewShotAdaptation.adapt(base: base, pool: pool, samples: given, targetName: "t", id: "t", families: [.mix])
        let w = Dictionary(uniqueKeysWithValues: out.weights.map { ($0.member, $0.weight) })
        XCTAssertEqual(w[base.id] ?? 0, 0.25, accuracy: 1e-9, "\(out.weights)")
        XCTAssertEqual(w["titanx_1"] ?? 0, 0.25, accuracy: 1e-9)
        XCTAssertEqual(w["pixel3"] ?? 0, 0.5, accuracy: 1e-9)
    }
}
