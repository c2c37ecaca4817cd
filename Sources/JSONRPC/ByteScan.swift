/// Word-at-a-time tests for the scanners of JSON strings (`JSONParser`, `EnvelopeScanner`):
/// 8 bytes per step instead of one where a string holds none of the bytes that end or escape it.
/// Each test may answer true for a word without such a byte (the caller then looks byte by
/// byte), never false for a word with one.
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The 8 bytes at `p` (unaligned), first byte lowest.
    @inline(__always)
    static func word(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// Whether a byte of `w` equals `c`.
    @inline(__always)
    static func has(_ w: UInt64, _ c: UInt8) -> Bool {
        let x = w ^ (ones &* UInt64(c))
        return (x &- ones) & ~x & highs != 0
    }

    /// Whether `w` may hold '"' or '\\'.
    @inline(__always)
    static func hasQuoteOrBackslash(_ w: UInt64) -> Bool {
        has(w, UInt8(ascii: "\"")) || has(w, UInt8(ascii: "\\"))
    }

    /// Whether `w` may hold '"', '\\', a control character (below 0x20) or a non-ASCII byte.
    @inline(__always)
    static func hasStringSpecial(_ w: UInt64) -> Bool {
        let below20 = (w &- ones &* 0x20) & ~w & highs
        return below20 != 0 || w & highs != 0 || hasQuoteOrBackslash(w)
    }
}
