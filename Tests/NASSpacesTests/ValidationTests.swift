import XCTest
import NASCore
@testable import NASSpaces

/// Every class of invalid input gives `.invalidArchitecture` naming the position and what is allowed.
final class ValidationTests: XCTestCase {
    private func assertInvalid(_ space: any SearchSpace, _ text: String, mentions: [String],
                               file: StaticString = #filePath, line: UInt = #line) {
        do {
            let a = try space.parse(text)
            XCTFail("\(space.id): '\(text)' parsed as \(a.genes)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.kind, .invalidArchitecture, file: file, line: line)
            for m in mentions {
                XCTAssertTrue(error.message.contains(m), "'\(error.message)' lacks '\(m)'", file: file, line: line)
            }
        }
    }

    private let ofaGood = "ks=7-5-5-5-7-7-5-7-5-7-3-7-5-3-7-3-5-3-5-3;e=6-4-4-6-6-3-4-3-3-6-3-3-3-6-3-4-6-4-3-6;d=2-2-2-2-3;r=204"

    func testNB201Errors() {
        let s = NB201Space()
        assertInvalid(s, "|conv5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                      mentions: ["edge 0 (1<-0)", "unknown op 'conv5x5'", "none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3"])
        assertInvalid(s, "|none~0|+|none~0|none~1|+|conv5x5~0|none~1|none~2|", mentions: ["edge 3 (3<-0)", "conv5x5"])
        assertInvalid(s, "|none~0|+|none~0|none~1|", mentions: ["expected 3 nodes"])
        assertInvalid(s, "|none~0|+|none~0|+|none~0|none~1|none~2|", mentions: ["node 2", "expected 2 incoming edges"])
        assertInvalid(s, "|none~0|+|none~0|none~2|+|none~0|none~1|none~2|", mentions: ["edge 2 (2<-1)", "allowed: 1"])
        assertInvalid(s, "15625", mentions: ["index", "0...15624"])
        assertInvalid(s, "garbage", mentions: ["expected 3 nodes"])
        assertInvalid(s, "", mentions: ["expected 3 nodes"])
        XCTAssertThrowsError(try s.parse(fields: ["ops": [0, 1, 2, 3, 4, 5]])) { XCTAssertTrue(($0 as! NASError).message.contains("ops[5]")) }
        XCTAssertThrowsError(try s.parse(fields: ["ops": [0, 1]])) { XCTAssertTrue(($0 as! NASError).message.contains("expected 6")) }
    }

    /// An integer is NB201's official index; elsewhere the error says the space has no integer
    /// form and shows its string form (it used to complain that "5" is not 22 ops).
    func testOnlyNB201TakesAnInteger() throws {
        XCTAssertEqual(try NB201Space().parse(index: 7), try NB201Space().parse("7"))
        XCTAssertThrowsError(try NB201Space().parse(index: -1)) { XCTAssertTrue(($0 as! NASError).message.contains("0...15624"), "\($0)") }
        let others: [any SearchSpace] = try ["fbnet", "ofa_mbv3", "proxyless", "mbv2"].map { try SpaceRegistry.space($0) }
        for s in others {
            do {
                let a = try s.parse(index: 5)
                XCTFail("\(s.id): 5 parsed as \(a.genes)")
            } catch {
                XCTAssertEqual(error.kind, .invalidArchitecture)
                XCTAssertTrue(error.message.contains("only nb201 numbers its architectures"), error.message)
                let parts = error.message.split(separator: "'")
                XCTAssertGreaterThan(parts.count, 2, error.message)
                XCTAssertNoThrow(try s.parse(parts.count > 2 ? String(parts[1]) : ""), "the example in \(error.message) parses")
            }
        }
    }

    func testFBNetErrors() {
        let s = FBNetSpace()
        let good = Array(repeating: "1", count: 22)
        assertInvalid(s, good.dropLast().joined(separator: "-"), mentions: ["expected 22", "got 21"])
        var bad = good; bad[5] = "9"
        assertInvalid(s, bad.joined(separator: "-"), mentions: ["block 5", "out of range", "0...8"])
        bad = good; bad[7] = "k7_e6"
        assertInvalid(s, bad.joined(separator: "-"), mentions: ["block 7", "unknown op 'k7_e6'", "k5_e1_g2"])
        assertInvalid(s, "hello", mentions: ["expected 22"])
        assertInvalid(s, good.joined(separator: "--"), mentions: ["expected 22"])
        XCTAssertThrowsError(try s.parse(fields: ["op_idx_list": [1, 2]])) { XCTAssertTrue(($0 as! NASError).message.contains("got 2"), "\($0)") }
        XCTAssertThrowsError(try s.parse(fields: ["op_idx_list": [Int](repeating: 1, count: 21) + [-1]])) {
            XCTAssertTrue(($0 as! NASError).message.contains("block 21"), "\($0)")
        }
    }

    func testOFAErrors() {
        let s = OFAMobileNetV3Space()
        XCTAssertNoThrow(try s.parse(ofaGood))
        assertInvalid(s, ofaGood.replacingOccurrences(of: "ks=7-5-5", with: "ks=7-9-5"), mentions: ["ks[1]", "value 9", "3, 5, 7"])
        assertInvalid(s, ofaGood.replacingOccurrences(of: "e=6-4-4", with: "e=6-5-4"), mentions: ["e[1]", "value 5", "3, 4, 6"])
        assertInvalid(s, ofaGood.replacingOccurrences(of: "d=2-2-2-2-3", with: "d=2-2-5-2-3"), mentions: ["d[2]", "2, 3, 4"])
        assertInvalid(s, ofaGood.replacingOccurrences(of: "r=204", with: "r=206"), mentions: ["r", "resolution 206", "128...224 step 4"])
        assertInvalid(s, ofaGood.replacingOccurrences(of: "r=204", with: "r=256"), mentions: ["resolution 256"])
        assertInvalid(s, ofaGood.replacingOccurrences(of: "d=2-2-2-2-3", with: "d=2-2-2-2"), mentions: ["d", "expected 5 values, got 4"])
        assertInvalid(s, ofaGood.replacingOccurrences(of: ";r=204", with: ""), mentions: ["r", "missing key"])
        assertInvalid(s, ofaGood.replacingOccurrences(of: "ks=", with: "kz="), mentions: ["unknown key", "ks, e, d, r"])
        assertInvalid(s, "garbage", mentions: ["unknown key"])
        assertInvalid(s, "", mentions: ["empty"])
        assertInvalid(s, "ks=3-x", mentions: ["ks[1]", "expected an integer"])
        assertInvalid(s, ofaGood + ";r=204", mentions: ["r", "key given twice"])
        assertInvalid(s, ofaGood.replacingOccurrences(of: "r=204", with: "r=-204"), mentions: ["resolution -204"])
        XCTAssertThrowsError(try s.parse(fields: ["ks": [3], "e": [], "d": [], "r": [224]])) {
            XCTAssertEqual(($0 as! NASError).kind, .invalidArchitecture)
            XCTAssertTrue(($0 as! NASError).message.contains("expected 20 values"))
        }
    }

    func testOFAInactiveSlotsAreNormalizedAway() throws {
        let s = OFAMobileNetV3Space()
        // d[0] = 2: slots 2 and 3 of stage 0 are inactive.
        let other = ofaGood.replacingOccurrences(of: "ks=7-5-5-5", with: "ks=7-5-3-7")
            .replacingOccurrences(of: "e=6-4-4-6", with: "e=6-4-6-3")
        XCTAssertNotEqual(other, ofaGood)
        let a = try s.parse(ofaGood), b = try s.parse(other)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.hashValue, b.hashValue)
        XCTAssertEqual(s.format(a), s.format(b))
        XCTAssertFalse(s.isActive(decision: 2, in: a))
        XCTAssertTrue(s.isActive(decision: 1, in: a))
        // An active slot does matter.
        let c = try s.parse(ofaGood.replacingOccurrences(of: "ks=7-5-5-5", with: "ks=7-3-5-5"))
        XCTAssertNotEqual(a, c)
        // The object form agrees with the string form.
        XCTAssertEqual(try s.parse(fields: ["ks": [7, 5, 5, 5, 7, 7, 5, 7, 5, 7, 3, 7, 5, 3, 7, 3, 5, 3, 5, 3],
                                            "e": [6, 4, 4, 6, 6, 3, 4, 3, 3, 6, 3, 3, 3, 6, 3, 4, 6, 4, 3, 6],
                                            "d": [2, 2, 2, 2, 3], "r": [204]]), a)
    }

    func testProxylessAndMBv2Errors() throws {
        let p = ProxylessSpace()
        var ops = Array(repeating: "3x3_MBConv6", count: 21)
        ops[1] = "zero"
        let a = try p.parse(ops.joined(separator: "-"))
        XCTAssertEqual(a.genes[1], 6)
        XCTAssertEqual(try p.parse(fields: p.fields(of: a)), a)
        ops[4] = "zero"   // first layer of stage 1
        assertInvalid(p, ops.joined(separator: "-"), mentions: ["layer 4", "zero is not allowed", "7x7_MBConv6"])
        ops[4] = "9x9_MBConv6"
        assertInvalid(p, ops.joined(separator: "-"), mentions: ["layer 4", "unknown op"])
        assertInvalid(p, "zero", mentions: ["expected 21"])
        let m = MobileNetV2Space()
        let good = "ks=" + Array(repeating: "3", count: 21).joined(separator: "-") + ";e=" + Array(repeating: "6", count: 21).joined(separator: "-") + ";d=4-4-4-4-4;r=224"
        XCTAssertEqual(m.format(try m.parse(good)), good)
        assertInvalid(m, good.replacingOccurrences(of: "d=4-4-4-4-4", with: "d=4-4-4-4-4-1"), mentions: ["d", "expected 5 values, got 6"])
    }

    func testRegistry() throws {
        XCTAssertEqual(try SpaceRegistry.space("nb201").id, "nb201")
        XCTAssertThrowsError(try SpaceRegistry.space("darts")) {
            let e = $0 as! NASError
            XCTAssertEqual(e.kind, .unknownSpace)
            XCTAssertTrue(e.message.contains("nb201") && e.message.contains("ofa_mbv3"))
        }
        for s in SpaceRegistry.all {
            XCTAssertEqual(s.decisionNames.count, s.cardinalities.count, s.id)
            XCTAssertGreaterThan(s.size, 1, s.id)
            XCTAssertThrowsError(try s.encodingDimension("nope"))
        }
    }
}
