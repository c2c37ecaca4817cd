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
    /// Each spelling of the op names, indexed by option, as UTF-8.
    private let spellings: [[[UInt8]]]
    /// Whether a token may be the option's decimal index.
    private let acceptsIndices: Bool

    /// A format of `cardinalities.count` tokens spelled as `spellings` (e.g. long and short names).
    init(cardinalities: [Int], spellings: [[String]], acceptsIndices: Bool) {
        self.cardinalities = cardinalities
        self.spellings = spellings.map { $0.map { Array($0.utf8) } }
        self.acceptsIndices = acceptsIndices
    }

    /// The option a token names, or nil.
    @inline(__always)
    private func option(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        let length = end - start
        guard length > 0 else { return nil }
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
        for names in spellings {
            for o in 0..<names.count where names[o].count == length {
                let name = names[o]
                var same = true
                for j in 0..<length where name[j] != b[start + j] { same = false; break }
                if same { return o }
            }
        }
        return nil
    }

    /// The architecture of a well-formed string (no spaces, every token known and allowed at
    /// its position), or nil.
    func parse(_ text: String) -> Architecture? {
        var text = text
        return text.withUTF8 { b -> Architecture? in
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
                guard let o = option(b, start, i), o < cardinalities[position] else { return nil }
                genes[position] = UInt8(o)
            }
            return i == n ? Architecture(genes: genes) : nil
        }
    }
}
