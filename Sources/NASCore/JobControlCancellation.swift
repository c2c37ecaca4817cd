// JobControl, ProgressReport and Logger live in the leaf module Runtime (shared with the
// request server, which knows no NAS); every module importing NASCore sees them.
@_exported import Runtime

extension JobControl {
    /// Throws `NASError(.cancelled)` when cancellation was asked for.
    public func checkCancelled() throws(NASError) {
        if isCancelled { throw NASError(.cancelled, "request cancelled") }
    }
}
