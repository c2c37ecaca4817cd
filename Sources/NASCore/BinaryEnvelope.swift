/// The envelope of hwnasd's binary files (predictors `.hwnp`, generators `.hwng`), all
/// little-endian:
///
///     magic (8 bytes) | format version u32 | payload length u64 | payload | FNV-1a-64 of payload u64
///
/// Each file kind has its magic and version and words its own errors from a `Failure`.
public struct BinaryEnvelope: Sendable {
    /// Why bytes are not a valid envelope.
    public enum Failure: Error, Sendable, Equatable {
        /// Fewer bytes than an empty payload's envelope.
        case tooShort(bytes: Int)
        /// The leading bytes are not the magic.
        case badMagic
        /// Another format version.
        case version(UInt32)
        /// The length field disagrees with the size.
        case length(declared: UInt64, fileBytes: Int)
        /// The payload does not match its checksum.
        case checksum
    }

    /// The leading bytes.
    public let magic: [UInt8]
    /// The format version written and accepted.
    public let version: UInt32

    /// An envelope kind.
    public init(magic: [UInt8], version: UInt32) {
        self.magic = magic
        self.version = version
    }

    /// Bytes before the payload.
    public var headerSize: Int { magic.count + 4 + 8 }

    /// `payload` in its envelope.
    public func wrap(_ payload: [UInt8]) -> [UInt8] {
        var out = BinaryWriter()
        out.raw(magic)
        out.u32(version)
        out.u64(UInt64(payload.count))
        out.raw(payload)
        out.u64(FNV1a.hash(payload[...]))
        return out.bytes
    }

    /// The payload's range in `bytes`, after checking size, magic, version, length and checksum
    /// (in that order).
    public func payloadRange(of bytes: [UInt8]) -> Result<Range<Int>, Failure> {
        let header = headerSize
        guard bytes.count >= header + 8 else { return .failure(.tooShort(bytes: bytes.count)) }
        guard Array(bytes[0..<magic.count]) == magic else { return .failure(.badMagic) }
        let v = Self.u32(bytes, at: magic.count)
        guard v == version else { return .failure(.version(v)) }
        let length = Self.u64(bytes, at: magic.count + 4)
        guard length == UInt64(bytes.count - header - 8) else {
            return .failure(.length(declared: length, fileBytes: bytes.count))
        }
        let end = bytes.count - 8
        guard Self.u64(bytes, at: end) == FNV1a.hash(bytes[header..<end]) else { return .failure(.checksum) }
        return .success(header..<end)
    }

    private static func u32(_ b: [UInt8], at p: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(b[p + $1]) << (8 * UInt32($1)) }
    }

    private static func u64(_ b: [UInt8], at p: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(b[p + $1]) << (8 * UInt64($1)) }
    }
}
