extension RequestID {
    /// The `"id"` member of a message body that failed to parse, found by a lenient scan, so the
    /// parse error can answer the request the client is waiting on (e.g. one carrying `NaN`,
    /// which Python's `json.dumps` writes).
    ///
    /// The scan walks the bytes tracking strings and nesting, and looks only at keys of the
    /// top-level object: the value after `"id":` must be an integer or a string without escapes,
    /// followed by `,` or `}` (a number cut by the end of a truncated body is not taken).
    /// It gives nil when the body is not an object, has no such member before the point where
    /// the scan loses track, or holds it twice.
    public static func recovered(fromMalformed body: [UInt8]) -> RequestID? {
        var scanner = IDScanner(body)
        return scanner.scan()
    }
}

/// The byte walk behind `RequestID.recovered(fromMalformed:)`.
private struct IDScanner {
    let bytes: [UInt8]
    var pos = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    mutating func skipSpace() {
        while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
    }

    /// The raw bytes of the string starting at `pos` (an opening quote), escapes kept; nil when
    /// it does not end. Leaves `pos` after the closing quote.
    mutating func string() -> (text: ArraySlice<UInt8>, escaped: Bool)? {
        let start = pos + 1
        var i = start, escaped = false
        while i < bytes.count {
            if bytes[i] == Self.backslash { escaped = true; i += 2; continue }
            if bytes[i] == Self.quote {
                pos = i + 1
                return (bytes[start..<i], escaped)
            }
            i += 1
        }
        return nil
    }

    mutating func scan() -> RequestID? {
        skipSpace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "{") else { return nil }
        pos += 1
        var depth = 1
        var found: RequestID?
        var expectKey = true
        while pos < bytes.count && depth > 0 {
            let c = bytes[pos]
            switch c {
            case Self.quote:
                guard let text = string()?.text else { return found }
                guard depth == 1 && expectKey else { continue }
                expectKey = false
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { return found }
                pos += 1
                guard Array(text) == Array("id".utf8) else { continue }
                guard found == nil else { return nil }
                skipSpace()
                found = value()
                // The value must be complete: a number cut by the end of the body may be a prefix.
                skipSpace()
                guard found != nil, pos < bytes.count, [UInt8(ascii: ","), UInt8(ascii: "}")].contains(bytes[pos]) else { return nil }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                pos += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                pos += 1
            case UInt8(ascii: ","):
                if depth == 1 { expectKey = true }
                pos += 1
            default:
                pos += 1
            }
        }
        return found
    }

    /// An integer or an unescaped string at `pos`.
    mutating func value() -> RequestID? {
        guard pos < bytes.count else { return nil }
        if bytes[pos] == Self.quote {
            guard let s = string(), !s.escaped else { return nil }
            return String(validating: s.text, as: UTF8.self).map(RequestID.string)
        }
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        while pos < bytes.count, bytes[pos] >= UInt8(ascii: "0"), bytes[pos] <= UInt8(ascii: "9") { pos += 1 }
        guard pos > start, let text = String(validating: bytes[start..<pos], as: UTF8.self), let n = Int(text) else { return nil }
        return .number(n)
    }
}
