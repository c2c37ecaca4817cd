/// The envelope of hwnasd's binary files (predictors `.hwnp`, generators `.hwng`), all
/// little-endian:
///
///     magic (8 bytes) | format version u32 | payload length u64 | payload | FNV-1a-64 of payload u64
///
/// Each file kind has its magic and version and words its own errors from a `Failure`.
/// `read(_:kind:maxBytes:)` reads a file header first with a size limit, so a foreign, huge or
/// endless file is refused before its payload is read.
public struct BinaryEnvelope: Sendable {
    /// Default largest file read or written (`--max-file-bytes`): 256 MiB, far above real files
    /// (a default predictor is ~0.6 MB).
    public static let defaultMaxBytes = 256 << 20

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

    /// The bytes of the file at `path`, read header first: a foreign magic or another version
    /// is `.corruptFile` naming `kind` ("predictor", "generator"), before the payload is read;
    /// a file announcing or having more than `maxBytes`, an unreadable or a non-regular file
    /// is `.storage`. The payload is checked afterwards by `payloadRange(of:)`.
    public func read(_ path: String, kind: String, maxBytes: Int) throws(NASError) -> [UInt8] {
        let header = headerSize
        let magic = magic, version = version
        return try AtomicFile.read(path, maxBytes: maxBytes, headerBytes: header) { (h: [UInt8]) throws(NASError) -> Int in
            guard Array(h[0..<magic.count]) == magic else {
                throw NASError(.corruptFile, "\(path) is not a \(kind) file (bad magic)")
            }
            let v = Self.u32(h, at: magic.count)
            guard v == version else {
                throw NASError(.corruptFile, "\(path) has \(kind) format version \(v); this build reads version \(version)")
            }
            let length = Self.u64(h, at: magic.count + 4)
            guard length <= UInt64(Int.max / 2) else {
                throw NASError(.corruptFile, "\(path) announces an impossible payload of \(length) bytes")
            }
            return header + Int(length) + 8
        }
    }

    /// `.storage` when `bytes` about to be written to `path` exceed `maxBytes`: a file the daemon
    /// would refuse to read back is not written.
    public static func checkWritable(_ bytes: [UInt8], to path: String, maxBytes: Int) throws(NASError) {
        guard bytes.count <= maxBytes else {
            throw NASError(.storage, "\(path) would be \(bytes.count) bytes, over the limit of \(maxBytes) bytes (--max-file-bytes); not written")
        }
    }

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
