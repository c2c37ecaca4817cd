import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import NASSpaces
import XCTest

/// Issue 16: `adaptProxy` without a proxy (what `hwnas new-device` calls): the mean of the
/// adaptations of the pool members closest to the samples, saved and reloaded.
extension DomainHandlerTests {
    func testAdaptProxyWithoutAProxyAveragesTheClosestPoolMembers() throws {
        let state = temporaryState("hwnas-adapt-ensemble")
        let peer = try makePeer(state: state)
        // Cheap pool members: LUT predictors (no fixture pool is fitted for a list of predictor ids).
        let pool = ["lut-titan", "lut-pixel3", "lut-raspi4", "lut-gold"]
        for (i, (id, device)) in zip(pool, ["titan_rtx_1", "pixel3", "raspi4", "gold_6240"]).enumerated() {
            XCTAssertNotNil(peer.call(1 + i, "train", ["space": "nb201", "device": .string(device), "model": "lut", "id": .string(id),
                                                       "trainSize": 300])?["result"])
        }
        let ids = Array(stride(from: 17, to: 15_625, by: 1013))  // 16 archs
        let y = try measured(space: "nb201", device: "eyeriss", ids: ids)
        let samples: JSONValue = .array(zip(ids, y).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) })
        let target: JSONValue = ["name": "eyeriss-mine", "samples": samples]
        let poolList: JSONValue = .array(pool.map { .string($0) })
        let r = peer.call(10, "adaptProxy", ["space": "nb201", "pool": poolList, "target": target], timeout: 120)
        let result = try XCTUnwrap(r?["result"], "\(String(describing: r))")
        XCTAssertEqual(result["predictor"], "eyeriss-mine")
        XCTAssertEqual(result["method"], "ensemble")
        let members = try XCTUnwrap(result["ensemble"]?.arrayValue)
        XCTAssertEqual(members.count, 3)
        XCTAssertEqual(members.map { $0["weight"]?.doubleValue ?? 0 }, [1.0 / 3, 1.0 / 3, 1.0 / 3])
        XCTAssertEqual(result["proxy"], members[0]["proxy"])
        XCTAssertEqual(Set(members.compactMap { $0["proxy"]?.stringValue }).count, 3)
        XCTAssertTrue(members.allSatisfy { pool.contains($0["proxy"]?.stringValue ?? "") && $0["variant"]?.stringValue != nil })
        XCTAssertEqual(result["pool"], poolList)
        let kept = 16 - (result["outliers"]?.arrayValue?.count ?? 0)
        XCTAssertEqual(result["crossValidated"]?["count"]?.intValue, kept)
        XCTAssertEqual(result["srccAfter"]?.doubleValue, result["crossValidated"]?["spearman"]?.doubleValue)
        XCTAssertEqual(result["moreSamples"]?["currentSRCC"]?.doubleValue, result["srccAfter"]?.doubleValue)
        let prefixes = Set(result["candidates"]?.arrayValue?.compactMap { $0["variant"]?.stringValue?.split(separator: ":").first.map(String.init) } ?? [])
        XCTAssertEqual(prefixes, Set(members.compactMap { $0["proxy"]?.stringValue }))
        // Saved: predicts, with an interval, and the same after a restart.
        let predicted = peer.call(11, "predict", ["predictor": "eyeriss-mine", "archs": [5, 17]])
        XCTAssertEqual(predicted?["result"]?["latency_ms"]?.arrayValue?.count, 2, "\(String(describing: predicted))")
        let interval = peer.call(12, "predict", ["predictor": "eyeriss-mine", "archs": [5], "interval": 0.8])
        XCTAssertEqual(interval?["result"]?["lower"]?.arrayValue?.count, 1, "\(String(describing: interval))")
        let restarted = try makePeer(state: state)
        XCTAssertEqual(restarted.call(1, "predict", ["predictor": "eyeriss-mine", "archs": [5, 17]])?["result"]?["latency_ms"],
                       predicted?["result"]?["latency_ms"])

        // Bad input: JSON-RPC errors naming the field; the daemon keeps answering.
        func error(_ params: JSONValue, _ id: Int) -> (code: Int?, field: String?) {
            let e = peer.call(id, "adaptProxy", params)?["error"]
            return (e?["code"]?.intValue, e?["data"]?["field"]?.stringValue)
        }
        let bad: [(JSONValue, String)] = [
            (["pool": poolList, "target": target], "params.space"),
            (["space": "nb201", "pool": poolList, "proxies": 5, "target": target], "params.proxies"),
            (["space": "nb201", "pool": poolList, "proxies": 0, "target": target], "params.proxies"),
            (["proxy": "lut-titan", "proxies": 2, "target": target], "params.proxies"),
            (["space": "nb201", "pool": poolList, "method": "affine", "target": target], "params.method"),
            (["space": "nb201", "pool": false, "target": target], "params.pool"),
        ]
        for (i, (params, field)) in bad.enumerated() {
            let e = error(params, 20 + i)
            XCTAssertEqual(e.code, -32602, "\(params)")
            XCTAssertEqual(e.field, field, "\(params)")
        }
        XCTAssertNotNil(peer.call(30, "predict", ["predictor": "eyeriss-mine", "archs": [5]])?["result"])
    }
}

