/// Little-endian writer of binary file payloads (predictor and generator files, MLP blocks).
public struct BinaryWriter: Sendable {
    /// What was written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
    public mutating func double(_ v: Double) { u64(v.bitPattern) }
    public mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }
    /// A u32 count (the generator format's lengths).
    public mutating func count32(_ n: Int) { u32(UInt32(n)) }
    /// u32 length, then UTF-8.
    public mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
    /// Bytes as they are.
    public mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }
    /// u64 count, then the float32 bits.
    public mutating func floats(_ a: [Float]) {
        u64(UInt64(a.count))
        for v in a { u32(v.bitPattern) }
    }
    /// u32 count, then the float32 bits (the generator format's arrays).
    public mutating func floats32(_ a: [Float]) {
        count32(a.count)
        for v in a { u32(v.bitPattern) }
    }
    /// u64 count, then the values.
    public mutating func doubles(_ a: [Double]) {
        u64(UInt64(a.count))
        for v in a { double(v) }
    }
    /// u64 count, then the values.
    public mutating func ints(_ a: [Int]) {
        u64(UInt64(a.count))
        for v in a { int(v) }
    }
}

/// Reader of binary file payloads: every read is bounds-checked; running off the end or an
/// implausible length is `.corruptFile` ("<name> is corrupt: ..."), never a crash.
public struct BinaryReader: Sendable {
    /// The whole buffer.
    public let bytes: [UInt8]
    /// The next byte to read.
    public var position: Int
    /// One past the last byte this reader may read.
    public let limit: Int
    /// What is read, for messages (e.g. "predictor file /x/y.hwnp").
    public let name: String
    /// When set, a NaN or infinite number (`double`, `floats`) is `.corruptFile`: model
    /// parameters must be finite.
    public var requireFinite = false

    /// A reader of `bytes[start..<end]`.
    public init(_ bytes: [UInt8], from start: Int, to end: Int, name: String) {
        self.bytes = bytes
        self.position = start
        self.limit = end
        self.name = name
    }

    /// The error for damage described by `what`.
    public func corrupt(_ what: String) -> NASError {
        NASError(.corruptFile, "\(name) is corrupt: \(what)")
    }

    public mutating func take(_ n: Int) throws(NASError) -> ArraySlice<UInt8> {
        guard n >= 0, n <= limit - position else { throw corrupt("truncated at byte \(position)") }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    public mutating func u8() throws(NASError) -> UInt8 { try take(1).first! }
    public mutating func u32() throws(NASError) -> UInt32 {
        var v: UInt32 = 0
        for (i, b) in try take(4).enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
        return v
    }
    public mutating func u64() throws(NASError) -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(8).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }
    public mutating func int() throws(NASError) -> Int { Int(Int64(bitPattern: try u64())) }
    public mutating func double() throws(NASError) -> Double {
        let v = Double(bitPattern: try u64())
        if requireFinite && !v.isFinite { throw notFinite() }
        return v
    }
    /// The error for a number that is not finite while `requireFinite` is set.
    public func notFinite() -> NASError { corrupt("a model parameter before byte \(position) is not a finite number") }
    public mutating func bool() throws(NASError) -> Bool { try u8() != 0 }
    /// A u64 element count that fits in what is left at `elementSize` bytes each.
    public mutating func count(elementSize: Int) throws(NASError) -> Int {
        let n = try u64()
        guard n <= UInt64((limit - position) / max(elementSize, 1)) else { throw corrupt("implausible length \(n)") }
        return Int(n)
    }
    /// A u32 count of at most `max` (so corrupt values cannot ask for absurd allocations).
    public mutating func count32(max: Int = 1 << 26) throws(NASError) -> Int {
        let n = Int(try u32())
        guard n <= max else { throw corrupt("implausible count \(n)") }
        return n
    }
    public mutating func string() throws(NASError) -> String {
        let n = Int(try u32())
        return String(decoding: try take(n), as: UTF8.self)
    }
    /// `n` bytes as they are.
    public mutating func raw(_ n: Int) throws(NASError) -> [UInt8] { Array(try take(n)) }
    public mutating func floats() throws(NASError) -> [Float] {
        try floats(count: try count(elementSize: 4))
    }
    /// A u32 count, then the float32 bits (see `BinaryWriter.floats32`).
    public mutating func floats32() throws(NASError) -> [Float] {
        try floats(count: try count32())
    }
    private mutating func floats(count n: Int) throws(NASError) -> [Float] {
        guard n <= (limit - position) / 4 else { throw corrupt("truncated array of \(n) floats at byte \(position)") }
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n { out[i] = Float(bitPattern: try u32()) }
        if requireFinite && !out.allSatisfy(\.isFinite) { throw notFinite() }
        return out
    }
    public mutating func doubles() throws(NASError) -> [Double] {
        let n = try count(elementSize: 8)
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n { out[i] = try double() }
        return out
    }
    public mutating func ints() throws(NASError) -> [Int] {
        let n = try count(elementSize: 8)
        var out = [Int](repeating: 0, count: n)
        for i in 0..<n { out[i] = try int() }
        return out
    }
}

/// FNV-1a 64-bit hash: the payload checksum of the binary files.
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

    /// FNV-1a over `bytes` read as 8-byte little-endian words (the last one zero-padded), then
    /// their count: one multiplication per 8 bytes, for whole files (`DataCatalog.fileDigest`).
    /// Each step is a bijection of the state, so a change within one word always changes it.
    public static func hashWords(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hasher = WordHasher()
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finish()
    }

    /// `hashWords` fed in pieces (a file read chunk by chunk): any split of the bytes gives the same hash.
    public struct WordHasher: Sendable {
        private static let prime: UInt64 = 0x0000_0100_0000_01B3
        private var h: UInt64 = 0xcbf2_9ce4_8422_2325
        private var pending: UInt64 = 0
        private var count = 0

        /// An empty hash.
        public init() {}

        /// Hashes the next bytes.
        public mutating func update(_ raw: UnsafeRawBufferPointer) {
            var i = 0
            while i < raw.count && count % 8 != 0 { take(raw[i]); i += 1 }
            let whole = (raw.count - i) / 8
            for w in 0..<whole {
                h ^= UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + w * 8, as: UInt64.self))
                h = h &* Self.prime
            }
            count += whole * 8
            i += whole * 8
            while i < raw.count { take(raw[i]); i += 1 }
        }

        /// One byte into the word being filled.
        private mutating func take(_ b: UInt8) {
            pending |= UInt64(b) << (8 * UInt64(count % 8))
            count += 1
            if count % 8 == 0 {
                h = (h ^ pending) &* Self.prime
                pending = 0
            }
        }

        /// The hash of every byte given.
        public func finish() -> UInt64 {
            var h = self.h
            if count % 8 != 0 { h = (h ^ pending) &* Self.prime }
            return (h ^ UInt64(count)) &* Self.prime
        }
    }
}
