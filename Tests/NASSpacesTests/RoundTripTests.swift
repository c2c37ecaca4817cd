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

    /// Every space: the byte-level parsers of the string and object forms give the valid,
    /// canonical architecture the general parsers give (`parse` is the hot path of `predict`).
    func testEveryFormParsesToTheCanonicalArchitecture() throws {
        for space in SpaceRegistry.all {
            for a in space.sample(count: 300, seed: 11) {
                let text = space.format(a)
                XCTAssertEqual(try space.parse(text), a, "\(space.id) \(text)")
                XCTAssertEqual(try space.parse(" \(text) "), a, "\(space.id): spaces around go to the general parser")
                XCTAssertEqual(try space.parse(fields: space.fields(of: a)), a, space.id)
                XCTAssertNoThrow(try space.validate(try space.parse(text)))
            }
        }
        // Spellings beside the formatted one.
        let p = ProxylessSpace()
        for a in p.sample(count: 50, seed: 3) {
            XCTAssertEqual(try p.parse(a.genes.map { ProxylessSpace.shortOps[Int($0)] }.joined(separator: "-")), a)
        }
        // A token with a name's length, first and last byte but another middle is still unknown.
        let near = Array(repeating: "3x9_MBConv3", count: 21).joined(separator: "-")
        XCTAssertThrowsError(try p.parse(near)) { XCTAssert("\($0)".contains("unknown op '3x9_MBConv3'"), "\($0)") }
        let f = FBNetSpace()
        for a in f.sample(count: 50, seed: 3) {
            XCTAssertEqual(try f.parse(f.formatNames(a)), a)
            XCTAssertEqual(try f.parse(a.genes.enumerated().map { $0.offset % 2 == 0 ? FBNetSpace.ops[Int($0.element)] : "0\($0.element)" }
                                        .joined(separator: "-")), a, "names and indices mixed")
        }
        // Non-canonical OFA input comes out canonical from either form.
        let o = OFAMobileNetV3Space()
        var raw = o.sample(count: 1, seed: 5)[0]
        raw.genes[o.decisionCount - 2] = 0  // stage 4 at depth 2: slots 2 and 3 inactive
        raw.genes[18] = 2
        let values = OFAMobileNetV3Space.layout.values(of: raw)
        let text = OFAMobileNetV3Space.layout.format.format(values)
        XCTAssertEqual(try o.parse(text), o.canonical(raw))
        XCTAssertEqual(try o.parse(text).genes[18], 0)
    }

    /// The bulk `activeDecisions` agrees with `isActive` decision by decision.
    func testActiveDecisionsAgreeWithIsActive() {
        for space in SpaceRegistry.all {
            var mask = [Bool](repeating: false, count: space.decisionCount)
            for a in space.sample(count: 200, seed: 4) {
                mask.withUnsafeMutableBufferPointer { space.activeDecisions(in: a, into: $0) }
                XCTAssertEqual(mask, (0..<space.decisionCount).map { space.isActive(decision: $0, in: a) }, space.id)
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
    /// Each space reads its object form from the object's JSON text (as `fields(of:)` writes it,
    /// keys sorted as JSONWriter writes them) into the architecture `parse(fields:)` gives.
    func testObjectFormsReadFromTheirText() throws {
        for space in SpaceRegistry.all {
            for a in space.sample(count: 20, seed: 5) {
                let f = space.fields(of: a)
                let text = "{" + f.sorted { $0.key < $1.key }.map { "\"\($0.key)\":[\($0.value.map(String.init).joined(separator: ","))]" }
                    .joined(separator: ",") + "}"
                let bytes = Array(text.utf8)
                XCTAssertEqual(bytes.withUnsafeBufferPointer { space.parse(objectText: $0) }, try space.parse(fields: f), "\(space.id): \(text)")
                XCTAssertEqual(bytes.withUnsafeBufferPointer { IntegerListObject.fields($0) }, f, text)
                XCTAssertEqual(bytes.withUnsafeBufferPointer { IntegerListObject.end($0, from: 0) }, bytes.count, text)
            }
        }
    }
}
