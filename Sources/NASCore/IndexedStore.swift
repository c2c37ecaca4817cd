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
/// `loadAll()` lists the directory's names: a file with a record in the index is known by the
/// record's summary without being read or even `stat`ed; any other is read once (header first,
/// bounded by `maxFileBytes`, regular files only), and the index is rewritten. Start-up thus
/// costs one directory listing, one index read and a dictionary of the records: no sort (the
/// index keeps its records in id order), no file opened.
///
/// A record is checked against its file's stamp when the entry is first used in this run
/// (`item`, or listed by `summaries`/`page`): a file changed since it was indexed (replaced,
/// edited in place, touched) is read again and its summary, id and index record updated; one
/// that cannot be read any more is dropped from the listing (reported through `warn`, and thrown
/// by `item`).
public final class IndexedStore<Format: StoredFormat>: Sendable {
    /// Directory of the files (nil: memory only).
    public let directory: String?
    /// Largest file read or written.
    public let maxFileBytes: Int
    /// Whether files are only read (another daemon owns the directory): saving and deleting
    /// are `.storage`, and the index is not rewritten.
    public let readOnly: Bool
    /// Where files found unreadable after start (on first use or listing) are reported.
    private let warn: @Sendable (NASError) -> Void

    /// An object read from its file or registered (boxed: entries stay small).
    private final class Loaded: Sendable {
        let item: Format.Item
        init(_ item: Format.Item) { self.item = item }
    }

    /// One object: in memory (`loaded`), in a file (`file`, `stamp`), or both. `checked`: the
    /// stamp was confirmed (or the file read or written) in this run; `seen`: `loadAll` found
    /// its file.
    private struct Entry: Sendable {
        var file: String?
        var stamp: StoreIndex.FileStamp?
        var summary: Format.Summary
        var loaded: Loaded?
        var checked: Bool
        var seen = true
    }

    /// The entries by id, and their ids in byte order (built on demand, dropped when ids change).
    private struct State: Sendable {
        var entries: [String: Entry] = [:]
        var sorted: [String]?

        mutating func set(_ id: String, _ e: Entry) {
            if entries.updateValue(e, forKey: id) == nil { sorted = nil }
        }

        mutating func remove(_ id: String) -> Entry? {
            guard let e = entries.removeValue(forKey: id) else { return nil }
            sorted = nil
            return e
        }

        mutating func sortedIDs() -> [String] {
            if let sorted { return sorted }
            let ids = entries.keys.sorted(by: StoreDirectory.byteOrder)
            sorted = ids
            return ids
        }
    }

    private let state = Mutex(State())
    /// Held while the index is written, so that writes land in order.
    private let indexWriting = Mutex<Void>(())

    /// A store over `directory` (prepared by `StoreDirectory.prepare`: created when missing
    /// unless `readOnly`). Call `loadAll()` to list existing files. `warn` hears of files found
    /// unreadable after start.
    public init(directory: String?, maxFileBytes: Int = BinaryEnvelope.defaultMaxBytes, readOnly: Bool = false,
                warn: @escaping @Sendable (NASError) -> Void = { _ in }) throws(NASError) {
        self.directory = directory
        self.maxFileBytes = maxFileBytes
        self.readOnly = readOnly
        self.warn = warn
        if let directory { try StoreDirectory.prepare(directory, readOnly: readOnly) }
    }

