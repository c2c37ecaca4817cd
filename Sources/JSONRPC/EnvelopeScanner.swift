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
            var i = skipSpace(b, r.lowerBound, r.upperBound)
            guard i < r.upperBound, b[i] == UInt8(ascii: "{") else { return nil }
            i = skipSpace(b, i + 1, r.upperBound)
            var out: [Member] = []
            if i < r.upperBound, b[i] == UInt8(ascii: "}") {
                return skipSpace(b, i + 1, r.upperBound) == r.upperBound ? out : nil
            }
            while i < r.upperBound {
                guard b[i] == UInt8(ascii: "\""), let keyEnd = skipString(b, i, r.upperBound) else { return nil }
                guard let key = decodeKey(Array(b[i..<keyEnd])) else { return nil }
                i = skipSpace(b, keyEnd, r.upperBound)
                guard i < r.upperBound, b[i] == UInt8(ascii: ":") else { return nil }
                let start = skipSpace(b, i + 1, r.upperBound)
                guard let end = skipValue(b, start, r.upperBound) else { return nil }
                out.append(Member(key: key, value: start..<end))
                i = skipSpace(b, end, r.upperBound)
                guard i < r.upperBound else { return nil }
                if b[i] == UInt8(ascii: "}") {
                    return skipSpace(b, i + 1, r.upperBound) == r.upperBound ? out : nil
                }
                guard b[i] == UInt8(ascii: ",") else { return nil }
                i = skipSpace(b, i + 1, r.upperBound)
            }
            return nil
        }
    }

    private static func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var i = from
        while i < end, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
        return i
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
    private static func skipValue(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int? {
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
