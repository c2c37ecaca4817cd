/// A fast JSON serializer to UTF-8 bytes.
///
/// Object keys are written sorted (deterministic output); integral numbers up to 2^53 are
/// written without a fraction; other numbers use Swift's shortest round-trip form; NaN and
/// infinities (not representable in JSON) are written as `null`.
public enum JSONWriter {
    /// The compact JSON text of `value`.
    public static func write(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    /// Appends the compact JSON text of `value` to `out`.
    public static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: append("null", to: &out)
        case .bool(let b): append(b ? "true" : "false", to: &out)
        case .number(let d): writeNumber(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(v, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            var first = true
            for key in o.keys.sorted() {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(o[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    private static func append(_ s: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Appends a JSON number.
    public static func writeNumber(_ d: Double, into out: inout [UInt8]) {
        guard d.isFinite else { append("null", to: &out); return }
        if d == d.rounded(.towardZero) && abs(d) < 9_007_199_254_740_992 {
            var n = Int64(d)
            if n == 0 {
                if d.sign == .minus { append("-0", to: &out) } else { out.append(UInt8(ascii: "0")) }
                return
            }
            if n < 0 { out.append(UInt8(ascii: "-")); n = -n }
            var digits: (UInt64, UInt64) = (0, 0)  // 16 bytes of scratch for up to 16 digits
            let count = withUnsafeMutableBytes(of: &digits) { buf -> Int in
                var k = 0
                var v = n
                while v > 0 {
                    buf[k] = UInt8(truncatingIfNeeded: v % 10) + UInt8(ascii: "0")
                    v /= 10
                    k += 1
                }
                return k
            }
            withUnsafeBytes(of: &digits) { buf in
                for k in stride(from: count - 1, through: 0, by: -1) { out.append(buf[k]) }
            }
            return
        }
        out.append(contentsOf: d.description.utf8)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends a JSON string literal with the required escapes.
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        var copy = s
        copy.withUTF8 { buf in
            out.append(UInt8(ascii: "\""))
            var runStart = 0
            for i in 0..<buf.count {
                let c = buf[i]
                if c >= 0x20 && c != 0x22 && c != 0x5C { continue }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i])) }
                runStart = i + 1
                switch c {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                default:
                    append("\\u00", to: &out)
                    out.append(hex[Int(c >> 4)])
                    out.append(hex[Int(c & 0xF)])
                }
            }
            if runStart < buf.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<buf.count])) }
            out.append(UInt8(ascii: "\""))
        }
    }
}
