import Foundation
import HWNASApplication
@testable import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import NASSpaces
import XCTest

/// Issue 22: a big request's architectures read straight from its bytes (`PredictRequest`'s
/// `JSONTextDecodable`, each space's `parse(objectText:)`) give what the parse tree gives: the
/// same architectures, and for anything the text path does not read, the tree path's errors.
final class ObjectTextDecodingTests: XCTestCase {
    /// What one architecture of a request becomes.
    enum Outcome: Equatable {
        /// The request is no JSON.
        case notParsed
        /// It does not decode (the error's text).
        case notDecoded(String)
        /// The architecture.
        case resolved(Architecture)
        /// Resolve refused it (kind, field and message).
        case refused(String)

        /// Whether the request decoded (the architecture resolved or was refused).
        var decoded: Bool {
            switch self {
            case .resolved, .refused: true
            case .notParsed, .notDecoded: false
            }
        }
    }

    static func resolve(_ input: ArchitectureInput, in space: any SearchSpace, at i: Int) -> Outcome {
        do {
            return .resolved(try input.resolve(in: space, field: "archs[\(i)]"))
        } catch {
            return .refused("\(error.kind) \(error.field ?? "-") \(error.message)")
        }
    }

    /// The parse tree's outcome for each architecture of `params` (one entry when it does not
    /// parse or decode).
    static func treeOutcomes(_ params: [UInt8], in space: any SearchSpace) -> [Outcome] {
        guard let json = try? JSONParser.parse(params) else { return [.notParsed] }
        do {
            let request = try JSONValueDecoder(rootPath: "params").decode(PredictRequest.self, from: json)
            return request.archs.enumerated().map { resolve($0.element, in: space, at: $0.offset) }
        } catch {
            return [.notDecoded(error.description)]
        }
    }

    /// The text path's outcomes, or nil when it leaves the text to the tree.
    static func textOutcomes(_ params: [UInt8], in space: any SearchSpace) -> [Outcome]? {
        PredictRequest.decode(jsonText: params, in: 0..<params.count).map { request in
            request.archs.enumerated().map { resolve($0.element, in: space, at: $0.offset) }
        }
    }

