import JSONRPC

/// The codes the request server itself answers with when a limit is hit (documented with
/// hwnasd's in protocol/PROTOCOL.md; the values are stable).
extension ErrorCode {
    /// A message is larger than `--max-message-bytes`.
    public static let messageTooLarge = ErrorCode(rawValue: -32040)
    /// More long jobs than `--max-jobs` are running or queued.
    public static let tooManyJobs = ErrorCode(rawValue: -32041)
}
