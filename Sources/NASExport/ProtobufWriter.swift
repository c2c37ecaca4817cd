/// A minimal protocol-buffers encoder: varints, 32-bit floats and length-delimited fields
/// (strings, bytes, nested messages), appended to a byte buffer in the order they are written.
///
/// Only what ONNX needs: no packed repeated fields (proto2 parsers read repeated scalars one tag
/// each), no groups, no zig-zag (ONNX has no sint fields). Field order is the caller's, so equal
/// calls give equal bytes.
public struct ProtobufWriter: Sendable {
    /// Wire types of the encoding.
    public enum WireType: UInt64, Sendable {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    /// The encoded message so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty message.
    public init() {}

    /// Appends a base-128 varint (negative values take ten bytes, as int64 does on the wire).
    public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Appends a field key (field number and wire type).
    public mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | type.rawValue)
    }

    /// An int64 / int32 / enum field.
    public mutating func int(_ field: Int, _ value: Int) {
        key(field, .varint)
        varint(UInt64(bitPattern: Int64(value)))
    }

    /// A float field (fixed 32 bits, little-endian).
    public mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        let b = value.bitPattern
        for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: b >> UInt32(s))) }
    }

    /// A string field (UTF-8).
    public mutating func string(_ field: Int, _ value: String) {
        bytesField(field, Array(value.utf8))
    }

    /// A bytes field.
    public mutating func bytesField(_ field: Int, _ value: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A nested message field: `build` writes the message's fields into a fresh writer.
    public mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        build(&nested)
        bytesField(field, nested.bytes)
    }

    /// The key and length prefix of a length-delimited field of `length` bytes, for a caller
    /// that writes the field's contents itself (large tensors, written in place).
    public mutating func lengthPrefix(_ field: Int, length: Int) {
        key(field, .lengthDelimited)
        varint(UInt64(length))
    }

    /// Encoded size of a varint.
    public static func varintSize(_ value: UInt64) -> Int {
        var n = 1, v = value
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }
}
