/// Encodes `Encodable` values into a `JSONValue` tree (then `JSONWriter` makes bytes).
///
/// `nil` optionals are omitted from objects (synthesized `encodeIfPresent`); non-finite
/// numbers become `null` when written.
public struct JSONValueEncoder {
    /// Makes an encoder.
    public init() {}

    /// The JSON value of `value`.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        if let v = value as? JSONValue { return v }
        let root = EncodingBox()
        try value.encode(to: JSONValueEncoderImpl(box: root, codingPath: []))
        return root.finish()
    }
}

/// A node under construction: a finished value, or a growing object/array.
final class EncodingBox {
    enum State {
        case empty
        case value(JSONValue)
        case object([String: EncodingBox])
        case array([EncodingBox])
    }
    var state: State = .empty

    init() {}
    init(_ v: JSONValue) { state = .value(v) }

    func finish() -> JSONValue {
        switch state {
        case .empty: return .object([:])
        case .value(let v): return v
        case .object(let o):
            var out: [String: JSONValue] = [:]
            out.reserveCapacity(o.count)
            for (k, b) in o { out[k] = b.finish() }
            return .object(out)
        case .array(let a): return .array(a.map { $0.finish() })
        }
    }

    func setObject(_ key: String, _ box: EncodingBox) {
        if case .object(var o) = state {
            state = .empty
            o[key] = box
            state = .object(o)
        } else {
            state = .object([key: box])
        }
    }

    func append(_ box: EncodingBox) {
        if case .array(var a) = state {
            state = .empty
            a.append(box)
            state = .array(a)
        } else {
            state = .array([box])
        }
    }

    func asArrayIfEmpty() { if case .empty = state { state = .array([]) } }
    func asObjectIfEmpty() { if case .empty = state { state = .object([:]) } }
}

struct JSONValueEncoderImpl: Encoder {
    let box: EncodingBox
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        box.asObjectIfEmpty()
        return KeyedEncodingContainer(Keyed<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        box.asArrayIfEmpty()
        return Unkeyed(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(box: box, codingPath: codingPath) }

    /// The box for a value, using fast paths for scalars.
    static func boxed<T: Encodable>(_ value: T, path: [any CodingKey]) throws -> EncodingBox {
        if let v = direct(value) { return EncodingBox(v) }
        let b = EncodingBox()
        try value.encode(to: JSONValueEncoderImpl(box: b, codingPath: path))
        return b
    }

    /// A value of a standard scalar type, of `JSONValue`, or an array of numbers or strings, as
    /// it is; nil for any other type. Decided on the static type (a metadata comparison: an
    /// array of 1,000 structs had made 20 failed dynamic casts each, a third of a repeated
    /// `predict`'s time). Every standard integer is here: its encode(to:) asks a single-value
    /// container for itself, which would come back to `boxed` forever (a UInt64 seed overflowed
    /// the stack).
    static func direct<T>(_ value: T) -> JSONValue? {
        func v<U>(_: U.Type) -> U { unsafeBitCast(value, to: U.self) }
        switch ObjectIdentifier(T.self) {
        case ObjectIdentifier(String.self): return .string(v(String.self))
        case ObjectIdentifier(Double.self): return .number(v(Double.self))
        case ObjectIdentifier(Int.self): return .number(Double(v(Int.self)))
        case ObjectIdentifier(Bool.self): return .bool(v(Bool.self))
        case ObjectIdentifier(Float.self): return .number(Double(v(Float.self)))
        case ObjectIdentifier(UInt64.self): return .number(Double(v(UInt64.self)))
        case ObjectIdentifier(Int64.self): return .number(Double(v(Int64.self)))
        case ObjectIdentifier(UInt.self): return .number(Double(v(UInt.self)))
        case ObjectIdentifier(Int32.self): return .number(Double(v(Int32.self)))
        case ObjectIdentifier(UInt32.self): return .number(Double(v(UInt32.self)))
        case ObjectIdentifier(Int16.self): return .number(Double(v(Int16.self)))
        case ObjectIdentifier(UInt16.self): return .number(Double(v(UInt16.self)))
        case ObjectIdentifier(Int8.self): return .number(Double(v(Int8.self)))
        case ObjectIdentifier(UInt8.self): return .number(Double(v(UInt8.self)))
        case ObjectIdentifier(JSONValue.self): return v(JSONValue.self)
        case ObjectIdentifier([Double].self): return .array(v([Double].self).map { .number($0) })
        case ObjectIdentifier([Float].self): return .array(v([Float].self).map { .number(Double($0)) })
        case ObjectIdentifier([Int].self): return .array(v([Int].self).map { .number(Double($0)) })
        case ObjectIdentifier([String].self): return .array(v([String].self).map { .string($0) })
        default: return nil
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: EncodingBox
        let codingPath: [any CodingKey]

        func encodeNil(forKey key: Key) { box.setObject(key.stringValue, EncodingBox(.null)) }
        func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            box.setObject(key.stringValue, try JSONValueEncoderImpl.boxed(value, path: codingPath + [key]))
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let b = EncodingBox()
            b.asObjectIfEmpty()
            box.setObject(key.stringValue, b)
            return KeyedEncodingContainer(Keyed<NestedKey>(box: b, codingPath: codingPath + [key]))
        }
        func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let b = EncodingBox()
            b.asArrayIfEmpty()
            box.setObject(key.stringValue, b)
            return Unkeyed(box: b, codingPath: codingPath + [key])
        }
        func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }
        func superEncoder(forKey key: Key) -> any Encoder {
            let b = EncodingBox()
            box.setObject(key.stringValue, b)
            return JSONValueEncoderImpl(box: b, codingPath: codingPath + [key])
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: EncodingBox
        let codingPath: [any CodingKey]
        var count: Int {
            if case .array(let a) = box.state { return a.count }
            return 0
        }

        func encodeNil() { box.append(EncodingBox(.null)) }
        func encode<T: Encodable>(_ value: T) throws {
            box.append(try JSONValueEncoderImpl.boxed(value, path: codingPath))
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let b = EncodingBox()
            b.asObjectIfEmpty()
            box.append(b)
            return KeyedEncodingContainer(Keyed<NestedKey>(box: b, codingPath: codingPath))
        }
        func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let b = EncodingBox()
            b.asArrayIfEmpty()
            box.append(b)
            return Unkeyed(box: b, codingPath: codingPath)
        }
        func superEncoder() -> any Encoder {
            let b = EncodingBox()
            box.append(b)
            return JSONValueEncoderImpl(box: b, codingPath: codingPath)
        }
    }

    struct Single: SingleValueEncodingContainer {
        let box: EncodingBox
        let codingPath: [any CodingKey]
        func encodeNil() { box.state = .value(.null) }
        func encode<T: Encodable>(_ value: T) throws {
            box.state = try JSONValueEncoderImpl.boxed(value, path: codingPath).state
        }
    }
}
