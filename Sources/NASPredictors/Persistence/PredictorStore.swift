import NASCore
import NASData
import Synchronization

/// The daemon's predictors: in memory, persisted as `<id>.hwnp` files in a state directory
/// (atomic writes) and listed at start from its index without being read (`IndexedStore`), with
/// default predictors per fixture (space, device) trained on first use. Thread-safe.
public final class PredictorStore: Sendable {
    /// Directory of the predictor files (nil: memory only).
    public var directory: String? { files.directory }
    /// The data defaults are trained from.
    public let catalog: DataCatalog
    /// Largest predictor file read or written.
    public var maxFileBytes: Int { files.maxFileBytes }
    /// Whether files are only read (another daemon owns the directory): saving and deleting
    /// files is `.storage`; defaults are trained in memory only.
    public var readOnly: Bool { files.readOnly }

    private let files: IndexedStore<PredictorFile.Stored>
    private let defaultSlots = Mutex<[String: DefaultSlot]>([:])

    /// One (space, device) default: its own lock, so concurrent first uses train once while
    /// other keys proceed.
    private final class DefaultSlot: Sendable {
        let value = Mutex<TrainedPredictor?>(nil)
    }

    /// A store over `directory` (created when missing). Call `loadAll()` to list existing files.
    /// `warn` hears of saved files found unreadable after start (on first use or listing).
    public init(directory: String?, catalog: DataCatalog, maxFileBytes: Int = BinaryEnvelope.defaultMaxBytes,
                readOnly: Bool = false, warn: @escaping @Sendable (NASError) -> Void = { _ in }) throws(NASError) {
        self.catalog = catalog
        files = try IndexedStore(directory: directory, maxFileBytes: maxFileBytes, readOnly: readOnly, warn: warn)
    }

    /// Lists every `*.hwnp` file of the directory (from the index; files not in it are read
    /// now); returns one error per file that could not be read (corrupt, foreign, newer
    /// version), leaving the others listed. Files are decoded on first use.
    @discardableResult
    public func loadAll() -> [NASError] { files.loadAll() }

    /// Adds (or replaces) a predictor in memory; `persist` first writes its file, and a failed
    /// write leaves the store as it was. Returns the path written.
    @discardableResult
    public func register(_ p: TrainedPredictor, persist: Bool = false) throws(NASError) -> String? {
        try files.register(p, id: p.id, persist: persist)
    }

    /// A predictor by id (its file read on first use), or `.unknownPredictor`; a listed file
    /// that cannot be read any more throws its error.
    public func predictor(_ id: String) throws(NASError) -> TrainedPredictor {
        guard let p = try files.item(id) else {
            throw NASError(.unknownPredictor, "no predictor with id '\(id)'", field: "predictor")
        }
        return p
    }

    /// All predictors' summaries, sorted by id (only files changed since they were indexed are read).
    public func list() -> [StoredPredictorSummary] { files.summaries().map(\.summary) }

    /// One page of the listing sorted by id: at most `limit` predictors with an id after `after`
    /// (nil: from the first), of `space` and `device` when given; `next` is the id to continue
    /// after when more follow (nil at the end).
    public func list(after: String?, limit: Int, space: String? = nil,
                     device: String? = nil) -> (predictors: [StoredPredictorSummary], next: String?) {
        let filter: ((StoredPredictorSummary) -> Bool)? = space == nil && device == nil ? nil : { p in
            (space == nil || p.spaceID == space) && (device == nil || p.device == device)
        }
        let page = files.page(after: after, limit: limit, where: filter)
        return (page.items.map(\.summary), page.next)
    }

    /// How many predictors are listed (in memory or saved; a saved file is counted before it is
    /// first checked).
    public var count: Int { files.count }

    /// Writes a predictor's file atomically; returns its path.
    @discardableResult
    public func save(id: String) throws(NASError) -> String {
        try files.register(try predictor(id), id: id, persist: true)!
    }

    /// Reads a predictor file (a path, or an id in the state directory) and registers it.
    public func load(path: String) throws(NASError) -> TrainedPredictor {
        var file = path
        if !path.contains("/"), let directory, TrainedPredictor.isValidID(path) {
            file = directory + "/" + files.fileName(for: path)
        }
        return try files.load(path: file).item
    }

