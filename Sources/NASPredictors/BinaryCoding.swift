import NASCore

/// Little-endian writer of the predictor file payload.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
    mutating func double(_ v: Double) { u64(v.bitPattern) }
    mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
    mutating func floats(_ a: [Float]) {
        u64(UInt64(a.count))
        for v in a { u32(v.bitPattern) }
    }
    mutating func doubles(_ a: [Double]) {
        u64(UInt64(a.count))
        for v in a { double(v) }
    }
    mutating func ints(_ a: [Int]) {
        u64(UInt64(a.count))
        for v in a { int(v) }
    }
}

/// Reader of the predictor file payload: every read is bounds-checked; running off the end or
/// an implausible length is `.corruptFile`, never a crash.
struct BinaryReader {
    let bytes: [UInt8]
    var position: Int
    let limit: Int
    let path: String

    init(_ bytes: [UInt8], from start: Int, to end: Int, path: String) {
        self.bytes = bytes
        self.position = start
        self.limit = end
        self.path = path
    }

    func corrupt(_ what: String) -> NASError {
        NASError(.corruptFile, "predictor file \(path) is corrupt: \(what)")
    }

    mutating func take(_ n: Int) throws(NASError) -> ArraySlice<UInt8> {
        guard n >= 0, n <= limit - position else { throw corrupt("truncated at byte \(position)") }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    mutating func u8() throws(NASError) -> UInt8 { try take(1).first! }
    mutating func u32() throws(NASError) -> UInt32 {
        var v: UInt32 = 0
        for (i, b) in try take(4).enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
        return v
    }
    mutating func u64() throws(NASError) -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(8).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }
    mutating func int() throws(NASError) -> Int { Int(Int64(bitPattern: try u64())) }
    mutating func double() throws(NASError) -> Double { Double(bitPattern: try u64()) }
    mutating func bool() throws(NASError) -> Bool { try u8() != 0 }
    mutating func count(elementSize: Int) throws(NASError) -> Int {
        let n = try u64()
        guard n <= UInt64((limit - position) / max(elementSize, 1)) else { throw corrupt("implausible length \(n)") }
        return Int(n)
    }
    mutating func string() throws(NASError) -> String {
        let n = Int(try u32())
        return String(decoding: try take(n), as: UTF8.self)
    }
    mutating func floats() throws(NASError) -> [Float] {
        let n = try count(elementSize: 4)
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n { out[i] = Float(bitPattern: try u32()) }
        return out
    }
    mutating func doubles() throws(NASError) -> [Double] {
        let n = try count(elementSize: 8)
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n { out[i] = try double() }
        return out
    }
    mutating func ints() throws(NASError) -> [Int] {
        let n = try count(elementSize: 8)
        var out = [Int](repeating: 0, count: n)
        for i in 0..<n { out[i] = try int() }
        return out
    }
}

/// FNV-1a 64-bit hash: the payload checksum of predictor files (and the fingerprint of the
/// data a saved accuracy predictor was trained on).
public enum FNV1a {
    /// The hash of `bytes`.
    public static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}