    /// Lists every `<id>.<extension>` file of the directory (see the type's comment); returns one
    /// error per file that could not be read (corrupt, foreign, newer version, too large, not a
    /// regular file), leaving the others listed.
    @discardableResult
    public func loadAll() -> [NASError] {
        guard let directory else { return [] }
        let names = StoreDirectory.files(in: directory, withExtension: Format.fileExtension, removingStaleTemporaries: !readOnly)
        let indexed = StoreIndex.read(directory, maxBytes: maxFileBytes, summaryVersion: Format.summaryVersion,
                                      summary: Format.readSummary)
        // The index's records by id, in its order (by id: the listing order without a sort).
        var listed: [String: Entry] = [:]
        listed.reserveCapacity(max(indexed.count, names.count))
        var order: [String] = []
        order.reserveCapacity(indexed.count)
        var idOfFile: [String: String] = [:]  // records whose file is not `<id>.<extension>`
        for rec in indexed where rec.stamp.size <= UInt64(maxFileBytes) {
            let e = Entry(file: rec.file, stamp: rec.stamp, summary: rec.summary, loaded: nil, checked: false, seen: false)
            guard listed.updateValue(e, forKey: rec.id) == nil else { continue }
            order.append(rec.id)
            if Self.fileID(rec.file) != rec.id { idOfFile[rec.file] = rec.id }
        }
        // The directory's names: each matches its record (one lookup), or is read now.
        var seen = 0
        var unindexed: [String] = []
        for name in names {
            let id = idOfFile.isEmpty ? Self.fileID(name) : idOfFile[name] ?? Self.fileID(name)
            if let i = listed.index(forKey: id), listed.values[i].file == name {
                listed.values[i].seen = true
                seen += 1
            } else {
                unindexed.append(name)
            }
        }
        var changed = seen != indexed.count || !unindexed.isEmpty
        if seen != listed.count {  // records of files that are gone
            listed = listed.filter { $0.value.seen }
            order.removeAll { listed[$0] == nil }
        }
        var problems: [NASError] = []
        for name in unindexed.sorted(by: StoreDirectory.byteOrder) {  // problems in name order
            let stamp = StoreIndex.FileStamp.of(path: directory + "/" + name)
            do {
                let item = try Format.read(directory + "/" + name, maxBytes: maxFileBytes)
                let id = Format.id(of: item, fileID: Self.fileID(name))
                let e = Entry(file: name, stamp: stamp, summary: Format.summary(of: item), loaded: Loaded(item), checked: true, seen: true)
                if listed.updateValue(e, forKey: id) == nil { order.append(id) }
            } catch {
                problems.append(error)
            }
        }
        let inOrder = zip(order, order.dropFirst()).allSatisfy { StoreDirectory.byteOrder($0, $1) }
        changed = changed || !inOrder  // an index of another order is rewritten once
        state.withLock { s in
            if s.entries.isEmpty {
                s.entries = listed
                s.sorted = inOrder ? order : order.sorted(by: StoreDirectory.byteOrder)
            } else {
                for (id, e) in listed where s.entries[id] == nil { s.set(id, e) }
            }
        }
        if changed && !readOnly {
            do { try writeIndex() } catch { problems.append(error) }
        }
        return problems
    }

    /// The object `id`: from memory, else read from its file now (and kept); nil when the store
    /// has no such id. A file that cannot be read any more throws its error.
    public func item(_ id: String) throws(NASError) -> Format.Item? {
        guard let entry = state.withLock({ $0.entries[id] }) else { return nil }
        if let loaded = entry.loaded { return loaded.item }
        guard directory != nil, entry.file != nil else { return nil }
        return try check(id, entry, read: true)?.loaded?.item
    }

    /// Whether `id` is held (in memory or listed from a file).
    public func contains(_ id: String) -> Bool { state.withLock { $0.entries[id] != nil } }

    /// How many objects are listed (files not yet checked included).
    public var count: Int { state.withLock { $0.entries.count } }

    /// Every id with its summary, sorted by id (bytes: ids are ASCII); every file checked first.
    public func summaries() -> [(id: String, summary: Format.Summary)] {
        page(after: nil, limit: Int.max, where: nil).items
    }

    /// One page of the listing sorted by id: the first `limit` objects after id `after` (nil: from
    /// the start) whose summary passes `filter` (nil: all); `next` is the last id listed when more
    /// follow. The files of the listed entries are checked first (with a filter: every file).
    public func page(after: String?, limit: Int,
                     where filter: ((Format.Summary) -> Bool)?) -> (items: [(id: String, summary: Format.Summary)], next: String?) {
        if filter != nil { checkAll() }
        while true {
            let (items, next, unchecked) = state.withLock { s in
                let ids = s.sortedIDs()
                var i = after.map { a in Self.firstIndex(in: ids) { !StoreDirectory.byteOrder($0, a) && $0 != a } } ?? 0
                var items: [(id: String, summary: Format.Summary)] = []
                var unchecked: [(String, Entry)] = []
                while i < ids.count && items.count < limit {
                    let id = ids[i]
                    i += 1
                    guard let e = s.entries[id] else { continue }
                    if !e.checked && e.file != nil { unchecked.append((id, e)) }
                    if filter?(e.summary) ?? true { items.append((id, e.summary)) }
                }
                let more = filter.map { f in ids[i...].contains { s.entries[$0].map { f($0.summary) } ?? false } } ?? (i < ids.count)
                return (items, more ? items.last?.id : nil, unchecked)
            }
            if unchecked.isEmpty { return (items, next) }
            check(unchecked)
        }
    }

    /// Checks every listed file not yet checked in this run (a `stat` each).
    public func checkAll() {
        check(state.withLock { s in s.entries.filter { !$0.value.checked && $0.value.file != nil }.map { ($0.key, $0.value) } })
    }

