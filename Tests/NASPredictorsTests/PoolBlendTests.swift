import XCTest
import NASCore
import NASSpaces
@testable import NASPredictors

/// A blend fitted with a negative intercept turns into a ray through 0 below its samples
/// (`PoolBlend.knee`, issue 17): it never collapses a whole range of cells onto the 1e-6 ms
/// floor, it keeps their order, and its file keeps the knee.
final class PoolBlendTests: XCTestCase {
    /// Unit-test data, not measurements: one member; the target is 2.4 × member − 3 ms on
    /// samples whose member values run from 3 to 25 ms (a line reaching 0 at 1.25 ms).
    func lineWithNegativeIntercept() -> (values: [[Double]], y: [Double]) {
        let member = (0..<12).map { 3 + 2 * Double($0) }
        return ([member], member.map { 2.4 * $0 - 3 })
    }

    func testNegativeInterceptTurnsIntoARayBelowTheLeastSample() throws {
        let (values, y) = lineWithNegativeIntercept()
        let blend = PoolBlend.fit(values, y: y, rows: Array(y.indices))
        XCTAssertEqual(blend.intercept, -3, accuracy: 1e-4)
        XCTAssertEqual(blend.knee, 2.4 * 3, accuracy: 1e-3, "the least weighted sum of the samples")
        // On and above the samples: the fitted line.
        XCTAssertEqual(blend.value { _ in 10 }, 21, accuracy: 1e-3)
        XCTAssertEqual(blend.value { _ in 3 }, 4.2, accuracy: 1e-3)
        // Below them: in proportion to the member, positive and in order (the line alone gives
        // 1e-6 ms for every member value under 1.25 ms).
        let below = [0.2, 0.5, 1.0, 1.25, 2.0].map { v in blend.value { _ in v } }
        XCTAssertEqual(below[2], 4.2 / 3, accuracy: 1e-3)
        XCTAssertEqual(below, below.sorted())
        XCTAssertEqual(Set(below).count, below.count)
        XCTAssertGreaterThan(below[0], 0.2)
        // A positive intercept keeps the line (no knee); so does a blend whose line is not positive
        // at its least sample.
        XCTAssertEqual(PoolBlend.fit(values, y: values[0].map { 2 * $0 + 1 }, rows: Array(y.indices)).knee, 0)
        var unfit = PoolBlend(members: [0], weights: [1], intercept: -5)
        unfit = unfit.withKnee([[1, 2, 4]], rows: [0, 1, 2])
        XCTAssertEqual(unfit.knee, 0)
    }

    func testTheKneeSurvivesTheModelAndItsFile() throws {
        let space = try SpaceRegistry.space("nb201")
        let enc = ActiveOneHot(space: space)
        // A one-member blend of an additive table (unit-test costs) whose samples all lie above 3 ms.
        let lut = LUTModel(bias: 0.5, costs: (0..<enc.dimension).map { 0.2 + 0.1 * Double($0 % 5) })
        let archs = space.sample(count: 200, seed: 5)
        let member = try LatencyModel.lut(lut).predict(archs, space: space, encoding: enc)
        let rows = archs.indices.filter { member[$0] >= 3 }
        let blend = PoolBlend.fit([member], y: member.map { 2.4 * $0 - 3 }, rows: rows)
        XCTAssertGreaterThan(blend.knee, 0)
        let model = LatencyModel.blend([.lut(lut)], weights: blend.weights, intercept: blend.intercept, knee: blend.knee)
        let predicted = try model.predict(archs, space: space, encoding: enc)
        for i in archs.indices { XCTAssertEqual(predicted[i], blend.value { _ in member[i] }, accuracy: 1e-9) }
        XCTAssertTrue(archs.indices.filter { member[$0] < 1.25 }.allSatisfy { predicted[$0] > 0.1 })
        let p = TrainedPredictor(id: "kneed", spaceID: "nb201", device: "synthetic", model: model,
                                 metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: rows.count, testCount: 0,
                                                           variant: "blend"),
                                 notes: [:])
        let q = try PredictorFile.decode(PredictorFile.encode(p))
        XCTAssertEqual(q, p)
        XCTAssertEqual(try q.predict(archs: archs), predicted)
    }
}
