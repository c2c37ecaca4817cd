#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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
    private let revisionCounter = Mutex<UInt64>(0)
    /// Held while a predictor is registered or loaded under an id, and while a default just made
    /// is registered: a default whose slot was dropped meanwhile (a predictor registered under
    /// its id during its training) is then never registered over that predictor.
    private let registration = Mutex<Void>(())
    private let info: @Sendable (String) -> Void

    /// One (space, device) default and where it came from: its own lock, so concurrent first
    /// uses train once while other keys proceed.
    private final class DefaultSlot: Sendable {
        let value = Mutex<(predictor: TrainedPredictor, source: ModelSource)?>(nil)
    }

    /// A store over `directory` (created when missing). Call `loadAll()` to list existing files.
    /// `warn` hears of saved files found unreadable after start (on first use or listing);
    /// `info`, where a default hardware-generalized predictor came from (shipped or trained, and why).
    public init(directory: String?, catalog: DataCatalog, maxFileBytes: Int = BinaryEnvelope.defaultMaxBytes,
                readOnly: Bool = false, warn: @escaping @Sendable (NASError) -> Void = { _ in },
                info: @escaping @Sendable (String) -> Void = { _ in }) throws(NASError) {
        self.catalog = catalog
        self.info = info
        files = try IndexedStore(directory: directory, maxFileBytes: maxFileBytes, readOnly: readOnly, warn: warn)
    }

    /// Lists every `*.hwnp` file of the directory (from the index; files not in it are read
    /// now); returns one error per file that could not be read (corrupt, foreign, newer
    /// version), leaving the others listed. Files are decoded on first use.
    @discardableResult
    public func loadAll() -> [NASError] { files.loadAll() }

    /// Adds (or replaces) a predictor in memory; `persist` first writes its file, and a failed
    /// write leaves the store as it was. Returns the path written. A predictor registered under
    /// a default's id (`train --id default-nb201-gold_6226`) is that default from now on: the
    /// device's name resolved to the default held before it.
    @discardableResult
    public func register(_ p: TrainedPredictor, persist: Bool = false) throws(NASError) -> String? {
        try registerCounted(p, persist: persist).path
    }

    /// `register`, and what it did to `revision`: `changed` is false when the id already held a
    /// predictor of the very same bytes (a repeated fit: nothing any id resolves to changed, and
    /// answers kept at this revision stay true); `revision` is the revision this registration
    /// left, counted under the same lock as its change (a concurrent change counts apart).
    public func registerCounted(_ p: TrainedPredictor, persist: Bool = false) throws(NASError)
        -> (path: String?, revision: UInt64, changed: Bool) {
        try registration.withLock { _ throws(NASError) in
            let same = (try? files.item(p.id)).map { PredictorFile.encode($0) == PredictorFile.encode(p) } ?? false
            let path = try files.register(p, id: p.id, persist: persist)
            if same { return (path, revision, false) }
            return (path, changed(replacing: p.id), true)
        }
    }

    /// Counts every change of what an id may resolve to (a predictor registered, loaded,
    /// deleted, a stale one replaced by its default made anew). Making a default is none: its
    /// device's name resolved to it before, and its id to an error, which no kept answer holds.
    /// An answer computed at one revision is the answer at that revision only (the daemon keeps
    /// answers by it).
    public var revision: UInt64 { revisionCounter.withLock { $0 } }

    /// One more revision; `replacing`: an id now holding another predictor, whose default held in
    /// memory (if any) is dropped, so the next use of the device's name takes the store's
    /// predictor of that id when current, else ships or trains one.
    @discardableResult
    private func changed(replacing id: String? = nil) -> UInt64 {
        if let id { defaultSlots.withLock { $0[id] = nil } }
        return revisionCounter.withLock { $0 &+= 1; return $0 }
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

    /// Reads a predictor file (a path, or an id in the state directory) and registers it. A bare
    /// name (no `/`) is the id of a file in the state directory; one that names no such id but
    /// ends in `.hwnp` is a file name: in the working directory, else in the state directory.
    public func load(path: String) throws(NASError) -> TrainedPredictor {
        try registration.withLock { _ throws(NASError) in
            let p = try files.load(path: file(named: path)).item
            changed(replacing: p.id)
            return p
        }
    }

    /// The file `load(path:)` reads for `path`.
    private func file(named path: String) -> String {
        guard !path.contains("/"), let directory else { return path }
        let byID = directory + "/" + files.fileName(for: path)
        if !path.hasSuffix("." + PredictorFile.fileExtension) || Self.exists(byID) {
            return TrainedPredictor.isValidID(path) ? byID : path
        }
        let inState = directory + "/" + path
        return !Self.exists(path) && Self.exists(inState) ? inState : path  // neither: the error names `path`
    }

    private static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Forgets a predictor and removes its file; `.unknownPredictor` when neither exists.
    public func delete(id: String) throws(NASError) {
        guard try files.delete(id) else {
            throw NASError(.unknownPredictor, "no predictor with id '\(id)'", field: "predictor")
        }
        defaultSlots.withLock { slots in
            for (k, s) in slots where s.value.withLock({ $0?.predictor.id == id }) { slots[k] = nil }
        }
        changed()
    }

    /// What a fixture default is trained from: `auto` on the device's measurements, the
    /// literature's training size, seed 0, degenerate architectures left out (searches never use
    /// them; see `TrainRequest`). Benchmarks and `hwnas-bench pretrained` train exactly this.
    public static func defaultTrainRequest(space: String, device: String) -> TrainRequest {
        var request = TrainRequest(space: space, device: device, id: defaultID(space: space, device: device))
        request.excludeDegenerate = true
        return request
    }

    /// The id of the default predictor of a fixture (space, device).
    public static func defaultID(space: String, device: String) -> String {
        "default-\(space)-\(device)"
    }

    /// The default predictor of a fixture (space, device): from memory, else its file, else the
    /// one shipped trained in `fixtures/pretrained/` (`PredictorTrainer.shippedDefault`), else
    /// trained now (`defaultTrainRequest`: `auto`, the literature's training size, seed 0) and saved.
    /// A saved default from another training recipe (`PredictorTrainer.recipe`) or fitted on
    /// other fixtures (its `TrainedPredictor.fixtureDigestKey` note is not
    /// `PredictorTrainer.fixtureDigest`, whose files are hashed once per catalog) is retrained,
    /// and its file replaced.
    public func defaultPredictor(space: String, device: String, control: JobControl = .none) throws(NASError) -> TrainedPredictor {
        try defaultPredictorAndSource(space: space, device: device, control: control).predictor
    }

    /// The default predictor of a fixture (space, device) and where it came from: saved in the
    /// state directory when current (`defaultPredictor`); else shipped in `fixtures/pretrained/`
    /// for the devices whose training is longest (`PredictorTrainer.shippedDefault`); else trained
    /// now. A shipped or trained one is saved; `info` hears why a shipped file was not used.
    public func defaultPredictorAndSource(space: String, device: String, control: JobControl = .none) throws(NASError)
        -> (predictor: TrainedPredictor, source: ModelSource) {
        let trainer = PredictorTrainer(catalog: catalog)
        let id = Self.defaultID(space: space, device: device)
        return try cachedDefault(id: id, isCurrent: { p in
            p.notes["recipe"] == PredictorTrainer.recipe
                && p.notes[TrainedPredictor.fixtureDigestKey] == (try? trainer.fixtureDigest(space: space, device: device))
        }, shipped: { [info, maxFileBytes] in
            let (p, reason) = trainer.shippedDefault(space: space, device: device, id: id, maxFileBytes: maxFileBytes)
            if let reason { info("\(id): training (\(reason))") }
            return p
        }) { () throws(NASError) -> TrainedPredictor in
            _ = try catalog.tableName(space: space, device: device)  // unknown (space, device) → clear error
            return try trainer.train(Self.defaultTrainRequest(space: space, device: device), control: control)
        }
    }

    /// The default hardware-generalized predictor of a space (`default-<space>-mlp-hw`, all GPUs
    /// of the fixtures, seed 0); predict with `spec:`. See `defaultHardwarePredictorAndSource`.
    public func defaultHardwarePredictor(space: String, control: JobControl = .none) throws(NASError) -> TrainedPredictor {
        try defaultHardwarePredictorAndSource(space: space, control: control).predictor
    }

    /// The default hardware-generalized predictor of a space and where it came from: saved in
    /// the state directory when of the current mlp-hw recipe (`HardwareGeneralizedTrainer.recipe`) and fitted on these fixtures; else shipped in `fixtures/pretrained/` when
    /// fitted on these very fixtures (`HardwareGeneralizedTrainer.shippedDefault`); else trained
    /// now. A shipped or trained one is saved. `info` hears which, and why a shipped one was not used.
    public func defaultHardwarePredictorAndSource(space: String, control: JobControl = .none) throws(NASError)
        -> (predictor: TrainedPredictor, source: ModelSource) {
        let id = "default-\(space)-mlp-hw"
        let trainer = HardwareGeneralizedTrainer(catalog: catalog)
        return try cachedDefault(id: id, isCurrent: { p in
            p.notes["recipe"] == HardwareGeneralizedTrainer.recipe
                && p.notes[TrainedPredictor.fixtureDigestKey] == (try? trainer.fixtureDigest(space: space))
        }, shipped: { [info] in
            let (p, reason) = trainer.shippedDefault(space: space, id: id, maxFileBytes: maxFileBytes)
            info(p == nil ? "\(id): training (\(reason))" : "\(id): loaded the shipped model \(reason)")
            return p
        }) { () throws(NASError) -> TrainedPredictor in
            try trainer.train(TrainRequest(space: space, model: .hardware, id: id), control: control)
        }
    }

    /// From the slot, else memory (a loaded file) when `isCurrent` accepts it, else `shipped()`,
    /// else `make()` (then registered and saved, replacing a stale file).
    private func cachedDefault(id: String, isCurrent: (TrainedPredictor) -> Bool = { _ in true },
                               shipped: () -> TrainedPredictor? = { nil },
                               make: () throws(NASError) -> TrainedPredictor) throws(NASError) -> (predictor: TrainedPredictor, source: ModelSource) {
        let slot = defaultSlots.withLock { slots in
            if let s = slots[id] { return s }
            let s = DefaultSlot()
            slots[id] = s
            return s
        }
        return try slot.value.withLock { (cached: inout (predictor: TrainedPredictor, source: ModelSource)?) throws(NASError) in
            if let cached { return cached }
            let held = try? files.item(id)
            if let p = held, isCurrent(p) {
                cached = (p, .saved)
                return (p, .saved)
            }
            let made: (predictor: TrainedPredictor, source: ModelSource)
            if let p = shipped() { made = (p, .shipped) } else { made = (try make(), .trained) }
            try registration.withLock { _ throws(NASError) in
                // A predictor registered or loaded under the id while this one was made is that
                // default now (its registration dropped this slot): this one answers its own
                // request only and replaces nothing.
                guard defaultSlots.withLock({ $0[id] === slot }) else { return }
                try files.register(made.predictor, id: id, persist: directory != nil && !readOnly)
                // Only a stale predictor replaced under the id changes what it resolves to (see `revision`).
                if held != nil { changed() }
            }
            cached = made
            return made
        }
    }
}

extension PredictorFile {
    /// Predictor files as `IndexedStore` keeps them: registered under the id they hold,
    /// summarized by `StoredPredictorSummary`.
    public enum Stored: StoredFormat {
        public static let kind = "predictor"
        public static var fileExtension: String { PredictorFile.fileExtension }
        public static let summaryVersion: UInt32 = 2
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
