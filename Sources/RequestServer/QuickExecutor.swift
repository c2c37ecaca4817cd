import Foundation

/// The threads that run quick requests: at most `width` dedicated threads (started on demand,
/// then kept), taking work in arrival order.
///
/// Not Dispatch's shared pool: long jobs fill that pool with their parallel parts
/// (`DispatchQueue.concurrentPerform` in prediction and training, one worker per core), and a
/// quick request queued there waited behind them, for a whole parallel section of a giant
/// `predict` (issue 18: 1-arch predicts at p99 15 ms beside 8 predicts of 10M archs). Here a
/// quick request waits only for the quick requests ahead of it.
final class QuickExecutor: @unchecked Sendable {
    /// Most threads, hence most quick requests running at once.
    let width: Int
    private let cond = NSCondition()
    private var work: [@Sendable () -> Void] = []
    private var head = 0
    private var threads = 0
    private var idle = 0

    init(width: Int) { self.width = max(1, width) }

    /// Runs `body` on a quick thread once one is free (arrival order).
    func submit(_ body: @escaping @Sendable () -> Void) {
        cond.lock()
        work.append(body)
        // A new thread when the work waiting outnumbers the idle threads (a signalled thread
        // counts as idle until it wakes).
        let spawn = work.count - head > idle && threads < width
        if spawn { threads += 1 } else { cond.signal() }
        cond.unlock()
        if spawn { startThread() }
    }

    /// Work submitted and not yet taken by a thread.
    var queued: Int {
        cond.lock()
        defer { cond.unlock() }
        return work.count - head
    }

    private func startThread() {
        let t = Thread { [self] in
            while true { take()() }
        }
        t.name = "requestserver.quick"
        t.stackSize = 8 << 20
        t.start()
    }

    private func take() -> @Sendable () -> Void {
        cond.lock()
        defer { cond.unlock() }
        while head == work.count {
            idle += 1
            cond.wait()
            idle -= 1
        }
        let body = work[head]
        head += 1
        if head == work.count {
            work.removeAll(keepingCapacity: true)
            head = 0
        }
        return body
    }
}
