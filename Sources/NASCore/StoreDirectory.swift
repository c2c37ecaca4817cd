#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the stores of saved objects (PredictorStore, GeneratorStore) share: listing a state
/// directory's files of one kind, and the rule for ids that become file names.
public enum StoreDirectory {
    /// Creates `directory` when missing and removes temporaries left by interrupted writes.
    public static func prepare(_ directory: String) throws(NASError) {
        try AtomicFile.createDirectory(directory)
        AtomicFile.removeStaleTemporaries(in: directory)
    }

    /// Names (not paths) of the files of `directory` ending in `.<fileExtension>`, sorted;
    /// empty when the directory cannot be read.
    public static func files(in directory: String, withExtension fileExtension: String) -> [String] {
        guard let d = opendir(directory) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasSuffix("." + fileExtension) { names.append(name) }
        }
        return names.sorted()
    }

    /// Whether `id` is a safe file name: 1–128 letters, digits, '-', '_' or '.', not starting with '.'.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 128 && !id.hasPrefix(".") && id.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
        }
    }
}
