import NASCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Trained generators in memory and in a state directory (`<id>.hwng`, written atomically).
/// Thread-safe; a corrupt file is reported by `loadAll`, never fatal.
public final class GeneratorStore: Sendable {
    /// File extension of generator files.
    public static let fileExtension = "hwng"
    /// Where generators are saved (nil: memory only).
    public let directory: String?
    private let generators = Mutex<[String: TrainedGenerator]>([:])

    /// A store over `directory` (created when missing).
    public init(directory: String?) throws(NASError) {
        self.directory = directory
        if let directory { try StoreDirectory.prepare(directory) }
    }

    /// Reads every generator file; returns one error per unreadable file.
    @discardableResult
    public func loadAll() -> [NASError] {
        guard let directory else { return [] }
        var problems: [NASError] = []
        for name in StoreDirectory.files(in: directory, withExtension: Self.fileExtension) {
            let id = String(name.dropLast(Self.fileExtension.count + 1))
            do {
                let g = try GeneratorFile.load(directory + "/" + name)
                generators.withLock { $0[id] = g }
            } catch {
                problems.append(NASError(error.kind, "\(directory)/\(name): \(error.message)"))
            }
        }
        return problems
    }

    /// A generator by id, or `.unknownGenerator`.
    public func generator(_ id: String) throws(NASError) -> TrainedGenerator {
        guard let g = generators.withLock({ $0[id] }) else {
            throw NASError(.unknownGenerator, "no generator with id '\(id)'", field: "generator")
        }
        return g
    }

    /// Whether a generator is held.
    public func contains(_ id: String) -> Bool { generators.withLock { $0[id] != nil } }

    /// All ids, sorted.
    public func ids() -> [String] { generators.withLock { Array($0.keys) }.sorted() }

    /// Adds (or replaces) a generator; `persist` also writes its file. Returns the path when written.
    @discardableResult
    public func register(_ g: TrainedGenerator, id: String, persist: Bool) throws(NASError) -> String? {
        guard Self.isValidID(id) else {
            throw NASError(.invalidParams, "generator id '\(id)' must be 1–128 letters, digits, '-', '_' or '.'", field: "id")
        }
        generators.withLock { $0[id] = g }
        guard persist, let directory else { return nil }
        let path = "\(directory)/\(id).\(Self.fileExtension)"
        try GeneratorFile.save(g, to: path)
        return path
    }

    /// Forgets a generator and removes its file.
    public func delete(_ id: String) throws(NASError) {
        let had = generators.withLock { $0.removeValue(forKey: id) } != nil
        var removed = false
        if let directory, Self.isValidID(id) { removed = unlink("\(directory)/\(id).\(Self.fileExtension)") == 0 }
        if !had && !removed { throw NASError(.unknownGenerator, "no generator with id '\(id)'", field: "generator") }
    }

    /// Ids are safe file names.
    public static func isValidID(_ id: String) -> Bool { StoreDirectory.isValidID(id) }
}
