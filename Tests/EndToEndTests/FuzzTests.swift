import Foundation
import HWNASTestSupport
import JSONRPC
import XCTest

/// 10,000 generated hostile inputs (5,000 per framing) through the real binary: frames, JSON and
/// every method's params (see `FuzzInputGenerator.classes`). No crash, no hang, every request
/// answered exactly once with a valid response and a documented code; afterwards the daemon
/// still serves and the predictor trained before the run predicts identically.
/// `hwnas-bench fuzz` runs the same session with 100,000 inputs.
final class FuzzTests: XCTestCase {
    static var corpusPath: String {
        RepositoryFiles.path("protocol/fuzz-corpus.jsonl")
    }

    func testTenThousandInputsNoCrashNoHangEveryReplyDocumented() throws {
        let corpus = try FuzzInputGenerator.loadCorpus(path: Self.corpusPath)
        XCTAssertGreaterThanOrEqual(corpus.count, 15)
        // One input at a time over NDJSON; pipelined, 8 in flight, over LSP framing.
        for (framing, seed, window) in [(Framing.ndjson, UInt64(1), 1), (.contentLength, 2, 8)] {
            let d = try DaemonProcess(framing: framing)
            XCTAssertNotNil(d.call(1, "initialize")?["result"])
            let archs: JSONValue = [1, 77, 15_000]
            XCTAssertNotNil(d.call(2, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": "fuzz-lut"])?["result"])
            let before = d.call(3, "predict", ["predictor": "fuzz-lut", "archs": archs])?["result"]?["latency_ms"]
            XCTAssertNotNil(before)

            // Huge arrays of 5,000 (not 100,000) elements keep the debug-build run short; the bench uses 100,000.
            var gen = FuzzInputGenerator(seed: seed, framing: framing, seeds: corpus, hugeArrayLength: 5_000)
            let report = FuzzSession(client: d, allowedCodes: FuzzSession.documentedCodes, window: window).run(&gen, count: 5_000)
            print("fuzz \(framing): codes \(report.codes.sorted { $0.key < $1.key }); slowest \(Int(report.slowestMs)) ms (\(report.slowest)); ms per class \(report.msPerClass.mapValues(Int.init).sorted { $0.value > $1.value }.prefix(6))")
            XCTAssertEqual(report.inputs, 5_000, "\(framing)")
            XCTAssertEqual(report.failures, [], "\(framing): \(report.failures.prefix(10))")
            XCTAssertEqual(Set(report.perClass.keys), Set(FuzzInputGenerator.classes))
            XCTAssertGreaterThan(report.codes[0] ?? 0, 100, "valid inputs must succeed: \(report.codes)")
            XCTAssertGreaterThan(report.codes[-32602] ?? 0, 100, "\(report.codes)")
            XCTAssertTrue(d.process.isRunning, "\(framing): the daemon died")

            // Still serving, state intact.
            XCTAssertEqual(d.call(10, "predict", ["predictor": "fuzz-lut", "archs": archs])?["result"]?["latency_ms"], before, "\(framing)")
            let listed = d.call(11, "hwnas/listPredictors")?["result"]?["predictors"]?.arrayValue ?? []
            XCTAssertTrue(listed.contains { $0["id"] == "fuzz-lut" }, "\(framing)")
            XCTAssertEqual(d.call(12, "shutdown")?["result"], .null)
            d.notify("exit")
            XCTAssertEqual(d.waitForExit(), 0, "\(framing)")
        }
    }

    /// The generator is reproducible: the same seed gives the same bytes.
    func testGeneratorIsSeeded() throws {
        let corpus = try FuzzInputGenerator.loadCorpus(path: Self.corpusPath)
        var a = FuzzInputGenerator(seed: 9, framing: .contentLength, seeds: corpus)
        var b = FuzzInputGenerator(seed: 9, framing: .contentLength, seeds: corpus)
        for i in 0..<200 { XCTAssertEqual(a.next(id: i).bytes, b.next(id: i).bytes) }
    }
}
