import NASCore

/// The `key=v-v-v;key=v-...` string format shared by the MobileNet-family spaces
/// (OFA's `ks=..;e=..;d=..;r=..`). Parses bytes directly into a caller's buffer, without
/// intermediate strings or arrays (messages are built only on error), so that 100,000
/// architectures parse in a few milliseconds.
struct KeyedListFormat: Sendable {
    /// Key names in output order.
    let names: [String]
    /// Number of integers each key must hold.
    let counts: [Int]
    private let keyBytes: [[UInt8]]
    private let offsets: [Int]
    /// Total integers across keys.
    let total: Int

    init(_ keys: [(String, Int)]) {
        precondition(keys.count <= 64, "a keyed list has at most 64 keys")
        names = keys.map(\.0)
        counts = keys.map(\.1)
        keyBytes = names.map { Array($0.utf8) }
        var off: [Int] = []
        var t = 0
        for c in counts { off.append(t); t += c }
        offsets = off
        total = t
    }

    /// Offset of key `k`'s values in the flat output.
    func offset(_ k: Int) -> Int { offsets[k] }

    /// Formats the flat values back to `key=v-v;key=v`.
    func format(_ values: [Int]) -> String {
        var s = ""
        s.reserveCapacity(total * 3 + names.count * 4)
        for k in 0..<names.count {
            if k > 0 { s += ";" }
            s += names[k]
            s += "="
            for j in 0..<counts[k] {
                if j > 0 { s += "-" }
                s += String(values[offsets[k] + j])
            }
        }
        return s
    }

    /// The index of the key spelled by `key`, or nil.
    @inline(__always)
    private func keyIndex(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        for k in 0..<keyBytes.count {
            let name = keyBytes[k]
            guard name.count == key.count else { continue }
            var same = true
            for j in 0..<key.count where name[j] != key[j] { same = false; break }
            if same { return k }
        }
        return nil
    }

    /// Parses the bytes `b` into `out` (`total` values, key order of `names`); nil on success,
    /// else the error naming the position at fault.
    func parseBytes(_ b: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Int>,
                    space: String) -> NASError? {
        if parseFormatted(b, into: out) { return nil }
        return parseGeneral(b, into: out, space: space)
    }

    /// The common case, as `format` writes it (keys in order, no spaces, non-negative values
    /// of at most 9 digits): true when `b` is exactly that and `out` holds its values.
    private func parseFormatted(_ b: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Int>) -> Bool {
        let n = b.count
        var i = 0
        for k in 0..<keyBytes.count {
            if k > 0 {
                guard i < n, b[i] == UInt8(ascii: ";") else { return false }
                i += 1
            }
            let key = keyBytes[k]
            guard i + key.count < n else { return false }
            for j in 0..<key.count where b[i + j] != key[j] { return false }
            i += key.count
            guard b[i] == UInt8(ascii: "=") else { return false }
            i += 1
            let base = offsets[k]
            for j in 0..<counts[k] {
                if j > 0 {
                    guard i < n, b[i] == UInt8(ascii: "-") else { return false }
                    i += 1
                }
                var v = 0
                let start = i
                while i < n {
                    let d = b[i] &- UInt8(ascii: "0")
                    if d > 9 { break }
                    v = v &* 10 &+ Int(d)
                    i += 1
                }
                guard i > start, i - start <= 9 else { return false }
                out[base + j] = v
            }
        }
        return i == n
    }

    /// Any spelling the format accepts (spaces, keys in any order, `,` between values), or the
    /// error naming the position at fault.
    private func parseGeneral(_ b: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Int>,
                              space: String) -> NASError? {
        var seen: UInt64 = 0
        var i = 0
        let n = b.count
        @inline(__always) func skipSpaces() { while i < n && (b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13) { i += 1 } }
        skipSpaces()
        if i == n { return SpaceErrors.malformed(space, "empty architecture string; expected \(example)") }
        while i < n {
            skipSpaces()
            let keyStart = i
            while i < n && b[i] != UInt8(ascii: "=") && b[i] != UInt8(ascii: ";") { i += 1 }
            var keyEnd = i
            while keyEnd > keyStart && b[keyEnd - 1] == 32 { keyEnd -= 1 }
            let key = UnsafeBufferPointer(rebasing: b[keyStart..<keyEnd])
            guard let k = keyIndex(key) else {
                let name = String(decoding: key, as: UTF8.self)
                return SpaceErrors.invalid(space, "key '\(name)'", "unknown key in '\(String(decoding: b, as: UTF8.self).prefix(80))'",
                                           allowed: names.joined(separator: ", "))
            }
            guard i < n && b[i] == UInt8(ascii: "=") else {
                return SpaceErrors.invalid(space, names[k], "missing '=' after key")
            }
            if seen & (1 << UInt64(k)) != 0 { return SpaceErrors.invalid(space, names[k], "key given twice") }
            seen |= 1 << UInt64(k)
            i += 1
            let want = counts[k], base = offsets[k]
            var count = 0
            while true {
                skipSpaces()
                var v = 0
                var digits = 0
                var negative = false
                if i < n && b[i] == UInt8(ascii: "-") && count == 0 { negative = true; i += 1 }
                while i < n, b[i] >= 48, b[i] <= 57 {
                    if digits < 9 { v = v * 10 + Int(b[i] - 48) }
                    digits += 1
                    i += 1
                }
                if digits == 0 {
                    let rest = String(decoding: UnsafeBufferPointer(rebasing: b[i..<min(n, i + 12)]), as: UTF8.self)
                    return SpaceErrors.invalid(space, "\(names[k])[\(count)]", "expected an integer at '\(rest)'")
                }
                if negative { v = -v }
                if count < want { out[base + count] = v }
                count += 1
                skipSpaces()
                if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: ",")) { i += 1; continue }
                break
            }
            if count != want {
                return SpaceErrors.invalid(space, names[k], "expected \(want) values, got \(count)")
            }
            skipSpaces()
            if i < n {
                guard b[i] == UInt8(ascii: ";") else {
                    return SpaceErrors.invalid(space, names[k], "unexpected character '\(Character(UnicodeScalar(b[i])))'; expected ';' between keys")
                }
                i += 1
            }
        }
        for k in 0..<names.count where seen & (1 << UInt64(k)) == 0 {
            return SpaceErrors.invalid(space, names[k], "missing key; expected \(example)")
        }
        return nil
    }

    /// A short example of the format, for messages.
    var example: String {
        names.enumerated().map { "\($0.element)=<\(counts[$0.offset]) ints>" }.joined(separator: ";")
    }
}
