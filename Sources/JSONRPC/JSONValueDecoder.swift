/// A decoding failure naming the offending field path, e.g. `params.archs[3]: expected a string`.
public struct JSONDecodingError: Error, Sendable, CustomStringConvertible {
    /// The field path, e.g. `params.archs[3]`.
    public var path: String
    /// What was wrong, e.g. `expected a string, got a number`.
    public var reason: String

    /// Makes an error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

/// Decodes `Decodable` values from a `JSONValue` tree; errors are `JSONDecodingError`s that
/// name the field path below `rootPath`.
public struct JSONValueDecoder {
    /// Name of the root in error paths (e.g. `params`).
    public var rootPath: String

    /// Makes a decoder; error paths start at `rootPath`.
    public init(rootPath: String = "") {
        self.rootPath = rootPath
    }

    /// Decodes a `T` from `value`.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(JSONDecodingError) -> T {
        if T.self == JSONValue.self { return value as! T }
        return try decodeRoot(type, from: value, ledger: nil)
    }

    /// `T` from the top-level `value`, members noted in `ledger` when given; errors translated.
    private func decodeRoot<T: Decodable>(_ type: T.Type, from value: JSONValue, ledger: KeyLedger?) throws(JSONDecodingError) -> T {
        do {
            return try T(from: JSONValueDecoderImpl(value: value, codingPath: [], rootPath: rootPath, ledger: ledger))
        } catch let e as JSONDecodingError {
            throw e
        } catch let e as DecodingError {
            throw JSONValueDecoderImpl.translate(e, rootPath: rootPath)
        } catch {
            throw JSONDecodingError(path: rootPath, reason: "\(error)")
        }
    }

    /// Decodes a `T` from `value` and also returns the members of the top-level object that the
    /// decoding never asked about (sorted), and those it did (sorted): a misspelled parameter
    /// (`generation` for `generations`) is otherwise silently ignored. Both are empty when
    /// `value` is not an object, or when some decoding read the whole object (its `allKeys`, or
    /// the object as one value), so that which members it used is unknown.
    public func decodeNotingUnknownKeys<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(JSONDecodingError)
        -> (value: T, unknown: [String], known: [String]) {
        guard case .object(let object) = value, T.self != JSONValue.self else { return (try decode(type, from: value), [], []) }
        let ledger = KeyLedger()
        let decoded = try decodeRoot(type, from: value, ledger: ledger)
        if ledger.opaque { return (decoded, [], []) }
        return (decoded, object.keys.filter { !ledger.used.contains($0) }.sorted(), ledger.used.sorted())
    }

    /// Formats a coding path as `root.a.b[3]`.
    public static func format(_ path: [any CodingKey], rootPath: String) -> String {
        var s = rootPath
        for key in path {
            if let i = key.intValue { s += "[\(i)]" } else { s += s.isEmpty ? key.stringValue : "." + key.stringValue }
        }
        return s
    }
}

/// An integer or string coding key.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; self.intValue = nil }
    init(intValue: Int) { self.stringValue = "\(intValue)"; self.intValue = intValue }
}

/// The top-level members one decoding asked about (`JSONValueDecoder.decodeNotingUnknownKeys`).
final class KeyLedger {
    /// Members asked about by name.
    var used = Set<String>()
    /// Set when the decoding read the whole object (`allKeys`, or the object as one value).
    var opaque = false
}

