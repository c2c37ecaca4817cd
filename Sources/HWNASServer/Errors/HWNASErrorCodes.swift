import JSONRPC

/// hwnasd's application error codes (-32001, -32010 to -32031), beside JSON-RPC's and LSP's
/// standard ones in `JSONRPC` and the request server's limits (-32040, -32041) in `RequestServer`. Documented in protocol/PROTOCOL.md; the values are stable.
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
}
