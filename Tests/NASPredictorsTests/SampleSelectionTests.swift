import XCTest
import NASCore
import NASData
import NASSpaces
@testable import NASPredictors

/// `suggestSamples`' domain logic: the selection criteria, the suggester (sequential use, the
/// leave-one-proxy-out estimate) and the learning curve behind `moreSamples`.
final class SampleSelectionTests: XCTestCase {
    /// 200 candidates on a line (one member, log-latency i/200) plus a second member that
    /// disagrees on the odd ones.
    let line: [[Double]] = {
        let base: [Double] = (0..<200).map { (i: Int) -> Double in Double(i) / 200 }
        let bumped: [Double] = (0..<200).map { (i: Int) -> Double in Double(i) / 200 + (i % 2 == 0 ? 0.0 : 0.3) }
        return [base, bumped]
    }()

    func testEveryCriterionPicksDistinctFreeCandidatesDeterministically() {
        let fixed = [3, 150]
        let oneHot: [[Int]] = (0..<200).map { (i: Int) -> [Int] in [i % 5, 5 + (i / 5) % 4] }
        for c in SampleCriterion.allCases {
            let a = SampleSelection.select(count: 12, logValues: line, oneHot: oneHot, oneHotWidth: 9, fixed: fixed, criterion: c, seed: 4)
            XCTAssertEqual(a.count, 12, "\(c)")
            XCTAssertEqual(Set(a).count, 12, "\(c): no repeats")
            XCTAssertTrue(Set(a).isDisjoint(with: fixed), "\(c): never a measured one")
            XCTAssertEqual(a, SampleSelection.select(count: 12, logValues: line, oneHot: oneHot, oneHotWidth: 9, fixed: fixed,
                                                     criterion: c, seed: 4), "\(c): same seed, same picks")
        }
        // More than there are: all the free ones.
        XCTAssertEqual(Set(SampleSelection.select(count: 500, logValues: line, fixed: fixed, criterion: .kCenter, seed: 0)).count, 198)
        XCTAssertEqual(SampleSelection.select(count: 0, logValues: line, criterion: .stratified, seed: 0), [])
    }

    func testKCenterAndStratifiedSpanTheLatencyRange() {
        let k = SampleSelection.select(count: 3, logValues: line, criterion: .kCenter, seed: 0)
        // From the most central candidate, then the two ends.
        XCTAssertTrue(k.contains { $0 >= 190 } && k.contains { $0 <= 10 }, "\(k)")
        let s = SampleSelection.select(count: 10, logValues: line, criterion: .stratified, seed: 0)
        // One pick per tenth of the mean log-latency: every decile is hit once.
        let level: [Double] = (0..<200).map { (i: Int) -> Double in (line[0][i] + line[1][i]) / 2 }
        let order = (0..<200).sorted { level[$0] < level[$1] }
        var decile: [Int: Int] = [:]
        for (rank, i) in order.enumerated() { decile[i] = rank * 10 / 200 }
        XCTAssertEqual(Set(s.map { decile[$0]! }), Set(0..<10), "\(s)")
    }

    func testWeightsDropMembersAndFixedPointsRepel() {
        // Member 0 weighs 0: the distance is member 1's alone, whose largest value is the odd 199.
        let two = SampleSelection.select(count: 2, logValues: line, weights: [0, 1], criterion: .kCenter, seed: 0)
        XCTAssertEqual(two.count, 2)
        XCTAssertTrue(two.contains(199) || two.contains(0), "\(two)")
        // A fixed point at the top end: farthest-first goes to the bottom end first.
        let next = SampleSelection.select(count: 1, logValues: [line[0]], fixed: [199], criterion: .kCenter, seed: 0)
        XCTAssertEqual(next, [0])
    }

    func testLearningCurveRisesWithMoreSamplesAndStaysFlatWhenNoiseFalls() {
        let up = LearningCurve.fit([.init(samples: 10, srcc: 0.80), .init(samples: 15, srcc: 0.86), .init(samples: 20, srcc: 0.89)])
        XCTAssertGreaterThan(up.b, 0)
        XCTAssertGreaterThan(up.a - up.b / LearningCurve.trainingSize(40), up.a - up.b / LearningCurve.trainingSize(20))
        let down = LearningCurve.fit([.init(samples: 10, srcc: 0.9), .init(samples: 15, srcc: 0.85), .init(samples: 20, srcc: 0.84)])
        XCTAssertEqual(down.b, 0)
        XCTAssertEqual(down.a, (0.9 + 0.85 + 0.84) / 3, accuracy: 1e-12)
    }

