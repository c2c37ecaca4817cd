#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file writes: the bytes go to a temporary file in the same directory, are flushed
/// to disk, and the temporary is renamed over the destination. A reader (or a restart after
/// kill -9) sees either the old file or the new one, never a partial file.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically; creates the parent directory when missing.
    public static func write(_ bytes: [UInt8], to path: String) throws(NASError) {
        let dir = parentDirectory(of: path)
        try createDirectory(dir)
        let tmp = "\(path).tmp-\(getpid())-\(UInt64.random(in: 0..<UInt64.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw storageError("cannot create \(tmp)") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let err = storageError("cannot write \(tmp)")
                close(fd)
                unlink(tmp)
                throw err
            }
            offset += n
        }
        if fsync(fd) != 0 {
            let err = storageError("cannot flush \(tmp)")
            close(fd)
            unlink(tmp)
            throw err
        }
        close(fd)
        if rename(tmp, path) != 0 {
            let err = storageError("cannot rename \(tmp) to \(path)")
            unlink(tmp)
            throw err
        }
        // Make the rename itself durable.
        let dfd = open(dir, O_RDONLY)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }

    /// Reads a whole regular file (a device, FIFO or directory is refused: `/dev/zero` would
    /// never end).
    public static func read(_ path: String) throws(NASError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw storageError("cannot open \(path)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw NASError(.storage, "\(path) is not a regular file")
        }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw storageError("cannot read \(path)")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Creates a directory and its parents (like `mkdir -p`).
    public static func createDirectory(_ path: String) throws(NASError) {
        if path.isEmpty || path == "/" || path == "." { return }
        var st = stat()
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { return }
            throw NASError(.storage, "\(path) exists and is not a directory")
        }
        try createDirectory(parentDirectory(of: path))
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw storageError("cannot create directory \(path)")
        }
    }

    /// Removes leftover temporaries (`*.tmp-*`) of interrupted writes in `directory`.
    public static func removeStaleTemporaries(in directory: String) {
        guard let d = opendir(directory) else { return }
        defer { closedir(d) }
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.contains(".tmp-") { unlink(directory + "/" + name) }
        }
    }

    /// The directory part of `path` (`.` when it has none, `/` for a file in the root).
    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func storageError(_ what: String) -> NASError {
        NASError(.storage, "\(what): \(String(cString: strerror(errno)))")
    }
}