    static func params(_ space: any SearchSpace, _ archs: [String]) -> [UInt8] {
        Array(#"{"space":"\#(space.id)","device":"x","archs":[\#(archs.joined(separator: ","))]}"#.utf8)
    }

    func testRandomObjectsDecodeFromTheirTextAsFromTheTree() throws {
        for (s, space) in SpaceRegistry.all.enumerated() {
            var generator = ObjectTextGenerator(space: space, seed: UInt64(40 + s))
            var fast = 0, fellBack = 0
            var all: [(text: String, tree: Outcome)] = []
            for _ in 0..<300 {
                let (text, mutation) = generator.next()
                let params = Self.params(space, [text])
                let tree = Self.treeOutcomes(params, in: space)
                if let byText = Self.textOutcomes(params, in: space) {
                    XCTAssertEqual(byText, tree, "\(space.id): \(text) (\(mutation))")
                    fast += 1
                } else {
                    fellBack += 1
                }
                if mutation == "none" {
                    // The common spelling is read from the bytes, by the space itself.
                    let request = try XCTUnwrap(PredictRequest.decode(jsonText: params, in: 0..<params.count), "\(space.id): \(text)")
                    guard case .objectText(let bytes) = request.archs[0] else { return XCTFail("\(space.id): not kept as text: \(text)") }
                    XCTAssertNotNil(bytes.withBytes { space.parse(objectText: $0) }, "\(space.id): \(text)")
                    guard case .resolved = tree[0] else { return XCTFail("\(space.id): \(text) -> \(tree)") }
                }
                if tree.count == 1, tree[0].decoded { all.append((text, tree[0])) }
            }
            XCTAssertGreaterThan(fast, 100, "\(space.id)")
            XCTAssertGreaterThan(fellBack, 10, "\(space.id)")
            // One request of every object that decodes: the text path reads it whole (every such
            // object is in a spelling it reads, or it leaves the whole request to the tree), and
            // each architecture, or its error naming `archs[i]`, is the tree's.
            let params = Self.params(space, all.map(\.text))
            let tree = Self.treeOutcomes(params, in: space)
            XCTAssertEqual(tree.count, all.count)
            if let byText = Self.textOutcomes(params, in: space) {
                XCTAssertEqual(byText, tree, space.id)
            }
            let readable = all.filter { Self.textOutcomes(Self.params(space, [$0.text]), in: space) != nil }
            let readableParams = Self.params(space, readable.map(\.text))
            XCTAssertEqual(try XCTUnwrap(Self.textOutcomes(readableParams, in: space), space.id), Self.treeOutcomes(readableParams, in: space), space.id)
        }
    }

    /// Pinned cases: the text path's answer, or its fallback's, is the tree's, with these codes
    /// and messages, through the server's big-request path (every request big here).
    func testPinnedObjectsAnswerAsTheTreeDoes() throws {
        var options = ServerOptions()
        options.bigRequestBytes = 0
        var treeOptions = options
        treeOptions.decodesParamsFromText = false
        let text = InProcessPeer(options: options), tree = InProcessPeer(options: treeOptions)
        text.initialize()
        tree.initialize()
        let ops = "[3,3,4,1,0,2]"
        let cases: [(object: String, expect: String)] = [
            (#"{"ops":\#(ops)}"#, "ok"),
            (#" {\#t"ops" :[ 3 ,3,4 ,1,0,\#t2 ]\#t} "#, "ok"),                                  // whitespace variants
            ("{\n\"index\":[12],\r\n\"ops\":[0,0,0,0,0,0]}", "ok"),                        // the index wins
            (#"{"ops":\#(ops),"x":[1]}"#, "ok"),                                          // unknown key, ignored
            (#"{"ops":[0,0,0,0,0,0],"ops":\#(ops)}"#, "ok"),                              // repeated key: the last wins
            (#"{"\u006fps":\#(ops)}"#, "ok"),                                             // escape in a key
            (#"{"ops":[3.0,3,4,1,0,2e0]}"#, "ok"),                                        // other number spellings
            (#"{"ops":[3,3,4,1,0,7]}"#, "-32020 nb201: ops[5] edge(3<-2): op index 7 out of range"),
            (#"{"ops":[3,3,4,1,0,1234567890123456789]}"#, "-32020"),                     // out of range, 19 digits
            (#"{"ops":[3,3,4,1,0]}"#, "-32020 nb201: ops: expected 6 values, got 5"),
            (#"{"index":[15625]}"#, "-32020 nb201: index: index 15625 out of range"),
            (#"{"op":\#(ops)}"#, "-32020 nb201: expected the field 'index'"),
            (#"{"ops":"3-3-4-1-0-2"}"#, "-32602 params.archs[1]: expected an architecture"),
            (#"{"ops":[3,3,4,1,0,-1]}"#, "-32020"),
            (#"{"ops":[3,3,4,1,0,2],"x":"y"}"#, "-32602 params.archs[1]: expected an architecture"),
            (#"{"ops":[3,3,4,1,0,2]"#, "-32700"),                                         // malformed
            (#"{"ops":[3,3,4,1,0,02]}"#, "-32700"),                                       // leading zero
            (#"{"ops":[3,3,4,1,0,2],}"#, "-32700"),
        ]
        var firstVector: JSONValue?
        for (i, c) in cases.enumerated() {
            let body = #"{"jsonrpc":"2.0","id":\#(10 + i),"method":"encode","params":{"space":"nb201","archs":[0,\#(c.object)]}}"#
            text.sendRaw(text.framed(body))
            tree.sendRaw(tree.framed(body))
            let a: JSONValue = try XCTUnwrap(text.response(10 + i), c.object)
            let b: JSONValue = try XCTUnwrap(tree.response(10 + i), c.object)
            XCTAssertEqual(a, b, c.object)
            if c.expect == "ok" {
                XCTAssertEqual(a["result"]?["count"]?.intValue, 2, "\(c.object): \(a)")
                // The architecture of the plain object (but for the one naming an index).
                if !c.object.contains("index") {
                    let vector: JSONValue = try XCTUnwrap(a["result"]?["vectors"]?.arrayValue?[1], c.object)
                    firstVector = firstVector ?? vector
                    XCTAssertEqual(vector, firstVector, c.object)
                }
            } else {
                let code = c.expect.split(separator: " ")[0]
                XCTAssertEqual("\(errorCode(a) ?? 0)", String(code), "\(c.object): \(a)")
                let message = c.expect.dropFirst(code.count).trimmingCharacters(in: .whitespaces)
                if !message.isEmpty {
                    XCTAssertTrue(a["error"]?["message"]?.stringValue?.contains(message) ?? false, "\(c.object): \(a)")
                }
                if code == "-32020" {
                    XCTAssertTrue(a["error"]?["data"]?["field"]?.stringValue?.hasPrefix("params.archs[1]") ?? false, "\(c.object): \(a)")
                }
            }
        }
    }
}

/// Objects of a space's form in random spellings, most of them broken in one random way.
struct ObjectTextGenerator {
    let space: any SearchSpace
    var rng: SeededGenerator

    init(space: any SearchSpace, seed: UInt64) {
        self.space = space
        rng = SeededGenerator(seed: seed)
    }

    mutating func pick<T>(_ xs: [T]) -> T { xs[rng.nextInt(xs.count)] }

    /// JSON whitespace, mostly none.
    mutating func space_() -> String { rng.nextDouble() < 0.7 ? "" : pick([" ", "\n", "\t", "\r\n ", "  "]) }

    /// An object's text and the name of what was done to it ("none": the common spelling).
    mutating func next() -> (String, String) {
        let arch = space.sample(using: &rng)
        var members: [(key: String, value: [String]?, raw: String?)] = space.fields(of: arch).map { ($0.key, $0.value.map(String.init), nil) }
        members.sort { $0.key < $1.key }
        members.shuffle(using: &rng)
        // Aliases and alternatives the forms accept.
        for k in members.indices where rng.nextDouble() < 0.3 {
            switch members[k].key {
            case "op_idx_list": members[k].key = "ops"
            case "r": members[k].key = "resolution"
            default: break
            }
        }
        if space.id == "nb201", members.count == 2, rng.nextDouble() < 0.5 { members.remove(at: rng.nextInt(2)) }
        let k = rng.nextInt(members.count)
        var mutation = "none"
        if rng.nextDouble() < 0.65 {
            switch rng.nextInt(11) {
            case 0:
                mutation = "value out of range"
                if var v = members[k].value, !v.isEmpty {
                    v[rng.nextInt(v.count)] = pick(["9", "100", "255", "256", "15625", "99999", "123456789012345", "1234567890123456", "-1", "-0"])
                    members[k].value = v
                }
            case 1:
                mutation = "number spelling"
                if var v = members[k].value, !v.isEmpty {
                    v[rng.nextInt(v.count)] = pick(["3.0", "3e0", "0.5", "1E1", "03", "00", "+1", "1.", "-", "4.00", "40e-1"])
                    members[k].value = v
                }
            case 2:
                mutation = "wrong count"
                if var v = members[k].value, !v.isEmpty {
                    if rng.nextDouble() < 0.5 { v.removeLast() } else { v.append(v[0]) }
                    members[k].value = v
                }
            case 3:
                mutation = "unknown key"
                members.insert(pick([("x", ["1"], nil), ("ks2", [], nil), ("extra", nil, "\"s\""), ("Ops", ["1", "2"], nil)]), at: rng.nextInt(members.count + 1))
            case 4:
                mutation = "repeated key"
                var copy = members[k]
                if var v = copy.value, !v.isEmpty, rng.nextDouble() < 0.5 { v[0] = "0"; copy.value = v }
                members.insert(copy, at: rng.nextInt(members.count + 1))
            case 5:
                mutation = "escape in key"
                let scalars = Array(members[k].key.unicodeScalars)
                let j = rng.nextInt(scalars.count)
                members[k].key = scalars.enumerated().map { $0.offset == j ? String(format: "\\u%04x", $0.element.value) : String($0.element) }.joined()
            case 6:
                mutation = "wrong type"
                members[k].raw = pick(["\"3\"", "3", "[[1]]", "null", "true", "[1,\"2\"]", "{}", "[1,null]"])
            case 7:
                mutation = "malformed"
            case 8:
                mutation = "missing member"
                members.remove(at: k)
            case 9:
                mutation = "empty"
                if rng.nextDouble() < 0.5 { members = [] } else { members[k].value = [] }
            default:
                mutation = "non-ASCII key"
                members[k].key += pick(["é", "ś", "\u{7f}"])
            }
        }
        var text = "{" + space_()
        for (i, m) in members.enumerated() {
            if i > 0 { text += space_() + "," + space_() }
            text += "\"\(m.key)\"" + space_() + ":" + space_()
            if let raw = m.raw {
                text += raw
            } else {
                text += "[" + space_() + (m.value ?? []).map { $0 + space_() }.joined(separator: "," + space_()) + "]"
            }
        }
        text += space_() + "}"
        if mutation == "malformed" {
            var chars = Array(text)
            switch rng.nextInt(4) {
            case 0: chars.removeLast()
            case 1: if let j = chars.firstIndex(of: "]") { chars.remove(at: j) }
            case 2: chars.insert(",", at: chars.count - 1)
            default: if let j = chars.firstIndex(of: ":") { chars[j] = "=" }
            }
            text = String(chars)
        }
        return (text, mutation)
    }
}
