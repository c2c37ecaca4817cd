import XCTest
@testable import NASNeural
@testable import NASPredictors

final class ErrorProfileTests: XCTestCase {
    func testBinsQuantilesMarginsAndTextRoundTrip() throws {
        // Synthetic held-out pairs (unit-test data, not measurements): predictions 1…1000 ms;
        // below 500 ms the measured value is predicted × (1 + u) with u uniform in [0, 0.1), above
        // it u is in [0, 0.3).
        var predicted: [Double] = [], actual: [Double] = []
        for i in 0..<1000 {
            let p = Double(i + 1)
            let u = Double((i * 7919) % 1000) / 1000
            predicted.append(p)
            actual.append(p * (1 + u * (p <= 500 ? 0.1 : 0.3)))
        }
        let profile = try XCTUnwrap(ErrorProfile(predicted: predicted, actual: actual, minimumPerBin: 100, maxBins: 4))
        XCTAssertEqual(profile.upper, [250, 500, 750, 1000])
        XCTAssertEqual(profile.margin(budget: 100, confidence: 0.95), 0.095, accuracy: 0.005)
        XCTAssertEqual(profile.margin(budget: 900, confidence: 0.95), 0.285, accuracy: 0.01)
        XCTAssertEqual(profile.margin(budget: 900, confidence: 0.5), 0.15, accuracy: 0.01)
        // Between levels it interpolates; outside the bins the nearest bin answers.
        let mid = profile.margin(budget: 900, confidence: 0.925)
        XCTAssertEqual(mid, (profile.margin(budget: 900, confidence: 0.9) + profile.margin(budget: 900, confidence: 0.95)) / 2, accuracy: 1e-9)
        XCTAssertEqual(profile.margin(budget: 5000, confidence: 0.95), profile.margin(budget: 900, confidence: 0.95))
        XCTAssertEqual(profile.margin(budget: 0.1, confidence: 0.95), profile.margin(budget: 100, confidence: 0.95))
        // Predictions that are too high give negative ratios; the margin never goes below 0.
        let low = try XCTUnwrap(ErrorProfile(predicted: predicted, actual: predicted.map { $0 * 0.8 }))
        XCTAssertEqual(low.margin(budget: 10, confidence: 0.99), 0)
        // Saved as text in notes and read back.
        XCTAssertEqual(ErrorProfile(encoded: profile.encoded), profile)
        XCTAssertNil(ErrorProfile(encoded: "v2;1:0,0,0,0,0"))
        XCTAssertNil(ErrorProfile(encoded: "v1;1:0,0,0"))
        XCTAssertNil(ErrorProfile(encoded: "v1;5:0,0,0,0,0;1:0,0,0,0,0"), "bins must ascend")
        // Too few pairs: no profile.
        XCTAssertNil(ErrorProfile(predicted: Array(predicted.prefix(19)), actual: Array(actual.prefix(19))))
    }
}

final class ErrorProfileIntervalTests: XCTestCase {
    func testIntervalsCoverTheirLevelAndOldProfilesGiveNone() throws {
        // Synthetic pairs (unit-test data, not measurements): measured = predicted × (1 + u), u
        // uniform in [−0.2, 0.2) from a fixed sequence.
        var predicted: [Double] = [], actual: [Double] = []
        for i in 0..<4000 {
            let p = 1 + Double(i % 100)
            let u = Double((i * 7919) % 4000) / 4000 * 0.4 - 0.2
            predicted.append(p)
            actual.append(p * (1 + u))
        }
        let profile = try XCTUnwrap(ErrorProfile(predicted: predicted, actual: actual))
        XCTAssertTrue(profile.hasIntervals)
        let b = try XCTUnwrap(profile.interval(prediction: 50, level: 0.9))
        XCTAssertEqual(b.lower, 50 * 0.82, accuracy: 0.5)
        XCTAssertEqual(b.upper, 50 * 1.18, accuracy: 0.5)
        let covered = zip(predicted, actual).filter { p, a in
            let i = profile.interval(prediction: p, level: 0.9)!
            return a >= i.lower && a <= i.upper
        }.count
        XCTAssertEqual(Double(covered) / Double(predicted.count), 0.9, accuracy: 0.02)
        XCTAssertEqual(ErrorProfile(encoded: profile.encoded), profile)
        // A recipe-3 profile (v1) still gives margins, but no intervals.
        let v1 = try XCTUnwrap(ErrorProfile(encoded: "v1;10:0.01,0.02,0.03,0.04,0.05"))
        XCTAssertEqual(v1.margin(budget: 5, confidence: 0.95), 0.04, accuracy: 1e-12)
        XCTAssertNil(v1.interval(prediction: 5, level: 0.9))
        XCTAssertEqual(v1.encoded, "v1;10.0:0.01,0.02,0.03,0.04,0.05")
    }

    func testFewSampleProfileUsesStudentTQuantiles() throws {
        XCTAssertEqual(StudentT.normalQuantile(0.975), 1.959964, accuracy: 1e-5)
        XCTAssertEqual(StudentT.quantile(0.975, degreesOfFreedom: 10), 2.228139, accuracy: 0.01)
        XCTAssertEqual(StudentT.quantile(0.95, degreesOfFreedom: 19), 1.729133, accuracy: 0.005)
        // 20 out-of-fold pairs whose log ratios have mean 0 and standard deviation 0.1.
        let logs = (0..<20).map { i in (i % 2 == 0 ? 1.0 : -1.0) * 0.1 / (20.0 / 19).squareRoot() }
        let predicted = [Double](repeating: 2, count: 20), actual = logs.map { 2 * exp($0) }
        let p = try XCTUnwrap(ErrorProfile(fewSamplesPredicted: predicted, actual: actual))
        let t95 = StudentT.quantile(0.95, degreesOfFreedom: 19)
        XCTAssertEqual(p.margin(budget: 2, confidence: 0.95), expm1(t95 * 0.1 * (21.0 / 20).squareRoot()), accuracy: 1e-3)
        XCTAssertNil(ErrorProfile(fewSamplesPredicted: [1, 2, 3, 4], actual: [1, 2, 3, 4]))
    }
}
