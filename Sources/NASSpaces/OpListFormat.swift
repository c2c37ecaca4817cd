import NASCore

/// The `op-op-...` string form of the chain spaces (FBNet's `7-8-1-...` and `k5_e6-skip-...`,
/// ProxylessNAS's `3x3_MBConv6-zero-...`): one token per decision joined by `-`, each an op
/// name in any of the space's spellings or, where allowed, the option's index.
///
/// `parse` matches bytes against the names without building strings: the genes array is its only
/// allocation. It returns nil for anything it does not accept, and the space's general parser
/// then explains what is wrong.
struct OpListFormat: Sendable {
    /// Options of each decision (a token must name an option below it).
    let cardinalities: [Int]
    /// One entry per (spelling, option), in lookup order (spellings in turn, options in order):
    /// `length | first byte << 8 | last byte << 16`, so most candidates are ruled out by one
    /// integer compare before any byte of the name is read.
    private let keys: [UInt32]
    /// The option of each entry.
    private let options: [Int]
    /// Where each entry's name starts in `bytes`.
    private let starts: [Int]
    /// Every name's UTF-8, back to back.
    private let bytes: [UInt8]
    /// Whether a token may be the option's decimal index.
    private let acceptsIndices: Bool

    /// A format of `cardinalities.count` tokens spelled as `spellings` (e.g. long and short names).
    init(cardinalities: [Int], spellings: [[String]], acceptsIndices: Bool) {
        self.cardinalities = cardinalities
        var keys: [UInt32] = [], options: [Int] = [], starts: [Int] = [], bytes: [UInt8] = []
        for names in spellings {
            for (o, name) in names.enumerated() {
                let utf8 = Array(name.utf8)
                precondition(!utf8.isEmpty && utf8.count < 256, "op names are 1-255 bytes")
                keys.append(Self.key(length: utf8.count, first: utf8[0], last: utf8[utf8.count - 1]))
                options.append(o)
                starts.append(bytes.count)
                bytes += utf8
            }
        }
        (self.keys, self.options, self.starts, self.bytes) = (keys, options, starts, bytes)
        self.acceptsIndices = acceptsIndices
    }

    @inline(__always)
    private static func key(length: Int, first: UInt8, last: UInt8) -> UInt32 {
        UInt32(truncatingIfNeeded: length) | UInt32(first) << 8 | UInt32(last) << 16
    }

    /// The option a token (`b[start..<end]`) names, or nil; the first entry that matches wins.
    @inline(__always)
    private func option(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                        keys: UnsafeBufferPointer<UInt32>, starts: UnsafeBufferPointer<Int>,
                        names: UnsafeBufferPointer<UInt8>) -> Int? {
        let length = end - start
        guard length > 0, length < 256 else { return nil }
        if acceptsIndices, length <= 2 {
            var v = 0
            var digits = true
            for j in start..<end {
                let d = b[j] &- UInt8(ascii: "0")
                if d > 9 { digits = false; break }
                v = v * 10 + Int(d)
            }
            if digits { return v }
        }
        let k = Self.key(length: length, first: b[start], last: b[end - 1])
        for e in 0..<keys.count where keys[e] == k {
            let s = starts[e]
            var same = true
            for j in 1..<length where names[s + j] != b[start + j] { same = false; break }
            if same { return options[e] }
        }
        return nil
    }

    /// The architecture of a well-formed string (no spaces, every token known and allowed at
    /// its position), or nil.
    func parse(_ text: String) -> Architecture? {
        var text = text
        return text.withUTF8 { b in
            keys.withUnsafeBufferPointer { keys in
                starts.withUnsafeBufferPointer { starts in
                    bytes.withUnsafeBufferPointer { names in
                        cardinalities.withUnsafeBufferPointer { card in
                            parse(b, cardinalities: card, keys: keys, starts: starts, names: names)
                        }
                    }
                }
            }
        }
    }

    private func parse(_ b: UnsafeBufferPointer<UInt8>, cardinalities: UnsafeBufferPointer<Int>,
                       keys: UnsafeBufferPointer<UInt32>, starts: UnsafeBufferPointer<Int>,
                       names: UnsafeBufferPointer<UInt8>) -> Architecture? {
        let n = b.count
        var genes = [UInt8](repeating: 0, count: cardinalities.count)
        var i = 0
        for position in 0..<cardinalities.count {
            if position > 0 {
                guard i < n, b[i] == UInt8(ascii: "-") else { return nil }
                i += 1
            }
            let start = i
            while i < n && b[i] != UInt8(ascii: "-") { i += 1 }
            guard let o = option(b, start, i, keys: keys, starts: starts, names: names),
                  o < cardinalities[position] else { return nil }
            genes[position] = UInt8(o)
        }
        return i == n ? Architecture(genes: genes) : nil
    }
}
