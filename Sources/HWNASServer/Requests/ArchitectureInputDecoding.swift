import HWNASApplication
import JSONRPC
import NASSpaces

/// Architectures decode straight from the parse tree (`JSONValueDecodable`): a big `predict`'s
/// 100,000 strings or objects skip the `Decoder` per element and the mismatches thrown and
/// caught while `init(from:)` tries each form in turn. Same forms, same error as `init(from:)`.
extension ArchitectureInput: JSONValueDecodable {
    public init(jsonValue value: JSONValue, path: () -> String) throws(JSONDecodingError) {
        switch value {
        case .string(let s):
            self = .text(s)
            return
        case .number(let d):
            if let i = Int(exactly: d) { self = .index(i); return }
        case .object(let members):
            var fields: [String: [Int]] = [:]
            fields.reserveCapacity(members.count)
            var integral = true
            for (key, list) in members {
                guard case .array(let items) = list else { integral = false; break }
                var ints: [Int] = []
                ints.reserveCapacity(items.count)
                for item in items {
                    guard case .number(let d) = item, let i = Int(exactly: d) else { integral = false; break }
                    ints.append(i)
                }
                guard integral else { break }
                fields[key] = ints
            }
            if integral { self = .fields(fields); return }
        default:
            break
        }
        throw JSONDecodingError(path: path(), reason: Self.expectedForms)
    }
}

extension ArchitectureInput {
    /// Params `T` from their JSON text with `archs` read from the bytes (`list(jsonText:from:upTo:)`)
    /// and every other member from its parse tree; nil as `JSONTextDecodable` says.
    static func decode<T: Decodable>(_ type: T.Type, jsonText bytes: [UInt8], in range: Range<Int>,
                                     archs: WritableKeyPath<T, [ArchitectureInput]>) -> T? {
        JSONValueDecoder(rootPath: "params").decode(T.self, objectText: bytes, in: range, reading: "archs", as: .array([]),
                                                    with: { list(jsonText: bytes, from: $0, upTo: range.upperBound) }, into: archs)
    }

    /// The architectures of the JSON array starting at `bytes[start]` (and ending before
    /// `end`), read from its text (a big request's `archs`, `JSONTextDecodable`): plain strings,
    /// integers and objects of integer lists (`IntegerListObject`), the objects kept as their
    /// text for the space to read (`.objectText`, runs of up to `objectsPerBlock` consecutive
    /// objects copied into one block); and the index after the array. nil when an element is
    /// anything else or in another spelling (escapes, non-ASCII, other number forms): the caller
    /// then decodes the parse tree, as before.
    static func list(jsonText bytes: [UInt8], from start: Int, upTo end: Int) -> ([ArchitectureInput], end: Int)? {
        bytes.withUnsafeBufferPointer { b -> ([ArchitectureInput], end: Int)? in
            guard start < end, b[start] == UInt8(ascii: "[") else { return nil }
            let text = UnsafeBufferPointer(rebasing: b[..<end])
            var out: [ArchitectureInput] = []
            var run: [Range<Int>] = []  // consecutive objects not yet copied into a block
            run.reserveCapacity(objectsPerBlock)
            var i = JSONText.skipSpace(b, start + 1, end)
            if i < end, b[i] == UInt8(ascii: "]") { return (out, i + 1) }
            while i < end {
                // One element, then ',' or ']'.
                if b[i] == UInt8(ascii: "{") {
                    guard let e = IntegerListObject.end(text, from: i) else { return nil }
                    run.append(i..<e)
                    if run.count == objectsPerBlock { appendBlock(of: &run, from: b, to: &out) }
                    i = e
                } else {
                    appendBlock(of: &run, from: b, to: &out)
                    switch b[i] {
                    case UInt8(ascii: "\""):
                        guard let (s, e) = JSONText.plainString(b, from: i, end) else { return nil }
                        out.append(.text(s))
                        i = e
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                        guard let (v, e) = JSONText.plainInteger(b, from: i, end) else { return nil }
                        out.append(.index(v))
                        i = e
                    default:
                        return nil
                    }
                }
                i = JSONText.skipSpace(b, i, end)
                guard i < end else { return nil }
                if b[i] == UInt8(ascii: "]") {
                    appendBlock(of: &run, from: b, to: &out)
                    return (out, i + 1)
                }
                guard b[i] == UInt8(ascii: ",") else { return nil }
                i = JSONText.skipSpace(b, i + 1, end)
            }
            return nil
        }
    }

    /// The objects at `run` (consecutive ranges of `b`) copied into one block and appended to
    /// `out` in order; `run` is then empty.
    private static func appendBlock(of run: inout [Range<Int>], from b: UnsafeBufferPointer<UInt8>, to out: inout [ArchitectureInput]) {
        guard let first = run.first?.lowerBound, let last = run.last?.upperBound else { return }
        let block = Array(b[first..<last])
        for r in run { out.append(.objectText(ArchitectureObjectText(block: block, range: (r.lowerBound - first)..<(r.upperBound - first)))) }
        run.removeAll(keepingCapacity: true)
    }

    /// Objects per block of `.objectText` (a few KB of text).
    static let objectsPerBlock = 128
}
