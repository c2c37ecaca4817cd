#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory of saved files (`predictors/`, `generators/`) as the stores use it.
public enum StateDirectory {
    /// Makes `directory` usable at start: created when missing (unless `readOnly`), a directory
    /// (not a file or a dangling link), readable; stale temporaries removed when writable. A
    /// missing directory is fine when `readOnly` (an empty store).
    /// Errors are `.storage` naming the path and what to do.
    public static func prepare(_ directory: String, readOnly: Bool) throws(NASError) {
        var st = stat()
        if stat(directory, &st) != 0 {
            if readOnly { return }  // nothing to read, and nothing is created
            try AtomicFile.createDirectory(directory)
        } else if (st.st_mode & S_IFMT) != S_IFDIR {
            throw NASError(.storage, "\(directory) exists but is not a directory; move it away or give another --state")
        }
        guard access(directory, R_OK | X_OK) == 0 else {
            throw AtomicFile.storageError("\(directory) cannot be read")
        }
        if !readOnly { AtomicFile.removeStaleTemporaries(in: directory) }
    }

    /// `.storage` when the store may not write in `directory`.
    public static func checkWritable(_ directory: String, readOnly: Bool) throws(NASError) {
        if readOnly {
            throw NASError(.storage, "the state directory is read-only for this daemon (--read-only: another hwnasd owns it); nothing is saved or deleted in \(directory)")
        }
    }
}