    /// Forgets a predictor and removes its file; `.unknownPredictor` when neither exists.
    public func delete(id: String) throws(NASError) {
        guard try files.delete(id) else {
            throw NASError(.unknownPredictor, "no predictor with id '\(id)'", field: "predictor")
        }
        defaultSlots.withLock { slots in
            for (k, s) in slots where s.value.withLock({ $0?.id == id }) { slots[k] = nil }
        }
    }

    /// The id of the default predictor of a fixture (space, device).
    public static func defaultID(space: String, device: String) -> String {
        "default-\(space)-\(device)"
    }

    /// The default predictor of a fixture (space, device): from memory, else its file, else
    /// trained now (`PredictorModelKind.auto`, the literature's training size, seed 0) and saved.
    /// A saved default from an older training recipe (`PredictorTrainer.recipe`) is retrained.
    public func defaultPredictor(space: String, device: String, control: JobControl = .none) throws(NASError) -> TrainedPredictor {
        try cachedDefault(id: Self.defaultID(space: space, device: device),
                          isCurrent: { $0.notes["recipe"] == PredictorTrainer.recipe }) { () throws(NASError) -> TrainedPredictor in
            _ = try catalog.tableName(space: space, device: device)  // unknown (space, device) → clear error
            var request = TrainRequest(space: space, device: device, id: Self.defaultID(space: space, device: device))
            request.excludeDegenerate = true  // searches never use them; see TrainRequest
            return try PredictorTrainer(catalog: catalog).train(request, control: control)
        }
    }

    /// The default hardware-generalized predictor of a space (`default-<space>-mlp-hw`, all GPUs
    /// of the fixtures, seed 0), trained on first use and saved; predict with `spec:`. One saved
    /// by an older recipe (before its error profile) is retrained.
    public func defaultHardwarePredictor(space: String, control: JobControl = .none) throws(NASError) -> TrainedPredictor {
        let id = "default-\(space)-mlp-hw"
        return try cachedDefault(id: id, isCurrent: { $0.notes["recipe"] == PredictorTrainer.recipe }) { () throws(NASError) -> TrainedPredictor in
            try HardwareGeneralizedTrainer(catalog: catalog).train(TrainRequest(space: space, model: .hardware, id: id), control: control)
        }
    }

    /// From the slot, else memory (a loaded file) when `isCurrent` accepts it, else `make()`
    /// (then registered and saved, replacing a stale file).
    private func cachedDefault(id: String, isCurrent: (TrainedPredictor) -> Bool = { _ in true },
                               make: () throws(NASError) -> TrainedPredictor) throws(NASError) -> TrainedPredictor {
        let slot = defaultSlots.withLock { slots in
            if let s = slots[id] { return s }
            let s = DefaultSlot()
            slots[id] = s
            return s
        }
        return try slot.value.withLock { (cached: inout TrainedPredictor?) throws(NASError) -> TrainedPredictor in
            if let cached { return cached }
            if let p = try? files.item(id), isCurrent(p) {
                cached = p
                return p
            }
            let p = try make()
            try files.register(p, id: id, persist: directory != nil && !readOnly)
            cached = p
            return p
        }
    }
}

extension PredictorFile {
    /// Predictor files as `IndexedStore` keeps them: registered under the id they hold,
    /// summarized by `StoredPredictorSummary`.
    public enum Stored: StoredFormat {
        public static let kind = "predictor"
        public static var fileExtension: String { PredictorFile.fileExtension }
        public static let summaryVersion: UInt32 = 1
        public static func read(_ path: String, maxBytes: Int) throws(NASError) -> TrainedPredictor {
            try PredictorFile.read(path, maxBytes: maxBytes)
        }
        public static func encode(_ p: TrainedPredictor) -> [UInt8] { PredictorFile.encode(p) }
        public static func id(of p: TrainedPredictor, fileID: String) -> String { p.id }
        public static func summary(of p: TrainedPredictor) -> StoredPredictorSummary { StoredPredictorSummary(p) }
        public static func writeSummary(_ s: StoredPredictorSummary, into w: inout BinaryWriter) { s.write(into: &w) }
        public static func readSummary(_ r: inout BinaryReader) throws(NASError) -> StoredPredictorSummary { try StoredPredictorSummary(reading: &r) }
    }
}
