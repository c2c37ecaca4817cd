/// Byte-level readers of JSON values in their common spelling, for decoders that read a big
/// text without building its parse tree (`JSONTextDecodable`). Each returns nil for a text it
/// does not read, whether or not it is valid JSON; the caller then parses the text in full, so
/// that what these read is exactly what `JSONParser` would have given, and everything else
/// (errors included) is the parser's.
public enum JSONText {
    /// The index of the first byte at or after `i` (below `end`) that is not JSON whitespace.
    @inline(__always)
    public static func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        var i = i
        while i < end, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        return i
    }

    /// The string starting at `b[from]` (a quote) and the index after it, when it ends before
    /// `end` and holds only ASCII without control characters or escapes.
    public static func plainString(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ end: Int) -> (String, end: Int)? {
        let start = from + 1
        var i = start
        let base = b.baseAddress!
        while i + 8 <= end, !ByteScan.hasStringSpecial(ByteScan.word(base + i)) { i += 8 }
        while i < end {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                return (String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self), i + 1)
            }
            guard c >= 0x20, c < 0x80, c != UInt8(ascii: "\\") else { return nil }
            i += 1
        }
        return nil
    }

    /// The integer starting at `b[from]` and the index after it, when it is an optional `-` and
    /// at most 15 digits (exact as JSON's doubles) without a leading zero, fraction or exponent.
    public static func plainInteger(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ end: Int) -> (Int, end: Int)? {
        var i = from
        let negative = i < end && b[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        let digitsStart = i
        var v = 0
        while i < end {
            let d = b[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            v = v &* 10 &+ Int(d)
            i += 1
        }
        let digits = i - digitsStart
        guard digits > 0, digits <= 15, digits == 1 || b[digitsStart] != UInt8(ascii: "0") else { return nil }
        if i < end, b[i] == UInt8(ascii: ".") || b[i] | 0x20 == UInt8(ascii: "e") { return nil }
        return (negative ? -v : v, i)
    }
}
