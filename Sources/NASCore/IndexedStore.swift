import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A kind of saved object (predictors, generators) as `IndexedStore` keeps it: its file codec
/// and the summary its store lists without reading the file.
public protocol StoredFormat: Sendable {
    /// The object.
    associatedtype Item: Sendable
    /// What listing one needs (for predictors: id, space, device, kind, metrics).
    associatedtype Summary: Sendable
    /// What errors call a file: "predictor", "generator".
    static var kind: String { get }
    /// The extension of its files, e.g. `hwnp`.
    static var fileExtension: String { get }
    /// The layout of `writeSummary`; a change makes old indexes be rebuilt.
    static var summaryVersion: UInt32 { get }
    /// Reads one file, header first, refusing files over `maxBytes` (`BinaryEnvelope.read`).
    static func read(_ path: String, maxBytes: Int) throws(NASError) -> Item
    /// The file's bytes.
    static func encode(_ item: Item) -> [UInt8]
    /// The id a file's object is registered under (`fileID`: the file's name less its extension).
    static func id(of item: Item, fileID: String) -> String
    /// The summary of an object.
    static func summary(of item: Item) -> Summary
    /// A summary in the index.
    static func writeSummary(_ summary: Summary, into w: inout BinaryWriter)
    /// A summary from the index.
    static func readSummary(_ r: inout BinaryReader) throws(NASError) -> Summary
}

/// What the stores of saved objects share (`PredictorStore`, `GeneratorStore`): objects by id in
/// memory, persisted as `<id>.<extension>` files in a state directory (atomic writes), listed at
/// start from the directory's `StoreIndex` and read on first use. Thread-safe.
///
/// `loadAll()` lists the directory: a file whose stamp matches the index is known by its
/// summary without being read; any other is read once (header first, bounded by `maxFileBytes`,
/// regular files only), and the index is rewritten. Start-up thus costs a `stat` per file, not a
/// decode, and `summaries()` answers from memory.
public final class IndexedStore<Format: StoredFormat>: Sendable {
    /// Directory of the files (nil: memory only).
    public let directory: String?
    /// Largest file read or written.
    public let maxFileBytes: Int
    /// Whether files are only read (another daemon owns the directory): saving and deleting
    /// are `.storage`, and the index is not rewritten.
    public let readOnly: Bool

    /// One object: in memory (`item`), in a file (`file`, `stamp`), or both.
    private struct Entry: Sendable {
        var file: String?
        var stamp: StoreIndex.FileStamp?
        var summary: Format.Summary
        var item: Format.Item?
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Held while the index is written, so that writes land in order.
    private let indexWriting = Mutex<Void>(())

    /// A store over `directory` (prepared by `StoreDirectory.prepare`: created when missing
    /// unless `readOnly`). Call `loadAll()` to list existing files.
    public init(directory: String?, maxFileBytes: Int = BinaryEnvelope.defaultMaxBytes, readOnly: Bool = false) throws(NASError) {
        self.directory = directory
        self.maxFileBytes = maxFileBytes
        self.readOnly = readOnly
        if let directory { try StoreDirectory.prepare(directory, readOnly: readOnly) }
    }

    /// Lists every `<id>.<extension>` file of the directory (see the type's comment); returns one
    /// error per file that could not be read (corrupt, foreign, newer version, too large, not a
    /// regular file), leaving the others listed.
    @discardableResult
    public func loadAll() -> [NASError] {
        guard let directory else { return [] }
        let names = StoreDirectory.files(in: directory, withExtension: Format.fileExtension)
        let indexed = StoreIndex.read(directory, maxBytes: maxFileBytes, summaryVersion: Format.summaryVersion,
                                      summary: Format.readSummary)
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if dirFD >= 0 { close(dirFD) } }
        var found: [String: Entry] = [:]
        found.reserveCapacity(names.count)
        var problems: [NASError] = []
        var changed = indexed.count != names.count
        for name in names {
            let stamp = dirFD >= 0 ? StoreIndex.FileStamp.of(name, in: dirFD) : nil
            if let stamp, let rec = indexed[name], rec.stamp == stamp, stamp.size <= UInt64(maxFileBytes) {
                found[rec.id] = Entry(file: name, stamp: stamp, summary: rec.summary, item: nil)
                continue
            }
            changed = true
            do {
                let item = try Format.read(directory + "/" + name, maxBytes: maxFileBytes)
                let id = Format.id(of: item, fileID: String(name.dropLast(Format.fileExtension.count + 1)))
                found[id] = Entry(file: name, stamp: stamp, summary: Format.summary(of: item), item: item)
            } catch {
                problems.append(error)
            }
        }
        entries.withLock { current in
            for (id, e) in found where current[id] == nil { current[id] = e }
        }
        if changed && !readOnly {
            do { try writeIndex() } catch { problems.append(error) }
        }
        return problems
    }

