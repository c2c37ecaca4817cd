/// Finds the top-level members of a JSON object without building its values, so a server can
/// read a big message's envelope (`jsonrpc`, `id`, `method`) on its message loop and leave the
/// big `params` to be parsed elsewhere.
///
/// It only follows the structure (strings, brackets, separators); values are not validated, so
/// a caller parses each member it needs with `JSONParser` and treats a scan failure as "parse
/// the whole text normally". Cost: one pass over the bytes, no allocation per value.
public enum EnvelopeScanner {
    /// One member: its key and the byte range of its value in the scanned text.
    public struct Member: Sendable, Equatable {
        /// The member name (escapes decoded).
        public var key: String
        /// Where its value lies.
        public var value: Range<Int>
    }

    /// The members of the object spanning `range` of `bytes` (the whole text by default), in
    /// order; nil when the text there is not an object of that shape.
    public static func members(of bytes: [UInt8], in range: Range<Int>? = nil) -> [Member]? {
        bytes.withUnsafeBufferPointer { b -> [Member]? in
            let r = range ?? 0..<b.count
            guard let (members, end) = scanObject(b, from: JSONText.skipSpace(b, r.lowerBound, r.upperBound), r.upperBound, { _, start in
                skipValue(b, start, r.upperBound)
            }), JSONText.skipSpace(b, end, r.upperBound) == r.upperBound else { return nil }
            return members
        }
    }

    /// The members of the object spanning `bytes` and, in the same pass, those of its member
    /// `inner` when that is an object (the last one, when the key repeats; nil when it is
    /// absent or no object): a big message's envelope and its params' members (a progress
    /// token) for the price of one scan. nil when the text is not an object of that shape.
    public static func members(of bytes: [UInt8], withMembersOf inner: String) -> (members: [Member], inner: [Member]?)? {
        bytes.withUnsafeBufferPointer { b -> (members: [Member], inner: [Member]?)? in
            var innerMembers: [Member]?
            guard let (members, end) = scanObject(b, from: JSONText.skipSpace(b, 0, b.count), b.count, { key, start in
                guard key == inner, b[start] == UInt8(ascii: "{") else {
                    if key == inner { innerMembers = nil }
                    return skipValue(b, start, b.count)
                }
                // Not an object of that shape: skipped as before, its errors left to its parse.
                guard let (found, valueEnd) = scanObject(b, from: start, b.count, { _, s in skipValue(b, s, b.count) }) else {
                    innerMembers = nil
                    return skipValue(b, start, b.count)
                }
                innerMembers = found
                return valueEnd
            }), JSONText.skipSpace(b, end, b.count) == b.count else { return nil }
            return (members, innerMembers)
        }
    }

    /// Reads the object starting at `b[from]` (a `{`): each member's key, then `value(key,
    /// start)`, which reads the value starting at `start` (never whitespace) and returns the
    /// index after it, or nil to give up. The members and the index after the object, or nil
    /// when the text before `end` is not an object of that shape.
    static func scanObject(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ end: Int,
                           _ value: (String, Int) -> Int?) -> (members: [Member], end: Int)? {
        var i = from
        guard i < end, b[i] == UInt8(ascii: "{") else { return nil }
        i = JSONText.skipSpace(b, i + 1, end)
        var out: [Member] = []
        if i < end, b[i] == UInt8(ascii: "}") { return (out, i + 1) }
        while i < end {
            guard b[i] == UInt8(ascii: "\""), let keyEnd = skipString(b, i, end) else { return nil }
            guard let key = decodeKey(Array(b[i..<keyEnd])) else { return nil }
            i = JSONText.skipSpace(b, keyEnd, end)
            guard i < end, b[i] == UInt8(ascii: ":") else { return nil }
            let start = JSONText.skipSpace(b, i + 1, end)
            guard start < end, let valueEnd = value(key, start), valueEnd <= end else { return nil }
            out.append(Member(key: key, value: start..<valueEnd))
            i = JSONText.skipSpace(b, valueEnd, end)
            guard i < end else { return nil }
            if b[i] == UInt8(ascii: "}") { return (out, i + 1) }
            guard b[i] == UInt8(ascii: ",") else { return nil }
            i = JSONText.skipSpace(b, i + 1, end)
        }
        return nil
    }

    /// The index after the string starting at `from` (a quote), or nil when it does not end.
    private static func skipString(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int? {
        var i = from + 1
        let base = b.baseAddress!
        while i < end {
            while i + 8 <= end && !ByteScan.hasQuoteOrBackslash(ByteScan.word(base + i)) { i += 8 }
            guard i < end else { break }
            switch b[i] {
            case UInt8(ascii: "\""): return i + 1
            case UInt8(ascii: "\\"): i += 2
            default: i += 1
            }
        }
        return nil
    }

    /// The index after the value starting at `from`, or nil when its brackets do not close.
    static func skipValue(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int? {
        guard from < end else { return nil }
        switch b[from] {
        case UInt8(ascii: "\""):
            return skipString(b, from, end)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = from
            while i < end {
                switch b[i] {
                case UInt8(ascii: "\""):
                    guard let e = skipString(b, i, end) else { return nil }
                    i = e
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            return nil
        default:
            var i = from
            while i < end {
                switch b[i] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return i > from ? i : nil
                default: i += 1
                }
            }
            return i > from ? i : nil
        }
    }

    private static func decodeKey(_ quoted: [UInt8]) -> String? {
        if !quoted.contains(UInt8(ascii: "\\")) {
            return String(validating: quoted[1..<(quoted.count - 1)], as: UTF8.self)
        }
        return (try? JSONParser.parse(quoted))?.stringValue
    }
}
