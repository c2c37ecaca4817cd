/// A `Decodable` type that also decodes itself straight from a `JSONValue`, bypassing the
/// `Decoder` containers: `JSONValueDecoder` uses it wherever the type appears, and arrays of it
/// decode in one loop. For the hot paths, such as the 100,000 architectures of a big `predict`,
/// where a `Decoder` per element, coding paths and thrown-and-caught type mismatches cost more
/// than the work itself.
public protocol JSONValueDecodable: Decodable {
    /// Decodes from `value`; `path` names the value in errors (call it only on error).
    init(jsonValue value: JSONValue, path: () -> String) throws(JSONDecodingError)
}

extension Array: JSONValueDecodable where Element: JSONValueDecodable {
    /// Decodes each element in turn; errors name `path[i]`.
    public init(jsonValue value: JSONValue, path: () -> String) throws(JSONDecodingError) {
        guard case .array(let items) = value else {
            throw JSONDecodingError(path: path(), reason: "expected an array, got \(value.typeDescription)")
        }
        self = []
        reserveCapacity(items.count)
        for i in items.indices {
            append(try Element(jsonValue: items[i], path: { "\(path())[\(i)]" }))
        }
    }
}
