import XCTest
import HWNASTestSupport
import NASCore
@testable import NASSpaces

/// Parse/format round trips on every architecture string shipped in fixtures/.
final class RoundTripTests: XCTestCase {
    func testNB201AllStringsRoundTripAndOfficialOrder() throws {
        let csv = try FixtureCSV("nb201/latency.csv")
        let ids = csv.column("arch_id").map { Int($0)! }
        let strs = csv.column("arch_str")
        XCTAssertEqual(strs.count, 15_625)
        let space = NB201Space()
        let all = try XCTUnwrap(space.enumerateAll())
        XCTAssertEqual(all.count, 15_625)
        XCTAssertEqual(Set(all).count, 15_625)
        for (id, s) in zip(ids, strs) {
            let a = try space.parse(s)
            XCTAssertEqual(space.format(a), s)
            XCTAssertEqual(space.officialIndex(of: a), id)
            XCTAssertEqual(all[id], a)
            if id % 97 == 0 {
                XCTAssertEqual(try space.parse(String(id)), a)
                XCTAssertEqual(try space.parse(fields: ["index": [id]]), a)
                XCTAssertEqual(try space.parse(fields: space.fields(of: a)), a)
            }
        }
    }

    func testFBNetAllStringsRoundTrip() throws {
        let csv = try FixtureCSV("fbnet/archs.csv")
        let space = FBNetSpace()
        XCTAssertEqual(csv.rows.count, 5_000)
        for (idx, names) in zip(csv.column("op_idx_list"), csv.column("arch_str")) {
            let a = try space.parse(idx)
            XCTAssertEqual(try space.parse(names), a)
            XCTAssertEqual(space.format(a), idx)
            XCTAssertEqual(space.formatNames(a), names)
            XCTAssertEqual(try space.parse(fields: space.fields(of: a)), a)
        }
    }

    func testOFAAllStringsRoundTrip() throws {
        let space = OFAMobileNetV3Space()
        for file in ["ofa_mbv3/latency.csv", "ofa_mbv3/accuracy_imagenet_top1.csv"] {
            let strs = try FixtureCSV(file).column("arch_str")
            XCTAssertGreaterThan(strs.count, 2_000)
            for s in strs {
                let a = try space.parse(s)
                XCTAssertEqual(a, space.canonical(a))
                let f = space.format(a)
                XCTAssertEqual(try space.parse(f), a)
                XCTAssertEqual(try space.parse(fields: space.fields(of: a)), a)
                // The formatted string keeps every active value of the source string.
                let src = try ofaFields(s), out = try ofaFields(f)
                XCTAssertEqual(src["d"], out["d"])
                XCTAssertEqual(src["r"], out["r"])
                for stage in 0..<5 {
                    for j in 0..<src["d"]![stage] {
                        XCTAssertEqual(src["ks"]![stage * 4 + j], out["ks"]![stage * 4 + j])
                        XCTAssertEqual(src["e"]![stage * 4 + j], out["e"]![stage * 4 + j])
                    }
                }
            }
        }
    }

    /// Splits an OFA string by hand (independent of the parser under test).
    private func ofaFields(_ s: String) throws -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for part in s.split(separator: ";") {
            let kv = part.split(separator: "=")
            out[String(kv[0])] = kv[1].split(separator: "-").map { Int($0)! }
        }
        return out
    }
}