final class JSONValueDecoderImpl: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let rootPath: String
    /// Set on decoders of the top-level object only, when its members are being noted.
    let ledger: KeyLedger?
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(value: JSONValue, codingPath: [any CodingKey], rootPath: String, ledger: KeyLedger? = nil) {
        self.value = value
        self.codingPath = codingPath
        self.rootPath = rootPath
        self.ledger = ledger
    }

    static func translate(_ e: DecodingError, rootPath: String) -> JSONDecodingError {
        switch e {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return JSONDecodingError(path: JSONValueDecoder.format(c.codingPath, rootPath: rootPath), reason: c.debugDescription)
        case .keyNotFound(let k, let c):
            return JSONDecodingError(path: JSONValueDecoder.format(c.codingPath + [k], rootPath: rootPath), reason: "missing required field")
        @unknown default:
            return JSONDecodingError(path: rootPath, reason: "\(e)")
        }
    }

    func error(_ reason: String) -> JSONDecodingError {
        JSONDecodingError(path: JSONValueDecoder.format(codingPath, rootPath: rootPath), reason: reason)
    }

    func error(_ reason: String, at path: [any CodingKey]) -> JSONDecodingError {
        JSONDecodingError(path: JSONValueDecoder.format(path, rootPath: rootPath), reason: reason)
    }

    func mismatch(_ expected: String, _ v: JSONValue) -> JSONDecodingError {
        error("expected \(expected), got \(v.typeDescription)")
    }

    func mismatch(_ expected: String, _ v: JSONValue, at path: [any CodingKey]) -> JSONDecodingError {
        error("expected \(expected), got \(v.typeDescription)", at: path)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let o) = value else { throw mismatch("an object", value) }
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, object: o))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let a) = value else { throw mismatch("an array", value) }
        return UnkeyedContainer(decoder: self, array: a)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ledger?.opaque = true
        return SingleContainer(decoder: self)
    }

    // MARK: scalar conversions shared by the containers

    func decodeScalar<T: Decodable>(_ type: T.Type, _ v: JSONValue, path: @autoclosure () -> [any CodingKey]) throws -> T {
        if T.self == String.self {
            guard case .string(let s) = v else { throw mismatch("a string", v, at: path()) }
            return s as! T
        }
        if T.self == Double.self {
            guard case .number(let d) = v else { throw mismatch("a number", v, at: path()) }
            return d as! T
        }
        if T.self == Int.self { return try integer(Int.self, v, path: path()) as! T }
        if T.self == Bool.self {
            guard case .bool(let b) = v else { throw mismatch("a boolean", v, at: path()) }
            return b as! T
        }
        if T.self == Float.self {
            guard case .number(let d) = v else { throw mismatch("a number", v, at: path()) }
            return Float(d) as! T
        }
        if T.self == JSONValue.self { return v as! T }
        if T.self == UInt64.self { return try integer(UInt64.self, v, path: path()) as! T }
        if T.self == Int64.self { return try integer(Int64.self, v, path: path()) as! T }
        if T.self == UInt8.self { return try integer(UInt8.self, v, path: path()) as! T }
        if T.self == Int32.self { return try integer(Int32.self, v, path: path()) as! T }
        if T.self == UInt32.self { return try integer(UInt32.self, v, path: path()) as! T }
        if T.self == UInt.self { return try integer(UInt.self, v, path: path()) as! T }
        if T.self == Int8.self { return try integer(Int8.self, v, path: path()) as! T }
        if T.self == Int16.self { return try integer(Int16.self, v, path: path()) as! T }
        if T.self == UInt16.self { return try integer(UInt16.self, v, path: path()) as! T }
        if let fast = T.self as? any JSONValueDecodable.Type {
            return try fast.init(jsonValue: v, path: { JSONValueDecoder.format(path(), rootPath: rootPath) }) as! T
        }
        return try T(from: JSONValueDecoderImpl(value: v, codingPath: path(), rootPath: rootPath))
    }

    func integer<I: FixedWidthInteger>(_ type: I.Type, _ v: JSONValue, path: @autoclosure () -> [any CodingKey]) throws -> I {
        guard case .number(let d) = v else { throw mismatch("an integer", v, at: path()) }
        guard d.rounded() == d, let i = I(exactly: d) else {
            throw error("expected an integer in \(I.min)...\(I.max), got \(d)", at: path())
        }
        return i
    }

    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: JSONValueDecoderImpl
        let object: [String: JSONValue]
        var codingPath: [any CodingKey] { decoder.codingPath }
        var allKeys: [Key] {
            decoder.ledger?.opaque = true
            return object.keys.compactMap { Key(stringValue: $0) }
        }

        /// Notes that the decoding asked about `key` (top-level object only).
        func note(_ key: Key) { decoder.ledger?.used.insert(key.stringValue) }

        func contains(_ key: Key) -> Bool {
            note(key)
            return object[key.stringValue] != nil
        }

        func value(_ key: Key) throws -> JSONValue {
            note(key)
            guard let v = object[key.stringValue] else {
                throw decoder.error("missing required field", at: codingPath + [key])
            }
            return v
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            note(key)
            guard let v = object[key.stringValue] else { return true }
            return v.isNull
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try decoder.decodeScalar(type, try value(key), path: codingPath + [key])
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            note(key)
            guard let v = object[key.stringValue], !v.isNull else { return nil }
            return try decoder.decodeScalar(type, v, path: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try JSONValueDecoderImpl(value: try value(key), codingPath: codingPath + [key], rootPath: decoder.rootPath)
                .container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try JSONValueDecoderImpl(value: try value(key), codingPath: codingPath + [key], rootPath: decoder.rootPath)
                .unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            JSONValueDecoderImpl(value: .object(object), codingPath: codingPath, rootPath: decoder.rootPath, ledger: decoder.ledger)
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            note(key)
            return JSONValueDecoderImpl(value: object[key.stringValue] ?? .null, codingPath: codingPath + [key], rootPath: decoder.rootPath)
        }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let decoder: JSONValueDecoderImpl
        let array: [JSONValue]
        var currentIndex = 0
        var codingPath: [any CodingKey] { decoder.codingPath }
        var count: Int? { array.count }
        var isAtEnd: Bool { currentIndex >= array.count }

        init(decoder: JSONValueDecoderImpl, array: [JSONValue]) {
            self.decoder = decoder
            self.array = array
        }

        mutating func next() throws -> (JSONValue, Int) {
            guard currentIndex < array.count else {
                throw decoder.error("expected more elements", at: codingPath + [AnyCodingKey(intValue: currentIndex)])
            }
            let v = array[currentIndex]
            currentIndex += 1
            return (v, currentIndex - 1)
        }

        func path(_ i: Int) -> [any CodingKey] { codingPath + [AnyCodingKey(intValue: i)] }

        mutating func decodeNil() throws -> Bool {
            guard currentIndex < array.count, array[currentIndex].isNull else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (v, i) = try next()
            return try decoder.decodeScalar(type, v, path: path(i))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let (v, i) = try next()
            return try JSONValueDecoderImpl(value: v, codingPath: path(i), rootPath: decoder.rootPath).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let (v, i) = try next()
            return try JSONValueDecoderImpl(value: v, codingPath: path(i), rootPath: decoder.rootPath).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder {
            let (v, i) = try next()
            return JSONValueDecoderImpl(value: v, codingPath: path(i), rootPath: decoder.rootPath)
        }
    }

    struct SingleContainer: SingleValueDecodingContainer {
        let decoder: JSONValueDecoderImpl
        var codingPath: [any CodingKey] { decoder.codingPath }
        func decodeNil() -> Bool { decoder.value.isNull }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try decoder.decodeScalar(type, decoder.value, path: codingPath)
        }
    }
}
