/// The common frame of hwnasd's binary files (predictors, generators):
///
///     magic (8 bytes) | format version u32 | payload length u64 | payload | checksum u64
///
/// little-endian. `read` reads such a file header first with a size limit, so a foreign, huge or
/// endless file is refused before its payload is read.
public enum CheckedFileHeader {
    /// Bytes before the payload.
    public static let size = 20
    /// Bytes after the payload (the checksum).
    public static let trailer = 8
    /// Default largest file read or written (`--max-file-bytes`): 256 MiB, far above real files
    /// (a default predictor is ~0.6 MB).
    public static let defaultMaxBytes = 256 << 20

    /// `.storage` when `bytes` about to be written to `path` exceed `maxBytes`: a file the daemon
    /// would refuse to read back is not written.
    public static func checkWritable(_ bytes: [UInt8], to path: String, maxBytes: Int) throws(NASError) {
        guard bytes.count <= maxBytes else {
            throw NASError(.storage, "\(path) would be \(bytes.count) bytes, over the limit of \(maxBytes) bytes (--max-file-bytes); not written")
        }
    }

    /// The bytes of a file whose header has `magic` and `version`, at most `maxBytes` long.
    /// A foreign magic or another version is `.corruptFile` naming `kind` ("predictor",
    /// "generator"); an over-limit, unreadable or non-regular file is `.storage`.
    public static func read(_ path: String, magic: [UInt8], version: UInt32, kind: String,
                            maxBytes: Int) throws(NASError) -> [UInt8] {
        try AtomicFile.read(path, maxBytes: maxBytes, headerBytes: size) { (h: [UInt8]) throws(NASError) -> Int in
            guard Array(h[0..<magic.count]) == magic else {
                throw NASError(.corruptFile, "\(path) is not a \(kind) file (bad magic)")
            }
            let v = h[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard v == version else {
                throw NASError(.corruptFile, "\(path) has \(kind) format version \(v); this build reads version \(version)")
            }
            let length = h[12..<20].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard length <= UInt64(Int.max / 2) else {
                throw NASError(.corruptFile, "\(path) announces an impossible payload of \(length) bytes")
            }
            return size + Int(length) + trailer
        }
    }
}
