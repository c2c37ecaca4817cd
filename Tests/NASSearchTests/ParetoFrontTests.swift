import NASCore
import XCTest
@testable import NASSearch

final class ParetoFrontTests: XCTestCase {
    func testHypervolumeOfAHandMadeFront() {
        // Boxes [1,4]×[0,3] and [2,4]×[0,5]: 9 + 10 − 6 = 13. The dominated (3, 4) and the point
        // beyond the reference latency add nothing.
        let hv = ParetoFront.hypervolume(latency: [1, 2, 3, 5], accuracy: [3, 5, 4, 9],
                                         referenceLatency: 4, referenceAccuracy: 0)
        XCTAssertEqual(hv, 13, accuracy: 1e-12)
        // Three steps: (1,1),(2,2),(3,3) ref (4,0): 1·1 + 1·2 + 1·3 = 6.
        XCTAssertEqual(ParetoFront.hypervolume(latency: [3, 1, 2], accuracy: [3, 1, 2],
                                               referenceLatency: 4, referenceAccuracy: 0), 6, accuracy: 1e-12)
        XCTAssertEqual(ParetoFront.hypervolume(latency: [], accuracy: [], referenceLatency: 4, referenceAccuracy: 0), 0)
    }

    func testReuseOfAProxyFront() {
        // Five architectures whose target latency and accuracy rise together: all on the true front.
        let target = [1.0, 2, 3, 4, 5], accuracy = [1.0, 2, 3, 4, 5]
        let same = ParetoReuse.evaluate(proxyLatency: target.map { 3 * $0 }, targetLatency: target, accuracy: accuracy)
        XCTAssertEqual(same.trueFront, [0, 1, 2, 3, 4])
        XCTAssertEqual(same.proxyFront, [0, 1, 2, 3, 4])
        XCTAssertEqual(same.recovered, 1)
        XCTAssertEqual(same.hypervolumeRatio, 1, accuracy: 1e-12)
        XCTAssertEqual(same.spearman, 1, accuracy: 1e-12)
        // A proxy that reverses the ranking calls the slowest (and most accurate) one the fastest:
        // its front is that one alone, which sits on the reference latency and adds no volume.
        let reversed = ParetoReuse.evaluate(proxyLatency: [5, 4, 3, 2, 1], targetLatency: target, accuracy: accuracy)
        XCTAssertEqual(reversed.proxyFront, [4])
        XCTAssertEqual(reversed.recovered, 0.2, accuracy: 1e-12)
        XCTAssertEqual(reversed.hypervolumeRatio, 0, accuracy: 1e-12)
        XCTAssertEqual(reversed.spearman, -1, accuracy: 1e-12)
        // An architecture without a measurement (NaN) is on neither front and not in the correlation.
        let partial = ParetoReuse.evaluate(proxyLatency: [1, 2, 0.5], targetLatency: [1, 2, .nan], accuracy: [1, 2, 9])
        XCTAssertEqual(partial.trueFront, [0, 1])
        XCTAssertFalse(partial.proxyFront.contains(2))
        XCTAssertEqual(partial.spearman, 1, accuracy: 1e-12)
    }

    func testNonDominatedFilter() {
        let lat = [1.0, 2, 2, 3, 4, .nan, 0.5]
        let acc = [1.0, 3, 2, 3, 5, 9, .nan]
        XCTAssertEqual(ParetoFront.nonDominated(latency: lat, accuracy: acc), [0, 1, 4])
    }

    func testArchiveMatchesTheBatchFilter() {
        var rng = SeededGenerator(seed: 3)
        var archive = ParetoArchive()
        var lat: [Double] = [], acc: [Double] = []
        for i in 0..<2000 {
            let l = Double(rng.nextInt(200)) / 10, a = Double(rng.nextInt(300)) / 10
            lat.append(l)
            acc.append(a)
            archive.insert(latency: l, accuracy: a, id: i)
        }
        let batch = ParetoFront.nonDominated(latency: lat, accuracy: acc)
        XCTAssertEqual(archive.latency, batch.map { lat[$0] })
        XCTAssertEqual(archive.accuracy, batch.map { acc[$0] })
        XCTAssertEqual(archive.ids, batch)
    }

    func testArchiveReplacesAnEqualLatencyPointWithAMoreAccurateOne() {
        var a = ParetoArchive()
        XCTAssertTrue(a.insert(latency: 5, accuracy: 90, id: 0))
        XCTAssertFalse(a.insert(latency: 5, accuracy: 90, id: 1))
        XCTAssertTrue(a.insert(latency: 5, accuracy: 95, id: 2))
        XCTAssertEqual(a.ids, [2])
        XCTAssertFalse(a.insert(latency: .nan, accuracy: 99, id: 3))
    }
}
