/// A type that may decode straight from its JSON text, without a parse tree: the params of a big
/// request (`RequestServer`'s `Server` tries it before parsing them), such as a `predict` of
/// 100,000 architecture objects, whose tree would cost a dictionary and an array per object.
///
/// `decode(jsonText:in:)` returns nil for any text it does not read (valid or not); the caller
/// then parses the text and decodes the tree as usual, so that every error is the tree path's.
/// When it returns a value, it is the value the tree path decodes from the same text.
public protocol JSONTextDecodable: Decodable {
    /// Decodes from the JSON text `bytes[range]`, or nil (see the protocol).
    static func decode(jsonText bytes: [UInt8], in range: Range<Int>) -> Self?
}

extension JSONValueDecoder {
    /// Decodes `T` from the JSON object text `bytes[range]`: the member `name` read from its own
    /// text by `read`, which gets the index where its value starts and returns what it read and
    /// the index after the value (100,000 architectures, say, in one pass), and every other
    /// member from its parse tree. The tree holds `placeholder` for `name`, and `keyPath` then
    /// receives what `read` gave. Members parse with `maxDepth - 1` (they sit one level inside
    /// the object, whose own limit is `maxDepth`).
    ///
    /// nil when the text is not an object of distinct keys without control characters, a member
    /// does not parse or the tree does not decode, `name` is missing, or `read` says nil: the
    /// caller then parses the whole text, whose errors are the ones to report.
    public func decode<T: Decodable, Member>(
        _ type: T.Type, objectText bytes: [UInt8], in range: Range<Int>, reading name: String,
        as placeholder: JSONValue, maxDepth: Int = JSONParser.defaultMaxDepth,
        with read: (Int) -> (Member, end: Int)?, into keyPath: WritableKeyPath<T, Member>
    ) -> T? {
        var member: Member?
        var tree: [String: JSONValue] = [:]
        let scanned = bytes.withUnsafeBufferPointer { b -> Bool in
            let start = JSONText.skipSpace(b, range.lowerBound, range.upperBound)
            guard let (_, end) = EnvelopeScanner.scanObject(b, from: start, range.upperBound, { key, valueStart in
                // A repeated key (the parser keeps the last) or a control character (the parser
                // refuses it raw; the scanner does not check) is left to the parser.
                guard tree[key] == nil, key.utf8.allSatisfy({ $0 >= 0x20 }) else { return nil }
                if key == name {
                    guard let (m, valueEnd) = read(valueStart) else { return nil }
                    member = m
                    tree[key] = placeholder
                    return valueEnd
                }
                guard let valueEnd = EnvelopeScanner.skipValue(b, valueStart, range.upperBound),
                      let value = try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[valueStart..<valueEnd]),
                                                        maxDepth: maxDepth - 1) else { return nil }
                tree[key] = value
                return valueEnd
            }) else { return false }
            return JSONText.skipSpace(b, end, range.upperBound) == range.upperBound
        }
        guard scanned, let member, var decoded = try? decode(T.self, from: .object(tree)) else { return nil }
        decoded[keyPath: keyPath] = member
        return decoded
    }
}
