/// The domain's error: a kind that maps to a stable protocol code, and a message for people.
///
/// Domain modules know nothing of JSON-RPC; the server maps `kind` to an error code.
public struct NASError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, stable across versions.
    public enum Kind: String, Sendable, CaseIterable {
        /// A parameter is missing, has the wrong type, or is out of range.
        case invalidParams
        /// The search space id is not one of the known spaces.
        case unknownSpace
        /// The device name is not in the fixtures (nor a known GPU spec).
        case unknownDevice
        /// No predictor has the given id.
        case unknownPredictor
        /// No generator has the given id.
        case unknownGenerator
        /// An architecture string or object does not parse or validate in its space.
        case invalidArchitecture
        /// Too few samples to fit the requested model.
        case insufficientSamples
        /// No architecture satisfies the latency budget.
        case infeasibleBudget
        /// The work was cancelled by the client.
        case cancelled
        /// A file could not be read or written (disk full, read-only, permissions).
        case storage
        /// A file exists but is corrupt, truncated, or not one of ours.
        case corruptFile
        /// A bug: an invariant did not hold.
        case `internal`
    }

    /// What went wrong.
    public var kind: Kind
    /// A sentence for people, naming the offending value and what is allowed.
    public var message: String
    /// The parameter path at fault, e.g. `archs[3]`, when one is known.
    public var field: String?

    /// Makes an error of a kind with a message and, optionally, the field at fault.
    public init(_ kind: Kind, _ message: String, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
    }

    /// The message, prefixed with the field when one is known.
    public var description: String {
        if let field { return "\(field): \(message)" }
        return message
    }

    /// The same error with its field prefixed by `prefix` (e.g. `archs[3]`).
    public func inField(_ prefix: String) -> NASError {
        var copy = self
        if let f = field, !f.isEmpty {
            copy.field = f.hasPrefix("[") ? prefix + f : prefix + "." + f
        } else {
            copy.field = prefix
        }
        return copy
    }
}
