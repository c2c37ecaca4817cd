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
        // A hidden name no id can produce (StateFileName), in the destination's directory.
        let tmp = dir + "/" + StateFileName.temporaryName()
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

    /// Reads a whole regular file of at most `maxBytes` bytes (a device, FIFO or directory is
    /// refused: `/dev/zero` would never end; a file over the limit is refused from its size
    /// before any byte is read, and a file whose size lies, like those of /proc, is cut off at
    /// the limit and refused).
    public static func read(_ path: String, maxBytes: Int = Int.max) throws(NASError) -> [UInt8] {
        try read(path, maxBytes: maxBytes, stoppingAt: nil)
    }

    /// The first bytes of a regular file, up to and including the first `delimiter` (and
    /// possibly some after it, up to 64 KiB), or the whole file when it has none: a CSV table's
    /// header line without reading its rows.
    public static func readPrefix(_ path: String, through delimiter: UInt8, maxBytes: Int = Int.max) throws(NASError) -> [UInt8] {
        try read(path, maxBytes: maxBytes, stoppingAt: delimiter)
    }

    private static func read(_ path: String, maxBytes: Int, stoppingAt delimiter: UInt8?) throws(NASError) -> [UInt8] {
        var out: [UInt8] = []
        try readChunks(path, maxBytes: maxBytes) { chunk in
            out.append(contentsOf: chunk)
            return delimiter.map { !chunk.contains($0) } ?? true
        }
        return out
    }

    /// Reads a regular file in pieces of at most 64 KiB through one buffer, handing each to
    /// `body` until it returns false or the file ends (a whole file hashed without holding it).
    public static func readChunks(_ path: String, maxBytes: Int = Int.max,
                                  _ body: (UnsafeRawBufferPointer) -> Bool) throws(NASError) {
        let fd = try openRegular(path, maxBytes: maxBytes)
        defer { close(fd.fd) }
        var total = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd.fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw storageError("cannot read \(path)")
            }
            if n == 0 { break }
            total += n
            guard total <= maxBytes else { throw tooLarge(path, size: nil, maxBytes: maxBytes) }
            guard chunk.withUnsafeBytes({ body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }) else { break }
        }
    }

    /// Reads a file whose first `headerBytes` bytes announce its total length, header first:
    /// `announcedLength` checks the header (throwing for a foreign file) and returns the length;
    /// a length over `maxBytes` or different from the file's size is refused before the rest is
    /// read. Regular files only, checked with `fstat` on the opened descriptor.
    public static func read(_ path: String, maxBytes: Int, headerBytes: Int,
                            announcedLength: ([UInt8]) throws(NASError) -> Int) throws(NASError) -> [UInt8] {
        let fd = try openRegular(path, maxBytes: maxBytes)
        defer { close(fd.fd) }
        var bytes = [UInt8](repeating: 0, count: headerBytes)
        let got = try readFully(fd.fd, into: &bytes, from: 0, path: path)
        guard got == headerBytes else {
            throw NASError(.corruptFile, "\(path) is too short (\(got) bytes) to be one of our files")
        }
        let total = try announcedLength(bytes)
        guard total <= maxBytes else { throw tooLarge(path, size: total, maxBytes: maxBytes) }
        guard total >= headerBytes, total == fd.size else {
            throw NASError(.corruptFile, "\(path) is truncated or has trailing bytes (its header announces \(total) bytes, the file has \(fd.size))")
        }
        bytes.reserveCapacity(total)
        bytes.append(contentsOf: repeatElement(0, count: total - headerBytes))
        let rest = try readFully(fd.fd, into: &bytes, from: headerBytes, path: path)
        var extra: UInt8 = 0
        guard headerBytes + rest == total, Glibc.read(fd.fd, &extra, 1) == 0 else {
            throw NASError(.corruptFile, "\(path) changed size while it was read")
        }
        return bytes
    }

    /// Opens `path` read-only and checks, on the descriptor (no race with a rename or a symlink
    /// swap), that it is a regular file of at most `maxBytes` bytes.
    private static func openRegular(_ path: String, maxBytes: Int) throws(NASError) -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw storageError("cannot open \(path)") }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw NASError(.storage, "\(path) is not a regular file (devices, FIFOs and directories are not read)")
        }
        #if os(Linux)
        // /proc and /sys files are "regular" but their sizes lie and some never end.
        // The opened file's real path, which no symlink or rename can change any more.
        var target = [UInt8](repeating: 0, count: 4096)
        let n = readlink("/proc/self/fd/\(fd)", &target, target.count - 1)
        let real = n > 0 ? String(decoding: target[0..<n], as: UTF8.self) : ""
        if real.hasPrefix("/proc/") || real.hasPrefix("/sys/") {
            close(fd)
            throw NASError(.storage, "\(path) is not a regular file (it is on /proc or /sys); not read")
        }
        #endif
        guard Int(info.st_size) <= maxBytes else {
            close(fd)
            throw tooLarge(path, size: Int(info.st_size), maxBytes: maxBytes)
        }
        return (fd, Int(info.st_size))
    }

    /// Reads into `buffer[from...]` until it is full or the file ends; the bytes read.
    private static func readFully(_ fd: Int32, into buffer: inout [UInt8], from start: Int, path: String) throws(NASError) -> Int {
        var off = start
        while off < buffer.count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw storageError("cannot read \(path)")
            }
            if n == 0 { break }
            off += n
        }
        return off - start
    }

    private static func tooLarge(_ path: String, size: Int?, maxBytes: Int) -> NASError {
        let what = size.map { "is \($0) bytes" } ?? "is larger than it says"
        return NASError(.storage, "\(path) \(what), over the limit of \(maxBytes) bytes (--max-file-bytes); not read")
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

    /// Removes `name` from `directory` when it is the leftover temporary of an interrupted write:
    /// a hidden `.tmp-<pid>-<random>` file whose writer process is gone. Nothing else is touched:
    /// not a saved file whose id contains `.tmp-`, not a live process's temporary (this one's
    /// included: another store in this process may be writing). `StoreDirectory.files` calls it
    /// on every name it lists.
    public static func removeIfStaleTemporary(_ name: String, in directory: String) {
        guard let pid = StateFileName.writerPID(ofTemporary: name), !StateFileName.isAlive(pid) else { return }
        unlink(directory + "/" + name)
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
