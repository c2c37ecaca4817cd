import Foundation
import JSONRPC

/// A blocking queue of received messages, for clients and tests: a reader thread appends,
/// callers take the first message matching a predicate (responses may come out of order).
public final class MessageInbox: @unchecked Sendable {
    private let cond = NSCondition()
    private var items: [JSONValue] = []

    /// An empty inbox.
    public init() {}

    /// Adds a message and wakes waiters.
    public func append(_ v: JSONValue) {
        cond.lock()
        items.append(v)
        cond.broadcast()
        cond.unlock()
    }

    /// Every message not yet taken.
    public var all: [JSONValue] {
        cond.lock()
        defer { cond.unlock() }
        return items
    }

    /// Removes and returns the first message matching `predicate`, waiting up to `timeout`.
    public func take(timeout: TimeInterval, _ predicate: (JSONValue) -> Bool) -> JSONValue? {
        let deadline = Date().addingTimeInterval(timeout)
        cond.lock()
        defer { cond.unlock() }
        while true {
            if let i = items.firstIndex(where: predicate) { return items.remove(at: i) }
            if !cond.wait(until: deadline) { return nil }
        }
    }
}
