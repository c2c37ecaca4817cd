#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NASCore

/// Where an export writes: one directory for any number of files (named by
/// `NetworkExporter.fileName`), or one file for one architecture.
///
/// Checked before anything is built or written: exactly one of the two is given, neither is
/// empty, holds a NUL or a `..` component (a path never leaves what the request named), `file`
/// is not a directory and is given for a single architecture, and the directory (the file's
/// parent) exists or can be created and is writable. Relative paths are relative to the
/// daemon's working directory; the paths reported are absolute.
public enum ExportTarget: Sendable, Equatable {
    /// A directory; `absolute` once resolved.
    case directory(String)
    /// A single file.
    case file(String)

    /// The target of a request's `dir` / `path` for `count` architectures.
    public static func from(dir: String?, path: String?, count: Int) throws(NASError) -> ExportTarget {
        switch (dir, path) {
        case (nil, nil):
            throw NASError(.invalidParams, "give dir (a directory: one file per architecture) or path (one file, for one architecture)", field: "dir")
        case (_?, _?):
            throw NASError(.invalidParams, "give dir or path, not both", field: "path")
        case (let d?, nil):
            try checkSyntax(d, field: "dir")
            return .directory(d)
        case (nil, let p?):
            try checkSyntax(p, field: "path")
            guard count == 1 else {
                throw NASError(.invalidParams, "path names one file but archs has \(count) architectures; give dir to export several", field: "path")
            }
            guard !p.hasSuffix("/"), !isDirectory(p) else {
                throw NASError(.invalidParams, "\(p) is a directory; give a file path, or give it as dir", field: "path")
            }
            return .file(p)
        }
    }

    private static func checkSyntax(_ p: String, field: String) throws(NASError) {
        guard !p.isEmpty else { throw NASError(.invalidParams, "must not be empty", field: field) }
        guard !p.utf8.contains(0) else { throw NASError(.invalidParams, "must not contain a NUL character", field: field) }
        guard !p.split(separator: "/").contains("..") else {
            throw NASError(.invalidParams, "must not contain '..' components (resolve the path on the client side): \(p)", field: field)
        }
    }

    /// The directory files go to.
    public var directory: String {
        switch self {
        case .directory(let d): return d
        case .file(let p): return AtomicFile.parentDirectory(of: p)
        }
    }

    /// The request parameter that named this target (`path` or `dir`), for errors.
    public var field: String {
        if case .file = self { return "path" }
        return "dir"
    }

    /// Creates the directory when missing and checks it is writable; returns its absolute path.
    public func prepare() throws(NASError) -> String {
        do throws(NASError) { try AtomicFile.createDirectory(directory) } catch { throw NASError(.storage, error.message, field: field) }
        guard access(directory, W_OK) == 0 else {
            throw NASError(.storage, "cannot write to directory \(directory): \(String(cString: strerror(errno)))", field: field)
        }
        guard let resolved = realpath(directory, nil) else {
            throw NASError(.storage, "cannot resolve \(directory): \(String(cString: strerror(errno)))", field: field)
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The absolute path of the file for an architecture named `name` (used for directories),
    /// given the prepared directory.
    public func path(in absoluteDirectory: String, name: String) -> String {
        let base: String
        switch self {
        case .directory: base = name
        case .file(let p): base = p.split(separator: "/").last.map(String.init) ?? p
        }
        return absoluteDirectory == "/" ? "/" + base : absoluteDirectory + "/" + base
    }

    private static func isDirectory(_ p: String) -> Bool {
        var st = stat()
        return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
