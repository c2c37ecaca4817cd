import HWNASApplication
@testable import HWNASServer
import JSONRPC
import NASCore
import NASPredictors
import NASSpaces
import XCTest

/// Issue 22: architectures decode straight from the parse tree, and a chunked `predict`
/// resolves each architecture once (degenerate marks and the nearest-GPU overlay per chunk).
final class PredictInputTests: XCTestCase {
    func testArchitecturesDecodeInEveryFormWithTheSameError() throws {
        let ofa = OFAMobileNetV3Space()
        let a = ofa.sample(count: 1, seed: 1)[0]
        let fields = ofa.fields(of: a)
        let json: JSONValue = ["space": "ofa_mbv3", "device": "x",
                               "archs": [.string(ofa.format(a)), 7, .object(fields.mapValues { .array($0.map { .number(Double($0)) }) })]]
        let p = try JSONValueDecoder(rootPath: "params").decode(PredictRequest.self, from: json)
        XCTAssertEqual(p.archs, [.text(ofa.format(a)), .index(7), .fields(fields)])
        XCTAssertEqual(try p.archs[2].resolve(in: ofa, field: "archs[2]"), a)
        for bad: JSONValue in [true, 1.5, ["ks": [1.5]], ["ks": 3], .null] {
            XCTAssertThrowsError(try JSONValueDecoder(rootPath: "params").decode(PredictRequest.self, from: ["archs": ["x", bad]])) { e in
                XCTAssertEqual((e as? JSONDecodingError)?.description, "params.archs[1]: \(ArchitectureInput.expectedForms)", "\(bad)")
            }
        }
    }

    func testChunkedPredictionResolvesOnceMarksDegenerateAndOverlays() throws {
        let space = NB201Space()
        let all = try XCTUnwrap(space.enumerateAll())
        let degenerate = all.filter(space.isDegenerate)
        let archs = [all[100], degenerate[0], all[2000], all[3000], degenerate[1], all[5000], all[6000], degenerate[2]]
        let inputs = archs.map { ArchitectureInput.text(space.format($0)) }
        let predictor = TrainedPredictor(id: "flops", spaceID: "nb201", device: nil,
                                         model: .flops(FLOPsModel(intercept: 1, slopePerMMAC: 0.01)),
                                         metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: 0, testCount: 0, variant: "flops"))
        let whole = try predictor.predict(archs: archs)
        XCTAssertEqual(try predictor.predict(validated: archs), whole)
        for chunk in [1, 3, 8, 100] {
            let (latency, marks) = try predictInChunks(inputs, predictor: predictor, space: space, spec: nil, job: .none, chunk: chunk)
            XCTAssertEqual(latency, whole, "chunk \(chunk)")
            XCTAssertEqual(marks, [1, 4, 7], "chunk \(chunk)")
        }
        let (overlaid, _) = try predictInChunks(inputs, predictor: predictor, space: space, spec: nil,
                                                measured: [all[3000]: 42, all[9]: 7], job: .none, chunk: 3)
        XCTAssertEqual(overlaid[3], 42)
        XCTAssertEqual(overlaid.enumerated().filter { $0.offset != 3 }.map(\.element), whole.enumerated().filter { $0.offset != 3 }.map(\.element))
        // Resolved on two threads: the same architectures, and the first error.
        let many = (0..<9000).map { ArchitectureInput.index($0) }
        XCTAssertEqual(try resolveConcurrently(many[...], in: space), Array(all[0..<9000]))
        var broken = many
        broken[8000] = .text("|bad~0|")
        broken[4600] = .index(-1)
        // (-1 is out of the index's range, named like 15625: it used to be read as the string "-1".)
        XCTAssertThrowsError(try resolveConcurrently(broken[...], in: space)) { XCTAssertEqual(($0 as! NASError).field, "archs[4600].index", "\($0)") }
        XCTAssertThrowsError(try predictInChunks(inputs + [.text("|bad~0|")], predictor: predictor, space: space, spec: nil, job: .none, chunk: 3)) {
            XCTAssertEqual(($0 as! NASError).field, "archs[8]", "\($0)")
        }
    }

    /// A big list of op-list strings (the two-thread resolve) with a near-miss token in the middle:
    /// the same architectures as one at a time, and the bad one's index and explanation.
    func testBigOpListResolveKeepsTheFirstErrorsIndex() throws {
        let space = ProxylessSpace()
        let archs = space.sample(count: 9000, seed: 2)
        var inputs = archs.map { ArchitectureInput.text(space.format($0)) }
        XCTAssertEqual(try resolveConcurrently(inputs[...], in: space), archs)
        inputs[6001] = .text(space.format(archs[6001]).replacingOccurrences(of: "MBConv", with: "MBConw"))
        inputs[7000] = .text("zero")
        XCTAssertThrowsError(try resolveConcurrently(inputs[...], in: space)) { e in
            let error = e as! NASError
            XCTAssertEqual(error.field, "archs[6001].layer 0", "\(e)")
            XCTAssertEqual(error.kind, .invalidArchitecture, "\(e)")
            XCTAssert(error.message.contains("unknown op"), "\(e)")
        }
    }
}
