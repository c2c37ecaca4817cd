import JSONRPC

/// hwnasd's application error codes (-32001 and -32010 to -32041), beside JSON-RPC's and LSP's
/// standard ones in `JSONRPC`. Documented in protocol/PROTOCOL.md; the values are stable.
extension ErrorCode {
    /// Unknown search space id.
    public static let unknownSearchSpace = ErrorCode(rawValue: -32001)
    /// Unknown device name.
    public static let unknownDevice = ErrorCode(rawValue: -32010)
    /// Unknown predictor id.
    public static let unknownPredictor = ErrorCode(rawValue: -32011)
    /// Unknown generator id.
    public static let unknownGenerator = ErrorCode(rawValue: -32012)
    /// An architecture does not parse or validate in its space.
    public static let invalidArchitecture = ErrorCode(rawValue: -32020)
    /// Too few samples to fit the requested model.
    public static let insufficientSamples = ErrorCode(rawValue: -32021)
    /// No architecture satisfies the budget.
    public static let infeasibleBudget = ErrorCode(rawValue: -32022)
    /// A file could not be read or written.
    public static let storageError = ErrorCode(rawValue: -32030)
    /// A stored file is corrupt or not ours.
    public static let corruptFile = ErrorCode(rawValue: -32031)
    // Server limits
    /// A message is larger than `--max-message-bytes`.
    public static let messageTooLarge = ErrorCode(rawValue: -32040)
    /// More long jobs than `--max-jobs` are running or queued.
    public static let tooManyJobs = ErrorCode(rawValue: -32041)
}
