import NASCore
import NASData
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The daemon's predictors: in memory, persisted as `<id>.hwnp` files in a state directory
/// (atomic writes), with default predictors per fixture (space, device) trained on first use.
/// Thread-safe.
public final class PredictorStore: Sendable {
    /// Directory of the predictor files (nil: memory only).
    public let directory: String?
    /// The data defaults are trained from.
    public let catalog: DataCatalog
    /// Largest predictor file read or written.
    public let maxFileBytes: Int
    /// Whether files are only read (another daemon owns the directory): saving and deleting
    /// files is `.storage`; defaults are trained in memory only.
    public let readOnly: Bool

    private let predictors = Mutex<[String: TrainedPredictor]>([:])
    private let defaultSlots = Mutex<[String: DefaultSlot]>([:])

    /// One (space, device) default: its own lock, so concurrent first uses train once while
    /// other keys proceed.
    private final class DefaultSlot: Sendable {
        let value = Mutex<TrainedPredictor?>(nil)
    }

    /// A store over `directory` (created when missing). Call `loadAll()` to read existing files.
    public init(directory: String?, catalog: DataCatalog, maxFileBytes: Int = BinaryEnvelope.defaultMaxBytes,
                readOnly: Bool = false) throws(NASError) {
        self.directory = directory
        self.catalog = catalog
        self.maxFileBytes = maxFileBytes
        self.readOnly = readOnly
        if let directory {
            try StoreDirectory.prepare(directory, readOnly: readOnly)
        }
    }

    /// Reads every `*.hwnp` file of the directory; returns one error per file that could not
    /// be read (corrupt, foreign, newer version), leaving the others loaded.
    @discardableResult
    public func loadAll() -> [NASError] {
        guard let directory else { return [] }
        var problems: [NASError] = []
        for name in StoreDirectory.files(in: directory, withExtension: PredictorFile.fileExtension) {
            do {
                let p = try PredictorFile.read(directory + "/" + name, maxBytes: maxFileBytes)
                predictors.withLock { $0[p.id] = p }
            } catch {
                problems.append(error)
            }
        }
        return problems
    }

    /// Adds (or replaces) a predictor in memory; `persist` first writes its file, and a failed
    /// write leaves the store as it was. Returns the path written.
    @discardableResult
    public func register(_ p: TrainedPredictor, persist: Bool = false) throws(NASError) -> String? {
        let path = persist ? try write(p) : nil
        predictors.withLock { $0[p.id] = p }
        return path
    }

    /// A predictor by id, or `.unknownPredictor`.
    public func predictor(_ id: String) throws(NASError) -> TrainedPredictor {
        guard let p = predictors.withLock({ $0[id] }) else {
            throw NASError(.unknownPredictor, "no predictor with id '\(id)'", field: "predictor")
        }
        return p
    }

    /// All predictors, sorted by id.
    public func list() -> [TrainedPredictor] {
        predictors.withLock { Array($0.values) }.sorted { $0.id < $1.id }
    }

    /// Writes a predictor's file atomically; returns its path.
    @discardableResult
    public func save(id: String) throws(NASError) -> String {
        try write(try predictor(id))
    }

    private func write(_ p: TrainedPredictor) throws(NASError) -> String {
        guard let directory else {
            throw NASError(.storage, "this store has no state directory")
        }
        try StoreDirectory.checkWritable(directory, readOnly: readOnly)
        let path = path(for: p.id, in: directory)
        let bytes = PredictorFile.encode(p)
        try BinaryEnvelope.checkWritable(bytes, to: path, maxBytes: maxFileBytes)
        try AtomicFile.write(bytes, to: path)
        return path
    }

    /// Reads a predictor file (a path, or an id in the state directory) and registers it.
    public func load(path: String) throws(NASError) -> TrainedPredictor {
        var file = path
        if !path.contains("/"), let directory, TrainedPredictor.isValidID(path) {
            file = self.path(for: path, in: directory)
        }
        let p = try PredictorFile.read(file, maxBytes: maxFileBytes)
        predictors.withLock { $0[p.id] = p }
        return p
    }

    /// Forgets a predictor and removes its file; `.unknownPredictor` when neither exists.
    public func delete(id: String) throws(NASError) {
        if let directory { try StoreDirectory.checkWritable(directory, readOnly: readOnly) }
        let had = predictors.withLock { $0.removeValue(forKey: id) } != nil
        var removed = false
        if let directory, TrainedPredictor.isValidID(id) {
            removed = unlink(path(for: id, in: directory)) == 0
        }
        if !had && !removed {
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
            if let p = predictors.withLock({ $0[id] }), isCurrent(p) {
                cached = p
                return p
            }
            let p = try make()
            if directory != nil && !readOnly { _ = try write(p) }
            predictors.withLock { $0[id] = p }
            cached = p
            return p
        }
    }

    private func path(for id: String, in directory: String) -> String {
        "\(directory)/\(id).\(PredictorFile.fileExtension)"
    }
}