    func testClosenessDiscountsAProxyThatOnlyOneSampleSupports() {
        // Nine networks close together and one far off: proxy b matches the far one exactly but
        // orders the nine at random; a follows the nine and underestimates the far one.
        let logY = [10, 11, 12, 13, 14, 15, 16, 17, 18, 60.0].map { log($0) }
        let a = [10.5, 11.2, 11.9, 13.3, 13.8, 15.4, 15.9, 17.2, 18.1, 21]
        let b = [14, 12, 17, 11, 16, 10, 18, 13, 15, 60.0]
        XCTAssertGreaterThan(RankCorrelation.pearson(b.map { log($0) }, logY), RankCorrelation.pearson(a.map { log($0) }, logY),
                             "on all ten, b's log-Pearson is the higher")
        XCTAssertGreaterThan(SampleSuggester.closeness(a, logY), 0.8)
        XCTAssertLessThan(SampleSuggester.closeness(b, logY), 0.2)
    }

    func testTwinFreePoolLeavesTheHeldProxysNearestTwinsOut() {
        let base: [Double] = (0..<50).map { Double($0) / 50 }
        let wiggle: [Double] = (0..<50).map { sin(Double($0)) }
        // Member 0 is held; 1 and 2 are near copies of it, 3 and 4 less alike.
        let members = [base, zip(base, wiggle).map { $0 + 0.01 * $1 }, zip(base, wiggle).map { $0 + 0.02 * $1 },
                       zip(base, wiggle).map { $0 + 0.5 * $1 }, wiggle]
        XCTAssertEqual(Set(SampleSuggester.twinFreePool(held: 0, logValues: members)), [3, 4])
        // At least two remain.
        XCTAssertEqual(SampleSuggester.twinFreePool(held: 0, logValues: Array(members.prefix(3))).count, 2)
    }

    func testMoreSamplesKeepsTheShrunkShareOfTheCurvesGain() throws {
        // Out-of-fold predictions whose noise falls with the subset size: a rising curve.
        let y: [Double] = (0..<20).map { Double($0) }
        let full = 0.9
        let e = try XCTUnwrap(LearningCurve.estimate(y: y, fullSRCC: full, seed: 3) { (subset: [Int]) throws(NASError) -> [Double]? in
            subset.map { y[$0] + (subset.count < 12 ? 12 : 6) * sin(Double($0 * 7)) }
        })
        XCTAssertGreaterThan(e.curveSRCC, e.currentSRCC)
        XCTAssertEqual(e.expectedSRCC, e.currentSRCC + LearningCurve.gainShrinkage * (e.curveSRCC - e.currentSRCC), accuracy: 1e-12)
        XCTAssertLessThan(e.expectedSRCC, e.curveSRCC)
    }

    /// NB201 cells with synthetic proxies: each a per-(edge, op) cost table; the "new device"
    /// measures exactly as proxy d3, so sequential use names d3 as the best proxy.
    func testSuggesterIsSequentialAndEstimatesItsSRCC() throws {
        let space = try SpaceRegistry.space("nb201")
        let all = space.enumerateAll()!.filter { !space.isDegenerate($0) }
        let candidates = Array(all.prefix(600))
        // Related devices, as a space's measured devices are: one shared per-op cost, each device
        // scaling every op by its own factor in 0.8...1.2.
        var shared = SeededGenerator(seed: 99)
        let base: [Double] = (0..<30).map { _ in 0.1 + shared.nextDouble() }
        func device(_ seed: UInt64) -> ProxyLatencyModel {
            var rng = SeededGenerator(seed: seed)
            let cost: [Double] = base.map { $0 * (0.8 + 0.4 * rng.nextDouble()) }
            return ProxyLatencyModel(name: "d\(seed)", space: space) { (archs: [Architecture]) throws(NASError) -> [Double] in
                archs.map { a in (0..<6).reduce(0.05) { $0 + cost[$1 * 5 + Int(a.genes[$1])] } }
            }
        }
        let proxies = (1...5).map { device(UInt64($0)) }
        let first = try SampleSuggester.suggest(space: space, candidates: candidates, proxies: proxies, count: 8, seed: 1)
        XCTAssertEqual(first.archs.count, 8)
        XCTAssertEqual(first.criterion, SampleSuggester.defaultCriterion)
        let expected = try XCTUnwrap(first.expectedSRCC)
        XCTAssertFalse(first.estimate.isEmpty)
        XCTAssertTrue((0.5...1).contains(expected), "additive proxies adapt well from 8 picks: \(expected)")
        // Sequential: measure the picks on proxy 0's device, ask again.
        let values = try proxies[2].predict(first.archs)
        let measured = zip(first.archs, values).map { LatencySample(arch: $0.0, latencyMs: $0.1) }
        let second = try SampleSuggester.suggest(space: space, candidates: candidates, proxies: proxies, count: 8,
                                                 measured: measured, seed: 1, estimate: false)
        XCTAssertTrue(Set(second.archs).isDisjoint(with: first.archs), "never the measured ones again")
        XCTAssertEqual(second.bestProxy?.name, "d3")
        XCTAssertEqual(second.bestProxy?.srcc ?? 0, 1, accuracy: 1e-9)
        XCTAssertNil(second.expectedSRCC)
        XCTAssertThrowsError(try SampleSuggester.suggest(space: space, candidates: candidates, proxies: [], count: 3))
    }
}
