#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the stores of saved objects (PredictorStore, GeneratorStore) share: preparing and
/// listing a state directory's files of one kind (`predictors/`, `generators/`), the read-only
/// check, and the rule for ids that become file names (`StateFileName`).
public enum StoreDirectory {
    /// Makes `directory` usable at start: created when missing (unless `readOnly`), a directory
    /// (not a file or a dangling link), readable. A missing directory is fine when `readOnly`
    /// (an empty store). Stale temporaries are removed when the store lists its files (`files`).
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
    }

    /// `.storage` when the store may not write in `directory`.
    public static func checkWritable(_ directory: String, readOnly: Bool) throws(NASError) {
        if readOnly {
            throw NASError(.storage, "the state directory is read-only for this daemon (--read-only: another hwnasd owns it); nothing is saved or deleted in \(directory); "
                           + "train, finetune, adapt, adaptProxy and trainGenerator keep their result in memory with save: false")
        }
    }

    /// Names (not paths) of the files of `directory` named `<valid id>.<fileExtension>`, in the
    /// directory's order (unsorted); empty when the directory cannot be read. With `removingStaleTemporaries` (a writable
    /// store at start), the same pass removes leftover temporaries (`AtomicFile.removeIfStaleTemporary`).
    public static func files(in directory: String, withExtension fileExtension: String,
                             removingStaleTemporaries: Bool = false) -> [String] {
        guard let d = opendir(directory) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if StateFileName.id(ofFile: name, fileExtension: fileExtension) != nil {
                names.append(name)
            } else if removingStaleTemporaries {
                AtomicFile.removeIfStaleTemporary(name, in: directory)
            }
        }
        return names
    }

    /// Whether `a` sorts before `b` by bytes (UTF-8), the order stores list ids and files in.
    public static func byteOrder(_ a: String, _ b: String) -> Bool {
        let compared = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb -> Bool in
                let n = min(pa.count, pb.count)
                let c = n == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, n)
                return c != 0 ? c < 0 : pa.count < pb.count
            }
        }
        if let compared, let compared { return compared }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Whether `id` is a safe file name (`StateFileName.isValidID`): 1–128 letters, digits, '-',
    /// '_' or '.', not starting with '.'.
    public static func isValidID(_ id: String) -> Bool { StateFileName.isValidID(id) }
}
