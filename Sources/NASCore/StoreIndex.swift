#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sidecar index of a store directory (`predictors/.index`, `generators/.index`): for each
/// saved file that was read once, its `FileStamp` and the store's summary of it (for predictors:
/// id, space, device, kind, metrics), so that start-up lists a store without reading its files
/// (nor `stat`ing them: `IndexedStore` checks a record's stamp when its entry is first used or
/// listed). A file whose stamp no longer matches (rewritten, replaced, touched) is read again.
///
///     envelope "HWNASIDX" v1 | payload: summary format u32 | count u32 | records (by id)
///     record: file name | id | stamp (dev, ino, size, mtime s/ns, ctime s/ns: 7 × u64) | summary
///
/// The index is a cache: a missing, damaged or foreign one is ignored (every file is then read
/// once, as before indexes existed) and rewritten atomically by the daemon that owns the
/// directory; a read-only daemon never writes it. Its hidden name is no id's file name
/// (`StateFileName`) and no temporary's.
public enum StoreIndex {
    /// The index's file name in a store directory.
    public static let fileName = ".index"

    /// The index's envelope.
    static let envelope = BinaryEnvelope(magic: Array("HWNASIDX".utf8), version: 1)

    /// What identifies one version of a file without reading it: device, inode, size, and the
    /// modification and change times (an atomic write makes a new inode; an edit in place moves
    /// the times; `ctime` cannot be set back by a user).
    public struct FileStamp: Sendable, Equatable {
        public var device: UInt64
        public var inode: UInt64
        public var size: UInt64
        public var modified: (seconds: Int64, nanoseconds: Int64)
        public var changed: (seconds: Int64, nanoseconds: Int64)

        /// The stamp of a regular file `name` in the directory opened as `directoryFD` (symlinks
        /// followed, as reading follows them); nil when it is missing or not a regular file.
        public static func of(_ name: String, in directoryFD: Int32) -> FileStamp? {
            var st = stat()
            guard fstatat(directoryFD, name, &st, 0) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
            return FileStamp(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: UInt64(st.st_size),
                             modified: (Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec)),
                             changed: (Int64(st.st_ctim.tv_sec), Int64(st.st_ctim.tv_nsec)))
        }

        /// The stamp of the regular file at `path`, or nil.
        public static func of(path: String) -> FileStamp? { of(path, in: AT_FDCWD) }

        public static func == (a: FileStamp, b: FileStamp) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size
                && a.modified == b.modified && a.changed == b.changed
        }

        fileprivate func write(into w: inout BinaryWriter) {
            for v in [device, inode, size] { w.u64(v) }
            for v in [modified.seconds, modified.nanoseconds, changed.seconds, changed.nanoseconds] { w.u64(UInt64(bitPattern: v)) }
        }

        fileprivate static func read(_ r: inout BinaryReader) throws(NASError) -> FileStamp {
            let device = try r.u64(), inode = try r.u64(), size = try r.u64()
            let ms = Int64(bitPattern: try r.u64()), mn = Int64(bitPattern: try r.u64())
            let cs = Int64(bitPattern: try r.u64()), cn = Int64(bitPattern: try r.u64())
            return FileStamp(device: device, inode: inode, size: size, modified: (ms, mn), changed: (cs, cn))
        }
    }

    /// One indexed file.
    public struct Record<Summary: Sendable>: Sendable {
        /// The file's name in the store directory.
        public var file: String
        /// The id it is stored under.
        public var id: String
        /// The file as it was when summarized.
        public var stamp: FileStamp
        /// The store's summary of it.
        public var summary: Summary

        /// A record.
        public init(file: String, id: String, stamp: FileStamp, summary: Summary) {
            self.file = file
            self.id = id
            self.stamp = stamp
            self.summary = summary
        }
    }

    /// The records of `directory`'s index in its order (by id, bytes); empty when there is none,
    /// or when it is damaged, too large, or of another `summaryVersion` (then every file is read
    /// again). One read of the file, one pass over it; no file it names is touched.
    public static func read<Summary>(_ directory: String, maxBytes: Int, summaryVersion: UInt32,
                                     summary: (inout BinaryReader) throws(NASError) -> Summary) -> [Record<Summary>] {
        let path = directory + "/" + fileName
        guard let bytes = try? envelope.read(path, kind: "store index", maxBytes: maxBytes),
              case .success(let payload) = envelope.payloadRange(of: bytes) else { return [] }
        var r = BinaryReader(bytes, from: payload.lowerBound, to: payload.upperBound, name: path)
        do {
            guard try r.u32() == summaryVersion else { return [] }
            let n = try r.count32()
            var records: [Record<Summary>] = []
            records.reserveCapacity(n)
            for _ in 0..<n {
                let file = try r.string(), id = try r.string()
                let stamp = try FileStamp.read(&r)
                records.append(Record(file: file, id: id, stamp: stamp, summary: try summary(&r)))
            }
            return r.position == r.limit ? records : []
        } catch {
            return []
        }
    }

    /// Writes `records` as `directory`'s index in id order (bytes: the order stores list them in),
    /// atomically (a file over `maxBytes` is not written).
    public static func write<Summary>(_ records: [Record<Summary>], to directory: String, maxBytes: Int, summaryVersion: UInt32,
                                      summary: (Summary, inout BinaryWriter) -> Void) throws(NASError) {
        var w = BinaryWriter()
        w.u32(summaryVersion)
        w.count32(records.count)
        for rec in records.sorted(by: { StoreDirectory.byteOrder($0.id, $1.id) }) {
            w.string(rec.file)
            w.string(rec.id)
            rec.stamp.write(into: &w)
            summary(rec.summary, &w)
        }
        let path = directory + "/" + fileName
        let bytes = envelope.wrap(w.bytes)
        try BinaryEnvelope.checkWritable(bytes, to: path, maxBytes: maxBytes)
        try AtomicFile.write(bytes, to: path)
    }
}
