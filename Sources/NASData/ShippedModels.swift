import NASCore
import Synchronization

/// Models trained on the shipped fixtures with the daemon's own recipes and shipped beside them
/// in `fixtures/pretrained/` (as OFA, HELP and nn-Meter ship their trained predictors), so a
/// first call loads in milliseconds what it would otherwise train for seconds. Each file records
/// a digest of the fixtures it was fitted on; the daemon uses it only when the fixtures it serves
/// have that digest, and trains otherwise. `provenance.json` beside them says how each was made
/// (recipe, seeds, fixture digests, commit, date, CPU, held-out metrics).
public enum ShippedModels {
    /// The folder of the fixtures directory that holds them.
    public static let folder = "pretrained"
    /// The provenance file in that folder.
    public static let provenanceFile = "provenance.json"
    /// The command that regenerates the folder (after a change of the fixtures or of a recipe).
    public static let regenerateCommand = "swift run -c release hwnas-bench pretrained --write fixtures/pretrained"
}

/// Where a model in use came from.
public enum ModelSource: String, Sendable, Equatable {
    /// Read from the state directory (saved there by an earlier first use).
    case saved
    /// Shipped in `fixtures/pretrained/`, fitted on the very fixtures being served.
    case shipped
    /// Trained now.
    case trained
}

extension DataCatalog {
    /// `<fixtures>/pretrained`: the shipped models of these fixtures (absent in a fixtures
    /// directory of a user's own).
    public var shippedModelsDirectory: String { directory + "/" + ShippedModels.folder }

    /// The file of hardware/devices.csv, relative to the fixtures directory.
    public static let deviceSpecsFile = "hardware/devices.csv"

    /// A digest of fixture files (paths relative to the fixtures directory): FNV-1a over each
    /// path and its file's hash (`FNV1a.hashWords` of its bytes), in the order given, as 16 hex
    /// digits. Any change to a byte of these files changes it. Each file is read and hashed once
    /// per catalog (a daemon's saved defaults are checked against it on first use).
    public func fileDigest(_ files: [String]) throws(NASError) -> String {
        var record: [UInt8] = []
        for file in files {
            let h = try fileHash(file)
            record.append(contentsOf: Array(file.utf8) + [0])
            withUnsafeBytes(of: h.littleEndian) { record.append(contentsOf: $0) }
        }
        let hex = String(FNV1a.hash(record[...]), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `FNV1a.hashWords` of one fixture file, read once per catalog, in pieces (never held whole).
    private func fileHash(_ file: String) throws(NASError) -> UInt64 {
        if let h = fileHashes.withLock({ $0[file] }) { return h }
        var hasher = FNV1a.WordHasher()
        try AtomicFile.readChunks(directory + "/" + file) { hasher.update($0); return true }
        let h = hasher.finish()
        fileHashes.withLock { $0[file] = h }
        return h
    }
}
