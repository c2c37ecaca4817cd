import NASCore

/// The `key=v-v-v;key=v-...` string format shared by the MobileNet-family spaces
/// (OFA's `ks=..;e=..;d=..;r=..`). Parses bytes directly, without intermediate strings, so
/// that 100,000 architectures parse in a few tens of milliseconds.
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

    /// Parses `text` into the flat list of values (key order of `names`).
    func parse(_ text: String, space: String) throws(NASError) -> [Int] {
        var out = [Int](repeating: 0, count: total)
        var s = text
        let err: NASError? = s.withUTF8 { buf in
            out.withUnsafeMutableBufferPointer { o in parseBytes(buf, into: o, space: space) }
        }
        if let err { throw err }
        return out
    }

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

    private func parseBytes(_ b: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Int>,
                            space: String) -> NASError? {
        let keyList = names.joined(separator: ", ")
        var seen = [Bool](repeating: false, count: names.count)
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
            guard let k = keyBytes.firstIndex(where: { $0.elementsEqual(key) }) else {
                let name = String(decoding: key, as: UTF8.self)
                return SpaceErrors.invalid(space, "key '\(name)'", "unknown key in '\(String(decoding: b, as: UTF8.self).prefix(80))'",
                                           allowed: keyList)
            }
            guard i < n && b[i] == UInt8(ascii: "=") else {
                return SpaceErrors.invalid(space, names[k], "missing '=' after key")
            }
            if seen[k] { return SpaceErrors.invalid(space, names[k], "key given twice") }
            seen[k] = true
            i += 1
            var count = 0
            while true {
                skipSpaces()
                var v = 0
                var digits = 0
                var negative = false
                if i < n && b[i] == UInt8(ascii: "-") && digits == 0 && count == 0 { negative = true; i += 1 }
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
                if count < counts[k] { out[offsets[k] + count] = v }
                count += 1
                skipSpaces()
                if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: ",")) { i += 1; continue }
                break
            }
            if count != counts[k] {
                return SpaceErrors.invalid(space, names[k], "expected \(counts[k]) values, got \(count)")
            }
            skipSpaces()
            if i < n {
                guard b[i] == UInt8(ascii: ";") else {
                    return SpaceErrors.invalid(space, names[k], "unexpected character '\(Character(UnicodeScalar(b[i])))'; expected ';' between keys")
                }
                i += 1
            }
        }
        for k in 0..<names.count where !seen[k] {
            return SpaceErrors.invalid(space, names[k], "missing key; expected \(example)")
        }
        return nil
    }

    /// A short example of the format, for messages.
    var example: String {
        names.enumerated().map { "\($0.element)=<\(counts[$0.offset]) ints>" }.joined(separator: ";")
    }
}
