import Dispatch
import JSONRPC
import Runtime
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Sends `$/progress` notifications for client-given tokens, coalescing fast reporters.
///
/// A job may report far faster than a client reads: a report is sent at once when the last one
/// for its token went out at least `interval` ago, otherwise it replaces the pending one of the
/// same part (its `message`; parts of one job, such as `auto`'s networks training side by side,
/// each keep their latest, so one part's last report is not lost to another's), and a timer
/// sends the pending ones when the interval is up. `end` sends the pending (final) report, then the
/// `end` notification, before the request's response. All sends happen under one lock, so the
/// order begin → reports → end → response holds.
public final class ProgressReporter: Sendable {
    private struct TokenState {
        var lastSent: UInt64 = 0
        /// The latest unsent report per part (`message`), in the order the parts first waited.
        var pending: [ProgressReport] = []
        var flushScheduled = false
    }

    private let sink: any MessageSink
    private let interval: UInt64  // nanoseconds
    private let state = Mutex<[JSONValue: TokenState]>([:])
    /// Where flush timers fire: a serial queue of its own gets a thread even while long jobs'
    /// parallel work fills Dispatch's shared pool (where a timer waited behind it).
    private let timers = DispatchQueue(label: "requestserver.progress")

    /// A reporter sending through `sink`, at most one report per token every `intervalMs`.
    public init(sink: any MessageSink, intervalMs: Int = 50) {
        self.sink = sink
        self.interval = UInt64(intervalMs) * 1_000_000
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Sends the `begin` notification (`title`, `cancellable: true` since every request takes
    /// `$/cancelRequest`, `percentage: 0`) and starts accepting reports for `token`.
    public func begin(token: JSONValue, title: String) {
        state.withLock { s in
            s[token] = TokenState()
            sink.send(Self.notification(token, ["kind": "begin", "title": .string(title), "cancellable": true, "percentage": 0]))
        }
    }

    /// Reports progress for `token` (coalesced).
    public func report(token: JSONValue, _ report: ProgressReport) {
        let delay: UInt64? = state.withLock { s in
            guard var t = s[token] else { return nil }
            let now = Self.now()
            if now &- t.lastSent >= interval && t.pending.isEmpty {
                t.lastSent = now
                s[token] = t
                sink.send(Self.notification(token, Self.reportValue(report)))
                return nil
            }
            if let i = t.pending.firstIndex(where: { $0.message == report.message }) { t.pending[i] = report } else { t.pending.append(report) }
            let wait: UInt64? = t.flushScheduled ? nil : max(interval &- min(now &- t.lastSent, interval), 1_000_000)
            if wait != nil { t.flushScheduled = true }
            s[token] = t
            return wait
        }
        if let delay {
            timers.asyncAfter(deadline: .now() + .nanoseconds(Int(delay))) { [self] in
                flush(token: token)
            }
        }
    }

    private func flush(token: JSONValue) {
        state.withLock { s in
            guard var t = s[token] else { return }
            t.flushScheduled = false
            if !t.pending.isEmpty {
                for p in t.pending { sink.send(Self.notification(token, Self.reportValue(p))) }
                t.pending = []
                t.lastSent = Self.now()
            }
            s[token] = t
        }
    }

    /// Sends the pending reports, if any, then `end`; later reports for `token` are dropped.
    public func end(token: JSONValue) {
        state.withLock { s in
            guard let t = s.removeValue(forKey: token) else { return }
            for p in t.pending { sink.send(Self.notification(token, Self.reportValue(p))) }
            sink.send(Self.notification(token, ["kind": "end"]))
        }
    }

    static func notification(_ token: JSONValue, _ value: JSONValue) -> JSONValue {
        OutgoingMessage.notification(method: "$/progress", params: ["token": token, "value": value])
    }

    /// `{kind: "report", step, total?, percentage?, cancellable, message?, ...values}`;
    /// `percentage` (LSP's, 0–100, an integer) is `step / total` of the part named by `message`.
    public static func reportValue(_ r: ProgressReport) -> JSONValue {
        var o: [String: JSONValue] = ["kind": "report", "step": .number(Double(r.step)), "cancellable": true]
        if let t = r.total {
            o["total"] = .number(Double(t))
            if t > 0 { o["percentage"] = .number(Double(min(100, max(0, r.step * 100 / t)))) }
        }
        if let m = r.message { o["message"] = .string(m) }
        for (k, v) in r.values where o[k] == nil {
            switch v {
            case .int(let i): o[k] = .number(Double(i))
            case .double(let d): o[k] = .number(d)
            case .string(let s): o[k] = .string(s)
            case .bool(let b): o[k] = .bool(b)
            }
        }
        return .object(o)
    }
}