    /// The object `id`: from memory, else read from its file now (and kept); nil when the store
    /// has no such id. A file that cannot be read any more throws its error.
    public func item(_ id: String) throws(NASError) -> Format.Item? {
        guard let entry = entries.withLock({ $0[id] }) else { return nil }
        if let item = entry.item { return item }
        guard let directory, let file = entry.file else { return nil }
        let item = try Format.read(directory + "/" + file, maxBytes: maxFileBytes)
        entries.withLock { current in
            if current[id]?.file == file && current[id]?.item == nil { current[id]?.item = item }
        }
        return item
    }

    /// Whether `id` is held (in memory or listed from a file).
    public func contains(_ id: String) -> Bool { entries.withLock { $0[id] != nil } }

    /// Every id with its summary, sorted by id (bytes: ids are ASCII).
    public func summaries() -> [(id: String, summary: Format.Summary)] {
        entries.withLock { $0.map { (id: $0.key, summary: $0.value.summary) } }.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    }

    /// Adds (or replaces) `item` as `id`; `persist` first writes its file (a failed write leaves
    /// the store as it was) and updates the index. Returns the path written.
    @discardableResult
    public func register(_ item: Format.Item, id: String, persist: Bool) throws(NASError) -> String? {
        var entry = Entry(file: nil, stamp: nil, summary: Format.summary(of: item), item: item)
        var written: String?
        if persist {
            guard let directory else { throw NASError(.storage, "this store has no state directory") }
            try StoreDirectory.checkWritable(directory, readOnly: readOnly)
            let name = fileName(for: id)
            let path = directory + "/" + name
            let bytes = Format.encode(item)
            try BinaryEnvelope.checkWritable(bytes, to: path, maxBytes: maxFileBytes)
            try AtomicFile.write(bytes, to: path)
            entry.file = name
            entry.stamp = StoreIndex.FileStamp.of(path: path)
            written = path
        }
        // Kept in memory only, an object replacing a saved one leaves its file as it was (and
        // out of the index: it is read again at the next start).
        let hadFile = entries.withLock { current in
            defer { current[id] = entry }
            return current[id]?.file != nil
        }
        if persist || hadFile { try? writeIndex() }  // a stale index only costs one read at the next start
        return written
    }

    /// Reads the file at `path` (any path) and registers its object in memory under its id.
    public func load(path: String) throws(NASError) -> (id: String, item: Format.Item) {
        let item = try Format.read(path, maxBytes: maxFileBytes)
        let base = path.split(separator: "/").last.map(String.init) ?? path
        let fileID = base.hasSuffix("." + Format.fileExtension) ? String(base.dropLast(Format.fileExtension.count + 1)) : base
        let id = Format.id(of: item, fileID: fileID)
        try register(item, id: id, persist: false)
        return (id, item)
    }

    /// Forgets `id` and removes its file; false when neither existed.
    public func delete(_ id: String) throws(NASError) -> Bool {
        if let directory { try StoreDirectory.checkWritable(directory, readOnly: readOnly) }
        let old = entries.withLock { $0.removeValue(forKey: id) }
        var removed = false
        if let directory {
            if let file = old?.file { removed = unlink(directory + "/" + file) == 0 }
            if StoreDirectory.isValidID(id) && unlink(directory + "/" + fileName(for: id)) == 0 { removed = true }
            if removed || old?.file != nil { try? writeIndex() }
        }
        return old != nil || removed
    }

    /// The file name of `id`.
    public func fileName(for id: String) -> String { "\(id).\(Format.fileExtension)" }

    /// Writes the index of the files held now.
    private func writeIndex() throws(NASError) {
        guard let directory, !readOnly else { return }
        try indexWriting.withLock { (_: inout Void) throws(NASError) in
            let records = entries.withLock { current in
                current.compactMap { id, e -> StoreIndex.Record<Format.Summary>? in
                    guard let file = e.file, let stamp = e.stamp else { return nil }
                    return StoreIndex.Record(file: file, id: id, stamp: stamp, summary: e.summary)
                }
            }
            try StoreIndex.write(records, to: directory, maxBytes: maxFileBytes, summaryVersion: Format.summaryVersion,
                                 summary: Format.writeSummary)
        }
    }
}
