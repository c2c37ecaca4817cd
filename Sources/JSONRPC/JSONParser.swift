#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a JSON text could not be parsed, with the byte offset where parsing stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset into the input.
    public var offset: Int
    /// What was wrong there.
    public var reason: String

    /// Makes an error.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// "reason at byte N".
    public var description: String { "\(reason) at byte \(offset)" }
}

/// A hand-written recursive-descent JSON parser over raw UTF-8 bytes (RFC 8259).
///
/// Strings are validated as UTF-8; nesting is limited to `maxDepth`; trailing non-space
/// bytes are an error. It is the hot path of every message the daemon reads.
public struct JSONParser {
    /// Default nesting limit.
    public static let defaultMaxDepth = 512

    /// Parses a whole JSON text.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw -> Result<JSONValue, JSONParseError> in
            do throws(JSONParseError) { return .success(try parse(raw, maxDepth: maxDepth)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses a whole JSON text from a string.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// Parses a whole JSON text from raw bytes.
    public static func parse(_ raw: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        guard raw.count > 0 else { throw JSONParseError(offset: 0, reason: "empty input") }
        var p = JSONParser(raw, maxDepth: maxDepth)
        p.skipSpace()
        let v = try p.parseValue(depth: 0)
        p.skipSpace()
        if p.pos != p.end { throw JSONParseError(offset: p.pos, reason: "unexpected data after the JSON value") }
        return v
    }

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var pos = 0
    private let maxDepth: Int
    private var scratch: [UInt8] = []

    private init(_ raw: UnsafeRawBufferPointer, maxDepth: Int) {
        self.base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        self.end = raw.count
        self.maxDepth = maxDepth
    }

    @inline(__always)
    private mutating func skipSpace() {
        while pos < end {
            let c = base[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { return }
        }
    }

    private func fail(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? pos, reason: reason)
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard pos < end else { throw fail("unexpected end of input") }
        switch base[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character '\(Self.printable(base[pos]))'")
        }
    }

    private static func printable(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? String(UnicodeScalar(c)) : "\\x" + String(c, radix: 16)
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard end - pos >= n else { throw fail("invalid literal") }
        let w = word.utf8Start
        for i in 0..<n where base[pos + i] != w[i] { throw fail("invalid literal") }
        pos += n
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        if depth > maxDepth { throw fail("nesting deeper than \(maxDepth)") }
        pos += 1
        skipSpace()
        if pos < end && base[pos] == UInt8(ascii: "}") { pos += 1; return .object([:]) }
        // Room for a small object's members at once (no rehash while it fills).
        var members = [String: JSONValue](minimumCapacity: 4)
        while true {
            skipSpace()
            guard pos < end, base[pos] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try parseString()
            skipSpace()
            guard pos < end, base[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            pos += 1
            skipSpace()
            members[key] = try parseValue(depth: depth)
            skipSpace()
            guard pos < end else { throw fail("unterminated object") }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { return .object(members) }
            throw fail("expected ',' or '}'", at: pos - 1)
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        if depth > maxDepth { throw fail("nesting deeper than \(maxDepth)") }
        pos += 1
        skipSpace()
        if pos < end && base[pos] == UInt8(ascii: "]") { pos += 1; return .array([]) }
        var items: [JSONValue] = []
        items.reserveCapacity(8)  // a short list without regrowing
        while true {
            skipSpace()
            items.append(try parseValue(depth: depth))
            skipSpace()
            guard pos < end else { throw fail("unterminated array") }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { return .array(items) }
            throw fail("expected ',' or ']'", at: pos - 1)
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        let start = pos + 1
        var i = start
        var ascii = true
        // Fast scan, 8 bytes at a time while none is '"', '\\', a control character or non-ASCII
        // (a word with any of them, or a false alarm, goes to the byte loop below).
        while i + 8 <= end {
            if ByteScan.hasStringSpecial(ByteScan.word(base + i)) { break }
            i += 8
        }
        while i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                pos = i + 1
                let buf = UnsafeBufferPointer(start: base + start, count: i - start)
                if ascii { return String(decoding: buf, as: UTF8.self) }
                guard let s = String(validating: buf, as: UTF8.self) else {
                    throw fail("invalid UTF-8 in string", at: start)
                }
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in string", at: i) }
            if c >= 0x80 { ascii = false }
            i += 1
        }
        guard i < end else { throw fail("unterminated string", at: start - 1) }
        // Slow path with escapes.
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: i - start))
        while i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                pos = i + 1
                guard let s = String(validating: scratch, as: UTF8.self) else {
                    throw fail("invalid UTF-8 in string", at: start)
                }
                return s
            }
            if c < 0x20 { throw fail("control character in string", at: i) }
            if c != UInt8(ascii: "\\") {
                scratch.append(c)
                i += 1
                continue
            }
            guard i + 1 < end else { break }
            let e = base[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard i + 6 <= end, base[i] == UInt8(ascii: "\\"), base[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate", at: i)
                    }
                    let low = try hex4(at: i + 2)
                    guard low >= 0xDC00 && low < 0xE000 else { throw fail("invalid low surrogate", at: i) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw fail("unpaired surrogate", at: i - 6)
                }
                appendUTF8(scalar)
            default:
                throw fail("invalid escape '\\\(Self.printable(e))'", at: i - 2)
            }
        }
        throw fail("unterminated string", at: start - 1)
    }

    private func hex4(at i: Int) throws(JSONParseError) -> UInt32 {
        guard i + 4 <= end else { throw fail("truncated \\u escape", at: i) }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = base[i + k]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape", at: i + k)
            }
            v = v << 4 | d
        }
        return v
    }

    private mutating func appendUTF8(_ s: UInt32) {
        if s < 0x80 {
            scratch.append(UInt8(s))
        } else if s < 0x800 {
            scratch.append(UInt8(0xC0 | (s >> 6)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        } else if s < 0x10000 {
            scratch.append(UInt8(0xE0 | (s >> 12)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        } else {
            scratch.append(UInt8(0xF0 | (s >> 18)))
            scratch.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (s & 0x3F)))
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = pos
        var i = pos
        var negative = false
        if base[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") else {
            throw fail("invalid number", at: start)
        }
        var mantissa: UInt64 = 0
        var digits = 0
        if base[i] == UInt8(ascii: "0") {
            i += 1
            if i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") {
                throw fail("leading zero in number", at: start)
            }
        } else {
            while i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") {
                if digits < 18 { mantissa = mantissa &* 10 &+ UInt64(base[i] - UInt8(ascii: "0")) }
                digits += 1
                i += 1
            }
        }
        var isInteger = true
        if i < end, base[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") else {
                throw fail("expected a digit after '.'", at: i)
            }
            while i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") { i += 1 }
        }
        if i < end, base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if i < end, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") else {
                throw fail("expected a digit in exponent", at: i)
            }
            while i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") { i += 1 }
        }
        pos = i
        if isInteger && digits <= 15 {
            let d = Double(mantissa)
            return negative ? -d : d
        }
        // General case: strtod on a NUL-terminated copy (numbers are short).
        let len = i - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: len + 1) { tmp in
            for k in 0..<len { tmp[k] = CChar(bitPattern: base[start + k]) }
            tmp[len] = 0
            return strtod(tmp.baseAddress!, nil)
        }
    }
}