/// Issue 17: a held-out device's twins (its own measurements under another name,
/// `MeasurementTwins`) leave the default pool with it, and an explicit pool may not name them.
extension DomainHandlerTests {
    func testTheDefaultPoolDropsTheTargetsTwinsAndAListMayNotNameThem() throws {
        let state = temporaryState("hwnas-twins")
        let services = try DomainServices(environment: ServerEnvironment(stateDirectory: state, logger: Logger(level: .error)))
        let without = Set(try services.fixturePool(space: "nb201", excluding: ["pixel3"]).map(\.name))
        XCTAssertFalse(without.contains("pixel3") || without.contains("rice_pixel3"), "\(without.sorted())")
        XCTAssertTrue(without.contains("raspi4") && !without.contains("rice_raspi4"), "another device: one of its twins")
        let other = Set(try services.fixturePool(space: "nb201", excluding: ["samsung_a50"]).map(\.name))
        XCTAssertTrue(other.contains("pixel3") && other.contains("raspi4") && other.contains("eyeriss"), "only a held-out device's twins leave")
        // Of each set of twins the pool keeps one device (the one of the most cells), so no device counts twice.
        XCTAssertEqual(try services.measurementCopies(space: "nb201"), ["rice_pixel3", "rice_raspi4", "rice_eyeriss"])
        XCTAssertTrue(other.isDisjoint(with: ["rice_pixel3", "rice_raspi4", "rice_eyeriss"]), "\(other.sorted())")
        XCTAssertEqual(Set(try services.fixturePool(space: "nb201", excluding: []).map(\.name)), other.union(["samsung_a50"]))
        XCTAssertEqual(Set(try services.fixturePool(space: "nb201", excluding: ["rice_raspi4"]).map(\.name)),
                       other.union(["samsung_a50"]).subtracting(["raspi4"]))
        // A list may still name a copy for another target.
        let named = try services.explicitPool(["rice_pixel3"], space: "nb201", target: "samsung_a50", proxy: nil, control: JobControl())
        XCTAssertEqual(named.map(\.name), ["rice_pixel3"])

        let peer = InProcessPeer { server in registerDomainHandlers(server: server, services: services) }
        peer.initialize()
        let ids = Array(stride(from: 17, to: 15_625, by: 1013))
        let y = try measured(space: "nb201", device: "raspi4", ids: ids)
        let samples: JSONValue = .array(zip(ids, y).map { .object(["arch": .number(Double($0)), "latency_ms": .number($1)]) })
        let e = peer.call(1, "adaptProxy", ["space": "nb201", "pool": ["gold_6226", "rice_raspi4", "pixel3"],
                                            "target": ["name": "raspi4", "samples": samples]], timeout: 120)?["error"]
        XCTAssertEqual(e?["code"]?.intValue, -32602)
        XCTAssertEqual(e?["data"]?["field"]?.stringValue, "params.pool[1]")
        XCTAssertTrue(e?["message"]?.stringValue?.contains("target's own measurements") == true, "\(String(describing: e))")

        // Samples spread over the space: the devices measured on a part of it only (the OneProxy
        // table's) leave the default pool; samples among their cells keep them.
        let oneproxy = try services.catalog.latencyTable("nb201_oneproxy")
        let partial = Set(oneproxy.devices)
        let nb201 = try SpaceRegistry.space("nb201")
        let cells = try XCTUnwrap(nb201.enumerateAll())
        let spread = try services.fixturePool(space: "nb201", excluding: ["samsung_a50"], samples: ids.map { cells[$0] })
        XCTAssertEqual(Set(spread.map(\.name)), other.subtracting(partial))
        let inTable = try services.fixturePool(space: "nb201", excluding: ["samsung_a50"], samples: Array(oneproxy.archs.prefix(20)))
        XCTAssertEqual(Set(inTable.map(\.name)), other)
        // On the wire: adapt's default pool for the raspi4 samples above names no OneProxy device.
        let r = try XCTUnwrap(peer.call(2, "adapt", ["space": "nb201", "families": ["proxy"], "target": ["name": "r4-mine", "samples": samples],
                                                     "save": false], timeout: 300)?["result"])
        let offered = Set(try XCTUnwrap(r["pool"]?.arrayValue).compactMap(\.stringValue) + [r["base"]?.stringValue ?? ""])
        XCTAssertTrue(offered.isDisjoint(with: partial), "\(offered.sorted())")
        XCTAssertTrue(offered.contains("pixel3") && offered.contains("gold_6226"), "\(offered.sorted())")
    }
}
