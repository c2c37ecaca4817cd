import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import NASSpaces
import XCTest

/// Issue 16: `suggestSamples` through the router, and `moreSamples` on `adaptProxy` and `finetune`.
extension DomainHandlerTests {
    func testSuggestSamplesIsSequentialAndRejectsBadParams() throws {
        let peer = try makePeer()
        let proxies: JSONValue = ["pixel3", "raspi4"]
        let candidates: JSONValue = .array(stride(from: 5, to: 15_625, by: 251).map { .number(Double($0)) })  // 63 cells
        // The named fixture devices' models are fitted on first use (debug build, shared cores).
        let r = peer.call(1, "suggestSamples", ["space": "nb201", "count": 6, "proxies": proxies, "candidates": candidates,
                                                "exclude": [5], "estimate": false], timeout: 120)
        let first = try XCTUnwrap(r?["result"], "\(String(describing: r))")
        let archs = try XCTUnwrap(first["archs"]?.arrayValue?.compactMap(\.stringValue))
        XCTAssertEqual(archs.count, 6)
        XCTAssertEqual(Set(archs).count, 6)
        XCTAssertEqual(first["criterion"], "stratified")
        XCTAssertNil(first["expectedSRCC"])
        XCTAssertEqual(first["proxies"]?.arrayValue?.count, 2)
        XCTAssertTrue(first["reason"]?.stringValue?.contains("stratified") ?? false)
        let nb201 = try SpaceRegistry.space("nb201")
        let indices = try archs.map { try XCTUnwrap(nb201.officialIndex(of: try nb201.parse($0))) }
        XCTAssertTrue(indices.allSatisfy { $0 % 251 == 5 && $0 != 5 }, "only candidates, never the excluded one: \(indices)")

        // Measured on raspi4 (its fixture values): the next batch avoids them and names a best proxy.
        let y = try measured(space: "nb201", device: "raspi4", ids: indices)
        let samples: JSONValue = .array(zip(indices, y).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) })
        let next = peer.call(3, "suggestSamples", ["space": "nb201", "count": 4, "proxies": proxies, "candidates": candidates,
                                                   "measured": samples, "estimate": false], timeout: 120)
        let second = try XCTUnwrap(next?["result"], "\(String(describing: next))")
        // The proxy whose (pairwise-model) log-latencies correlate best with the measurements.
        XCTAssertTrue(["pixel3", "raspi4"].contains(second["bestProxy"]?["proxy"]?.stringValue ?? ""), "\(second)")
        XCTAssertGreaterThan(second["bestProxy"]?["srcc"]?.doubleValue ?? 0, 0.5)
        let again = try XCTUnwrap(second["archs"]?.arrayValue?.compactMap(\.stringValue))
        XCTAssertTrue(Set(again).isDisjoint(with: archs), "never a measured architecture again")

        func field(_ params: JSONValue, _ id: Int) -> JSONValue? { peer.call(id, "suggestSamples", params)?["error"]?["data"]?["field"] }
        XCTAssertEqual(field(["space": "nb201", "count": 0], 4), "params.count")
        XCTAssertEqual(field(["space": "nb201", "count": 3, "criterion": "psychic"], 5), "params.criterion")
        XCTAssertEqual(field(["space": "nb201", "count": 3, "proxies": ["pixel3", "nokia3310"]], 6), "params.proxies[1]")
        XCTAssertEqual(field(["space": "nb201", "count": 3, "exclude": ["|bogus~0|"]], 7), "params.exclude[0]")
    }

    func testSuggestSamplesRepeatsFromMemoryButNeverAPredictorsStaleAnswer() throws {
        let peer = try makePeer()
        let candidates: JSONValue = .array(stride(from: 5, to: 15_625, by: 251).map { .number(Double($0)) })
        let fixtures: JSONValue = ["space": "nb201", "count": 5, "proxies": ["pixel3", "raspi4"], "candidates": candidates,
                                   "estimate": false]
        let first = try XCTUnwrap(peer.call(1, "suggestSamples", fixtures, timeout: 120)?["result"])
        XCTAssertEqual(peer.call(2, "suggestSamples", fixtures)?["result"], first, "a repeat answers the same")
        // A predictor among the proxies is asked every time: retrained under its id, the answer follows it.
        XCTAssertNotNil(peer.call(3, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "id": "p", "trainSize": 300])?["result"])
        let withP: JSONValue = ["space": "nb201", "count": 5, "proxies": ["raspi4", "p"], "candidates": candidates, "estimate": false]
        let before = try XCTUnwrap(peer.call(4, "suggestSamples", withP, timeout: 120)?["result"]?["archs"])
        XCTAssertNotNil(peer.call(5, "train", ["space": "nb201", "device": "eyeriss", "model": "flops", "id": "p", "trainSize": 300])?["result"])
        let after = try XCTUnwrap(peer.call(6, "suggestSamples", withP, timeout: 120)?["result"]?["archs"])
        XCTAssertNotEqual(before, after, "the picks follow the retrained predictor")
    }

    func testAdaptProxyAndFinetuneEstimateWhatMoreSamplesWouldAdd() throws {
        let peer = try makePeer()
        XCTAssertNotNil(peer.call(1, "train", ["space": "nb201", "device": "titan_rtx_1", "model": "lut", "id": "proxy", "trainSize": 800])?["result"])
        let ids = Array(stride(from: 17, to: 15_625, by: 1013))  // 16 archs
        let y = try measured(space: "nb201", device: "eyeriss", ids: ids)
        let samples: JSONValue = .array(zip(ids, y).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) })
        let a = peer.call(2, "adaptProxy", ["proxy": "proxy", "method": "residual", "pool": false, "save": false,
                                            "target": ["name": "e", "samples": samples]], timeout: 120)
        let more = try XCTUnwrap(a?["result"]?["moreSamples"], "\(String(describing: a))")
        let kept = 16 - (a?["result"]?["outliers"]?.arrayValue?.count ?? 0)
        XCTAssertEqual(more["count"]?.intValue, kept)
        XCTAssertEqual(more["curve"]?.arrayValue?.map { $0["samples"]?.intValue }, [kept / 2, 3 * kept / 4, kept])
        let expected = try XCTUnwrap(more["expectedSRCC"]?.doubleValue), current = try XCTUnwrap(more["currentSRCC"]?.doubleValue)
        XCTAssertGreaterThanOrEqual(expected, current, "a − b/t with b ≥ 0 never falls")
        XCTAssertLessThanOrEqual(expected, 1)

        let f = peer.call(3, "finetune", ["base": "proxy", "samples": samples, "method": "lut", "save": false], timeout: 120)
        XCTAssertEqual(f?["result"]?["moreSamples"]?["curve"]?.arrayValue?.count, 3, "\(String(describing: f))")
        // An affine map ranks as its base does whatever it is fitted on: its ranking metrics are the base's
        // ranking of the samples (held out: the base never saw them), and more samples only sharpen its scale.
        let affine = try XCTUnwrap(peer.call(5, "finetune", ["base": "proxy", "samples": samples, "method": "affine", "save": false],
                                             timeout: 120)?["result"])
        let base = try XCTUnwrap(peer.call(6, "predict", ["predictor": "proxy", "archs": .array(ids.map { .number(Double($0)) })])?["result"])
        let baseSRCC = RankCorrelation.spearman(try XCTUnwrap(base["latency_ms"]?.arrayValue?.compactMap(\.doubleValue)), y)
        XCTAssertEqual(affine["metrics"]?["crossValidated"]?["spearman"]?.doubleValue ?? .nan, baseSRCC, accuracy: 1e-12, "\(affine)")
        XCTAssertEqual(affine["moreSamples"]?["expectedSRCC"]?.doubleValue ?? .nan, baseSRCC, accuracy: 1e-12)
        XCTAssertEqual(affine["moreSamples"]?["currentSRCC"]?.doubleValue ?? .nan, baseSRCC, accuracy: 1e-12)
        // adaptProxy's affine map likewise: srccAfter is the proxy's ranking, never below srccBefore.
        let ap = try XCTUnwrap(peer.call(7, "adaptProxy", ["proxy": "proxy", "method": "affine", "pool": false, "save": false,
                                                           "target": ["name": "e", "samples": samples]], timeout: 120)?["result"])
        XCTAssertEqual(ap["srccAfter"]?.doubleValue ?? .nan, ap["srccBefore"]?.doubleValue ?? 0, accuracy: 1e-12, "\(ap)")
        XCTAssertEqual(ap["moreSamples"]?["expectedSRCC"]?.doubleValue ?? .nan, ap["srccBefore"]?.doubleValue ?? 0, accuracy: 1e-12)
        // Below 10 samples: no estimate.
        let few: JSONValue = .array(Array(samples.arrayValue!.prefix(6)))
        let small = peer.call(4, "finetune", ["base": "proxy", "samples": few, "method": "affine", "save": false])
        XCTAssertNotNil(small?["result"])
        XCTAssertNil(small?["result"]?["moreSamples"])
    }
}
