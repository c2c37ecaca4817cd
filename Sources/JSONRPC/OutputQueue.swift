import Foundation

/// The transport's bounded outgoing queue: framed messages wait here for the writer thread.
///
/// Bytes count from `enqueue` until the writer has written them. While `limit` bytes or more are
/// queued, `enqueue` and `waitForSpace` block (a message is accepted whenever the queue is below
/// the limit, so one message larger than the limit still goes out). Nothing is ever dropped
/// while the output is open; once it is closed (the peer is gone) queued frames are discarded and
/// every waiter returns false.
///
/// Small frames (at most `smallFrameBytes`) go out before big ones that are still waiting: a
/// 1-arch answer or a -32800 queued behind a 50 MB answer not yet begun leaves first, instead
/// of waiting for the client to read the big one. Each class keeps its own order; a frame the
/// writer has begun is always finished first (frames never interleave).
final class OutputQueue: @unchecked Sendable {
    /// The byte limit.
    let limit: Int
    /// Frames of at most this many bytes overtake bigger frames not yet begun.
    static let smallFrameBytes = 64 << 10
    private let cond = NSCondition()
    private var small = FrameFIFO()
    private var big = FrameFIFO()
    private var queuedBytes = 0
    private var open = true
    private var written = 0  // bytes written so far (progress for `flush`)

    init(limit: Int) { self.limit = max(1, limit) }

    /// Appends a frame, waiting while the queue is full; false when the output is closed.
    func enqueue(_ frame: [UInt8]) -> Bool {
        cond.lock()
        defer { cond.unlock() }
        while open && queuedBytes >= limit { cond.wait() }
        guard open else { return false }
        if frame.count <= Self.smallFrameBytes { small.push(frame) } else { big.push(frame) }
        queuedBytes += frame.count
        cond.broadcast()
        return true
    }

    /// Waits until the queue is below its limit; false when the output is closed.
    @discardableResult
    func waitForSpace() -> Bool {
        cond.lock()
        defer { cond.unlock() }
        while open && queuedBytes >= limit { cond.wait() }
        return open
    }

    /// Whether the queue is below its limit and open (does not wait).
    var hasSpace: Bool {
        cond.lock()
        defer { cond.unlock() }
        return open && queuedBytes < limit
    }

    /// Whether the output is still open.
    var isOpen: Bool {
        cond.lock()
        defer { cond.unlock() }
        return open
    }

    /// Bytes queued and not yet written.
    var pendingBytes: Int {
        cond.lock()
        defer { cond.unlock() }
        return queuedBytes
    }

    /// The writer's next frame, small ones first (it stays counted until `finished`); nil once closed.
    func next() -> [UInt8]? {
        cond.lock()
        defer { cond.unlock() }
        while open && small.isEmpty && big.isEmpty { cond.wait() }
        guard open else { return nil }
        return small.pop() ?? big.pop()
    }

    /// The writer wrote a frame of `count` bytes.
    func finished(_ count: Int) {
        cond.lock()
        queuedBytes -= count
        written += count
        cond.broadcast()
        cond.unlock()
    }

    /// The peer is gone: queued frames are dropped and every waiter wakes (returning false).
    func close() {
        cond.lock()
        open = false
        small = FrameFIFO()
        big = FrameFIFO()
        queuedBytes = 0
        cond.broadcast()
        cond.unlock()
    }

    /// Waits until every queued frame is written or the output closed, giving up when no byte
    /// has been written for `idleTimeout` seconds (a peer that stopped reading); true when empty.
    @discardableResult
    func flush(idleTimeout: TimeInterval) -> Bool {
        cond.lock()
        defer { cond.unlock() }
        var seen = written
        var deadline = Date().addingTimeInterval(idleTimeout)
        while open && queuedBytes > 0 {
            if !cond.wait(until: deadline) {
                if written == seen { return false }
            }
            if written != seen {
                seen = written
                deadline = Date().addingTimeInterval(idleTimeout)
            }
        }
        return queuedBytes == 0
    }
}

/// Frames in arrival order (an array with a moving head, compacted now and then).
private struct FrameFIFO {
    private var frames: [[UInt8]] = []
    private var head = 0

    var isEmpty: Bool { head == frames.count }

    mutating func push(_ frame: [UInt8]) { frames.append(frame) }

    mutating func pop() -> [UInt8]? {
        guard head < frames.count else { return nil }
        let f = frames[head]
        frames[head] = []
        head += 1
        if head == frames.count {
            frames.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 && head * 2 > frames.count {
            frames.removeFirst(head)
            head = 0
        }
        return f
    }
}
