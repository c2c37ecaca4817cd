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
