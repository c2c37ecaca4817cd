import NASCore

/// A JSON object of integer lists (`{"ks":[3,5,7],"e":[4]}`), the shape of every space's object
/// form, read from its bytes in the common spelling only: JSON whitespace anywhere, keys of
/// printable ASCII without escapes, values non-negative integers written as JSON writes them
/// (no sign, fraction, exponent or leading zero; at most 15 digits, so that a JSON parser's
/// double holds them exactly). Other texts, valid JSON or not, are not read (nil): a caller
/// then parses them in full, and its errors and results are the full parser's.
///
/// `end` finds an object's extent (what a request decoder checks before keeping the object's
/// text for the space); `fields` gives its members as a JSON parse would; `ObjectForm` reads
/// one space's members into genes.
public enum IntegerListObject {
    /// The index after the object starting at `b[from]`, or nil when no object of integer lists
    /// in the common spelling starts there.
    public static func end(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var any = AnyMembers()
        return scan(b, from: from, &any)
    }

    /// The members of the object that `b` holds (JSON whitespace around it allowed), as a JSON
    /// parse gives them (a repeated key: its last list), or nil when `b` is not one such object.
    public static func fields(_ b: UnsafeBufferPointer<UInt8>) -> [String: [Int]]? {
        var builder = FieldsBuilder()
        guard let end = scan(b, from: skipSpace(b, 0), &builder), skipSpace(b, end) == b.count else { return nil }
        return builder.fields
    }

    /// The index of the first byte at or after `i` that is not JSON whitespace.
    @inline(__always)
    static func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var i = i
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        return i
    }

    /// Reads the object at `b[start]` (a `{`), telling `visitor` its members and values; the index
    /// after it, or nil when the text is not such an object or the visitor refused a part.
    @inline(__always)
    static func scan<V: IntegerListVisitor>(_ b: UnsafeBufferPointer<UInt8>, from start: Int, _ visitor: inout V) -> Int? {
        let n = b.count
        let quote = UInt8(ascii: "\"")
        guard start < n, b[start] == UInt8(ascii: "{") else { return nil }
        var i = skipSpace(b, start + 1)
        if i < n, b[i] == UInt8(ascii: "}") { return i + 1 }
        while true {
            // "key" (printable ASCII, no escapes) ':' '['
            guard i < n, b[i] == quote else { return nil }
            let keyStart = i + 1
            i = keyStart
            while i < n, b[i] != quote {
                guard b[i] >= 0x20, b[i] < 0x7F, b[i] != UInt8(ascii: "\\") else { return nil }
                i += 1
            }
            guard i < n, visitor.begin(key: UnsafeBufferPointer(rebasing: b[keyStart..<i])) else { return nil }
            i = skipSpace(b, i + 1)
            guard i < n, b[i] == UInt8(ascii: ":") else { return nil }
            i = skipSpace(b, i + 1)
            guard i < n, b[i] == UInt8(ascii: "[") else { return nil }
            i = skipSpace(b, i + 1)
            if i < n, b[i] == UInt8(ascii: "]") {
                i += 1
            } else {
                while true {
                    guard i < n else { return nil }
                    let first = b[i] &- UInt8(ascii: "0")
                    guard first <= 9 else { return nil }
                    var v = Int(first)
                    let digitsStart = i
                    i += 1
                    if first != 0 {
                        while i < n {
                            let d = b[i] &- UInt8(ascii: "0")
                            if d > 9 { break }
                            v = v &* 10 &+ Int(d)
                            i += 1
                        }
                        guard i - digitsStart <= 15 else { return nil }
                    }
                    // Not a leading zero, a fraction or an exponent.
                    if i < n, b[i] &- UInt8(ascii: "0") <= 9 || b[i] == UInt8(ascii: ".") || b[i] | 0x20 == UInt8(ascii: "e") { return nil }
                    guard visitor.value(v) else { return nil }
                    i = skipSpace(b, i)
                    guard i < n else { return nil }
                    if b[i] == UInt8(ascii: ",") {
                        i = skipSpace(b, i + 1)
                        continue
                    }
                    guard b[i] == UInt8(ascii: "]") else { return nil }
                    i += 1
                    break
                }
            }
            guard visitor.end() else { return nil }
            i = skipSpace(b, i)
            guard i < n else { return nil }
            if b[i] == UInt8(ascii: ",") {
                i = skipSpace(b, i + 1)
                continue
            }
            guard b[i] == UInt8(ascii: "}") else { return nil }
            return i + 1
        }
    }

    /// Accepts every member.
    private struct AnyMembers: IntegerListVisitor {
        func begin(key: UnsafeBufferPointer<UInt8>) -> Bool { true }
        func value(_ v: Int) -> Bool { true }
        func end() -> Bool { true }
    }

    /// Collects the members into a dictionary, the last list of a repeated key winning.
    private struct FieldsBuilder: IntegerListVisitor {
        var fields: [String: [Int]] = [:]
        var key = ""
        var values: [Int] = []

        mutating func begin(key: UnsafeBufferPointer<UInt8>) -> Bool {
            self.key = String(decoding: key, as: UTF8.self)
            values = []
            return true
        }

        mutating func value(_ v: Int) -> Bool {
            values.append(v)
            return true
        }

        mutating func end() -> Bool {
            fields[key] = values
            return true
        }
    }
}

/// What a scan of an object of integer lists does with the parts it reads; a `false` stops the
/// scan, which then reads nothing.
protocol IntegerListVisitor {
    /// A member named `key` begins.
    mutating func begin(key: UnsafeBufferPointer<UInt8>) -> Bool
    /// The next integer of the current member.
    mutating func value(_ v: Int) -> Bool
    /// The current member's list ended.
    mutating func end() -> Bool
}