    /// Checks `entries` (listed, not yet checked) against their files: one `fstatat` each in the
    /// opened directory; the unchanged are marked checked under one lock, the others go through
    /// `check` (read again, or dropped).
    private func check(_ entries: [(String, Entry)]) {
        guard let directory else { return }
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if dirFD >= 0 { close(dirFD) } }
        var current: [(String, Entry)] = [], changed: [(String, Entry)] = []
        for (id, e) in entries {
            guard let file = e.file else { continue }
            let stamp = dirFD >= 0 ? StoreIndex.FileStamp.of(file, in: dirFD) : nil
            if let stamp, stamp == e.stamp, stamp.size <= UInt64(maxFileBytes) {
                current.append((id, e))
            } else {
                changed.append((id, e))
            }
        }
        state.withLock { s in
            for (id, e) in current where s.entries[id]?.file == e.file && s.entries[id]?.stamp == e.stamp {
                s.entries[id]?.checked = true
            }
        }
        for (id, e) in changed { _ = try? check(id, e, read: false) }
    }

    /// Checks `entry` (as it was listed under `id`) against its file: when the file's stamp is
    /// the recorded one, it is marked checked (and read when `read`); else the file is read and
    /// the entry replaced by what it holds now (its id may differ: then nil), or dropped when it
    /// cannot be read (reported and thrown). The index is rewritten after a change.
    private func check(_ id: String, _ entry: Entry, read: Bool) throws(NASError) -> Entry? {
        guard let directory, let file = entry.file else { return entry }
        let path = directory + "/" + file
        let stamp = StoreIndex.FileStamp.of(path: path)
        let current = stamp != nil && stamp == entry.stamp && stamp!.size <= UInt64(maxFileBytes)
        func same(_ e: Entry?) -> Bool { e?.file == file && e?.stamp == entry.stamp }
        if current && !read {
            var e = entry
            e.checked = true
            state.withLock { s in if same(s.entries[id]) { s.entries[id]?.checked = true } }
            return e
        }
        let item: Format.Item
        do {
            item = try Format.read(path, maxBytes: maxFileBytes)
        } catch {
            if current { throw error }  // unchanged but unreadable now (I/O): listed as it was
            let dropped = state.withLock { s in same(s.entries[id]) ? s.remove(id) != nil : false }
            if dropped {
                warn(error)
                try? writeIndex()
            }
            throw error
        }
        let loaded = Loaded(item)
        if current {
            var e = entry
            e.checked = true
            e.loaded = loaded
            state.withLock { s in
                if same(s.entries[id]) && s.entries[id]?.loaded == nil { s.entries[id]?.loaded = loaded; s.entries[id]?.checked = true }
            }
            return e
        }
        let newID = Format.id(of: item, fileID: Self.fileID(file))
        let fresh = Entry(file: file, stamp: stamp, summary: Format.summary(of: item), loaded: loaded, checked: true)
        let applied = state.withLock { s in
            guard same(s.entries[id]) else { return false }
            _ = s.remove(id)
            if newID == id || s.entries[newID] == nil { s.set(newID, fresh) }
            return true
        }
        if applied { try? writeIndex() }  // a stale index only costs one read at the next start
        return newID == id ? fresh : nil
    }

    /// Adds (or replaces) `item` as `id`; `persist` first writes its file (a failed write leaves
    /// the store as it was) and updates the index. Returns the path written.
    @discardableResult
    public func register(_ item: Format.Item, id: String, persist: Bool) throws(NASError) -> String? {
        var entry = Entry(file: nil, stamp: nil, summary: Format.summary(of: item), loaded: Loaded(item), checked: true)
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
        let hadFile = state.withLock { s in
            defer { s.set(id, entry) }
            return s.entries[id]?.file != nil
        }
        if persist || hadFile { try? writeIndex() }  // a stale index only costs one read at the next start
        return written
    }

    /// Reads the file at `path` (any path) and registers its object in memory under its id.
    public func load(path: String) throws(NASError) -> (id: String, item: Format.Item) {
        let item = try Format.read(path, maxBytes: maxFileBytes)
        let base = path.split(separator: "/").last.map(String.init) ?? path
        let fileID = base.hasSuffix("." + Format.fileExtension) ? Self.fileID(base) : base
        let id = Format.id(of: item, fileID: fileID)
        try register(item, id: id, persist: false)
        return (id, item)
    }

    /// Forgets `id` and removes its file; false when neither existed.
    public func delete(_ id: String) throws(NASError) -> Bool {
        if let directory { try StoreDirectory.checkWritable(directory, readOnly: readOnly) }
        let old = state.withLock { $0.remove(id) }
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

    /// A file's id part: its name less `.<extension>`.
    private static func fileID(_ name: String) -> String { String(name.dropLast(Format.fileExtension.count + 1)) }

    /// The first index of sorted `ids` where `isAfter` holds (it holds from there on).
    private static func firstIndex(in ids: [String], where isAfter: (String) -> Bool) -> Int {
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if isAfter(ids[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Writes the index of the files held now.
    private func writeIndex() throws(NASError) {
        guard let directory, !readOnly else { return }
        try indexWriting.withLock { (_: inout Void) throws(NASError) in
            let records = state.withLock { s in
                s.entries.compactMap { id, e -> StoreIndex.Record<Format.Summary>? in
                    guard let file = e.file, let stamp = e.stamp else { return nil }
                    return StoreIndex.Record(file: file, id: id, stamp: stamp, summary: e.summary)
                }
            }
            try StoreIndex.write(records, to: directory, maxBytes: maxFileBytes, summaryVersion: Format.summaryVersion,
                                 summary: Format.writeSummary)
        }
    }
}
