import NASCore

/// Little-endian writer of the generator file's payload.
struct GeneratorByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }
    mutating func count(_ n: Int) { u32(UInt32(n)) }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        count(utf8.count)
        bytes.append(contentsOf: utf8)
    }
    mutating func floats(_ v: [Float]) {
        count(v.count)
        for x in v { u32(x.bitPattern) }
    }
    mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }
}

/// Bounds-checked little-endian reader; any overrun is a corrupt file.
struct GeneratorByteReader {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int, to end: Int) {
        self.bytes = bytes
        self.position = start
        self.end = end
    }

    private mutating func take(_ n: Int) throws(NASError) -> Int {
        guard n >= 0, position + n <= end else {
            throw NASError(.corruptFile, "generator file is truncated (needed \(n) bytes at offset \(position))")
        }
        defer { position += n }
        return position
    }

    mutating func u32() throws(NASError) -> UInt32 {
        let p = try take(4)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[p + i]) << (8 * UInt32(i)) }
        return v
    }

    mutating func u64() throws(NASError) -> UInt64 {
        let p = try take(8)
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[p + i]) << (8 * UInt64(i)) }
        return v
    }

    mutating func f64() throws(NASError) -> Double { Double(bitPattern: try u64()) }

    /// A count, bounded so corrupt values cannot ask for absurd allocations.
    mutating func count(max: Int = 1 << 26) throws(NASError) -> Int {
        let n = Int(try u32())
        guard n <= max else { throw NASError(.corruptFile, "generator file holds an implausible count \(n)") }
        return n
    }

    mutating func string() throws(NASError) -> String {
        let n = try count(max: 1 << 20)
        let p = try take(n)
        return String(decoding: bytes[p..<(p + n)], as: UTF8.self)
    }

    mutating func floats() throws(NASError) -> [Float] {
        let n = try count()
        _ = try take(0)
        guard position + 4 * n <= end else { throw NASError(.corruptFile, "generator file is truncated (parameters)") }
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n { out[i] = Float(bitPattern: try u32()) }
        return out
    }

    mutating func raw(_ n: Int) throws(NASError) -> [UInt8] {
        let p = try take(n)
        return Array(bytes[p..<(p + n)])
    }
}

/// 64-bit FNV-1a, the file's checksum.
func fnv1a64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01b3
    }
    return h
}
