import NASCore

/// Trained generators in memory and in a state directory (`<id>.hwng`, written atomically),
/// listed at start from the directory's index and read on first use (`IndexedStore`).
/// Thread-safe; a corrupt file is reported by `loadAll` (or on first use), never fatal.
public final class GeneratorStore: Sendable {
    /// File extension of generator files.
    public static let fileExtension = "hwng"
    /// Where generators are saved (nil: memory only).
    public var directory: String? { files.directory }
    /// Largest generator file read or written.
    public var maxFileBytes: Int { files.maxFileBytes }
    /// Whether files are only read (another daemon owns the directory).
    public var readOnly: Bool { files.readOnly }
    private let files: IndexedStore<GeneratorFile.Stored>

    /// A store over `directory` (created when missing); `warn` hears of saved files found
    /// unreadable after start.
    public init(directory: String?, maxFileBytes: Int = BinaryEnvelope.defaultMaxBytes, readOnly: Bool = false,
                warn: @escaping @Sendable (NASError) -> Void = { _ in }) throws(NASError) {
        files = try IndexedStore(directory: directory, maxFileBytes: maxFileBytes, readOnly: readOnly, warn: warn)
    }

    /// Lists every generator file (from the index; files not in it are read now); returns one
    /// error per unreadable file.
    @discardableResult
    public func loadAll() -> [NASError] { files.loadAll() }

    /// A generator by id (its file read on first use), or `.unknownGenerator`.
    public func generator(_ id: String) throws(NASError) -> TrainedGenerator {
        guard let g = try files.item(id) else {
            throw NASError(.unknownGenerator, "no generator with id '\(id)'", field: "generator")
        }
        return g
    }

    /// Whether a generator is held.
    public func contains(_ id: String) -> Bool { files.contains(id) }

    /// All ids, sorted.
    public func ids() -> [String] { files.summaries().map(\.id) }

    /// Adds (or replaces) a generator; `persist` also writes its file. Returns the path when written.
    @discardableResult
    public func register(_ g: TrainedGenerator, id: String, persist: Bool) throws(NASError) -> String? {
        guard Self.isValidID(id) else {
            throw NASError(.invalidParams, "generator id '\(id)' must be 1–128 letters, digits, '-', '_' or '.'", field: "id")
        }
        // Written first: a failed write leaves the store as it was.
        return try files.register(g, id: id, persist: persist && directory != nil)
    }

    /// Forgets a generator and removes its file.
    public func delete(_ id: String) throws(NASError) {
        guard try files.delete(id) else { throw NASError(.unknownGenerator, "no generator with id '\(id)'", field: "generator") }
    }

    /// Ids are safe file names.
    public static func isValidID(_ id: String) -> Bool { StoreDirectory.isValidID(id) }
}

extension GeneratorFile {
    /// Generator files as `IndexedStore` keeps them: registered under their file's name,
    /// summarized by their space.
    public enum Stored: StoredFormat {
        public static let kind = "generator"
        public static var fileExtension: String { GeneratorStore.fileExtension }
        public static let summaryVersion: UInt32 = 1
        public static func read(_ path: String, maxBytes: Int) throws(NASError) -> TrainedGenerator {
            do { return try GeneratorFile.load(path, maxBytes: maxBytes) } catch {
                throw NASError(error.kind, error.message.contains(path) ? error.message : "\(path): \(error.message)")
            }
        }
        public static func encode(_ g: TrainedGenerator) -> [UInt8] { GeneratorFile.encode(g) }
        public static func id(of g: TrainedGenerator, fileID: String) -> String { fileID }
        /// The space id.
        public static func summary(of g: TrainedGenerator) -> String { g.space.id }
        public static func writeSummary(_ s: String, into w: inout BinaryWriter) { w.string(s) }
        public static func readSummary(_ r: inout BinaryReader) throws(NASError) -> String { try r.string() }
    }
}
