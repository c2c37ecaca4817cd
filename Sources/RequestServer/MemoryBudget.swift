import Foundation
import JSONRPC
import Runtime

/// The memory big requests may hold at once: each reserves an estimate of what decoding and
/// answering it costs before it parses its params, and waits while the others' reservations
/// leave no room. A request alone always runs, however big (the per-request bound is
/// `--max-message-bytes`).
final class MemoryBudget: @unchecked Sendable {
    /// Bytes available to all big requests together.
    let limit: Int
    private let cond = NSCondition()
    private var used = 0

    init(limit: Int) { self.limit = max(1, limit) }

    /// Reserves `bytes`, waiting for room; throws -32800 (`ResponseError.cancelled`) when `control` is cancelled first.
    func reserve(_ bytes: Int, control: JobControl) throws(ResponseError) {
        cond.lock()
        defer { cond.unlock() }
        while used > 0 && used + bytes > limit {
            if control.isCancelled { throw ResponseError.cancelled }
            _ = cond.wait(until: Date().addingTimeInterval(0.05))
        }
        used += bytes
    }

    /// Returns a reservation.
    func release(_ bytes: Int) {
        cond.lock()
        used -= bytes
        cond.broadcast()
        cond.unlock()
    }

    /// Bytes reserved now.
    var reserved: Int {
        cond.lock()
        defer { cond.unlock() }
        return used
    }
}
