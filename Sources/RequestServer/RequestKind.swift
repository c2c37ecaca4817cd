/// How a request runs.
public enum RequestKind: Sendable {
    /// Short work (encode, predict, list...): runs on the server's quick threads, never counted
    /// against `--max-jobs`.
    case quick
    /// Long work (search, training, fine-tuning): runs on a dedicated thread, off the message
    /// loop and off Swift's cooperative pool; at most `maxJobs` in flight, past that the request
    /// is answered with `tooManyJobs`.
    case long
}

/// A resource a request reads or writes, e.g. `.write("predictor:abc")` for fine-tuning and
/// `.read("predictor:abc")` for predicting with it.
///
/// Rule (as sourcekit-lsp's): a request waits for every earlier, unfinished request that
/// touches one of its resources when either of the two writes it; all else runs concurrently.
public enum Dependency: Hashable, Sendable {
    /// Reads the named resource.
    case read(String)
    /// Writes (creates, changes, deletes) the named resource.
    case write(String)

    /// The resource name.
    public var resource: String {
        switch self {
        case .read(let r), .write(let r): return r
        }
    }

    /// Whether this is a write.
    public var isWrite: Bool {
        if case .write = self { return true }
        return false
    }

    /// The resource standing for all resources (a big request, whose params are decoded only
    /// when it runs, reads it: it conflicts with every write).
    public static let everything = "*"

    /// Whether a request with `self` must wait for an earlier one holding `earlier`.
    public func conflicts(with earlier: Dependency) -> Bool {
        (resource == earlier.resource || resource == Self.everything || earlier.resource == Self.everything)
            && (isWrite || earlier.isWrite)
    }
}
