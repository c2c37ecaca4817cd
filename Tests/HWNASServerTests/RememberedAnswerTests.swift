import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import NASPredictors
import XCTest

/// Answers kept for repeats (`DomainServices.remembered`): each kind of request keeps its own
/// last 64; a request that fits and registers a predictor is answered from memory while no
/// predictor changed (`rememberedFit`), never from a stale state.
final class RememberedAnswerTests: XCTestCase {
    private struct Shelved: Hashable, Sendable, ShelvedKey {
        var shelf: String
        var n: Int
    }

    func testEachKindOfRequestKeepsItsLast64() throws {
        let (services, _) = try services()
        var computed = 0
        func ask<K: Hashable & Sendable>(_ key: K) throws -> Int {
            try services.remembered(key) { () throws(NASError) in computed += 1; return computed }
        }
        XCTAssertEqual(try ask("a search"), 1)
        for n in 0..<100 { _ = try ask(Shelved(shelf: "predict", n: n)) }
        XCTAssertEqual(computed, 101)
        XCTAssertEqual(try ask("a search"), 1, "another kind's 100 answers left it kept")
        XCTAssertEqual(try ask(Shelved(shelf: "predict", n: 99)), 101, "the newest 64 of a kind are kept")
        XCTAssertEqual(try ask(Shelved(shelf: "predict", n: 36)), 38)
        XCTAssertEqual(computed, 101)
        XCTAssertEqual(try ask(Shelved(shelf: "predict", n: 35)), 102, "the oldest went")
        XCTAssertEqual(try ask(Shelved(shelf: "other", n: 35)), 103, "another shelf, another answer")
    }

    private func services() throws -> (DomainServices, String) {
        let state = NSTemporaryDirectory() + "hwnas-fitmemo-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: state) }
        return (try DomainServices(environment: ServerEnvironment(stateDirectory: state, logger: Logger(level: .error))), state)
    }

    private func lut(_ device: String, id: String, services: DomainServices) throws -> TrainedPredictor {
        try PredictorTrainer(catalog: services.catalog).train(
            TrainRequest(space: "nb201", device: device, model: .lut, trainSize: 300, seed: 1, id: id))
    }

    func testAFitIsKeptUntilAnotherChangeAndRefittedWhenItsFileWentOrItReadsItself() throws {
        let (services, _) = try services()
        let p = try lut("pixel3", id: "fit", services: services)
        var fits = 0
        func fit(_ request: String = "fit", reads: @escaping (String) -> Bool = { _ in false }) throws -> String? {
            try services.rememberedFit(key: { "\(request)@\($0)" }, reads: reads) { register throws(NASError) in
                fits += 1
                return try register(p, true)
            }
        }
        let path = try XCTUnwrap(try fit())
        XCTAssertEqual(try fit(), path)
        XCTAssertEqual(fits, 1, "the repeat finds the store as the fit left it")

        // Another predictor registered: the store changed since, so the request fits again; its
        // registration holds the same bytes, changes nothing, and the answer is kept again.
        let revision = services.predictors.revision
        try services.predictors.register(try lut("raspi4", id: "other", services: services))
        XCTAssertEqual(services.predictors.revision, revision + 1)
        _ = try fit()
        XCTAssertEqual(fits, 2)
        XCTAssertEqual(services.predictors.revision, revision + 1, "the same bytes under the same id change nothing")
        _ = try fit()
        XCTAssertEqual(fits, 2)

        // Its file removed behind the daemon's back: fitted (and saved) again.
        try FileManager.default.removeItem(atPath: path)
        _ = try fit()
        XCTAssertEqual(fits, 3)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))

        // A fit that reads the id it writes answers differently the next time: never kept.
        _ = try fit("on itself", reads: { $0 == "fit" })
        _ = try fit("on itself", reads: { $0 == "fit" })
        XCTAssertEqual(fits, 5)
    }

    func testAFailedFitKeepsNothingAndOtherBytesUnderTheIdAreAChange() throws {
        let (services, _) = try services()
        var fits = 0
        for _ in 0..<2 {
            XCTAssertThrowsError(try services.rememberedFit(key: { "bad@\($0)" }, reads: { _ in false }) { _ throws(NASError) -> Int in
                fits += 1
                throw NASError(.invalidParams, "bad")
            })
        }
        XCTAssertEqual(fits, 2)
        let first = try services.predictors.registerCounted(try lut("pixel3", id: "q", services: services))
        XCTAssertTrue(first.changed)
        let second = try services.predictors.registerCounted(try lut("raspi4", id: "q", services: services))
        XCTAssertTrue(second.changed, "other bytes under the id")
        XCTAssertEqual(second.revision, first.revision + 1)
    }

    /// Through the daemon: `adapt` repeats its answer; a pool member retrained under its id makes
    /// the next `adapt` fit on it (the answer follows it).
    func testAdaptRepeatsUntilAPoolMemberIsRetrained() throws {
        let peer = try domainPeer("hwnas-fitmemo-peer")
        for (i, d) in ["gold_6226", "pixel3"].enumerated() {
            XCTAssertNotNil(peer.call(1 + i, "train", ["space": "nb201", "device": .string(d), "model": "lut", "id": .string("m-\(i)"),
                                                       "trainSize": 300])?["result"])
        }
        let ids = Array(stride(from: 5, to: 15_625, by: 1_301))
        let csv = try FixtureCSV("nb201/latency.csv")
        let col = try XCTUnwrap(csv.header.firstIndex(of: "raspi4"))
        let y = ids.map { Double(csv.rows[$0][col])! }
        let samples: [JSONValue] = zip(ids, y).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) }
        let params: JSONValue = ["space": "nb201", "pool": ["m-0", "m-1"], "target": ["name": "mine", "samples": .array(samples)]]
        let first = try XCTUnwrap(peer.call(3, "adapt", params, timeout: 120)?["result"])
        XCTAssertEqual(peer.call(4, "adapt", params, timeout: 120)?["result"], first)
        XCTAssertNotNil(peer.call(5, "train", ["space": "nb201", "device": "titan_rtx_1", "model": "flops", "id": "m-1",
                                               "trainSize": 300])?["result"])
        let again = try XCTUnwrap(peer.call(6, "adapt", params, timeout: 120)?["result"])
        XCTAssertNotEqual(again, first, "fitted on the retrained member")
    }

    /// A kept answer goes out as its kept bytes on its own, and as its value inside a batch: the
    /// same result either way.
    func testAKeptAnswerIsTheSameAloneAndInABatch() throws {
        let peer = try domainPeer("hwnas-fitmemo-batch")
        let params: JSONValue = ["space": "nb201", "device": "pixel3", "archs": [5, 42, 9_000], "interval": 0.9]
        let first = try XCTUnwrap(peer.call(1, "predict", params)?["result"])
        XCTAssertEqual(peer.call(2, "predict", params)?["result"], first, "kept, sent as bytes")
        peer.send([["jsonrpc": "2.0", "id": 3, "method": "predict", "params": params],
                   ["jsonrpc": "2.0", "id": 4, "method": "monotonicity", "params": ["space": "fbnet", "devices": ["pixel3", "raspi4"]]]])
        let batch = try XCTUnwrap(peer.wait { $0.arrayValue != nil }?.arrayValue)
        XCTAssertEqual(batch.first { $0["id"] == 3 }?["result"], first, "kept, sent as a value in the batch")
        XCTAssertNotNil(batch.first { $0["id"] == 4 }?["result"]?["matrix"])
    }
}
