import Foundation
import JSONRPC

/// Drives a server with `FuzzInputGenerator` inputs over a `ClientConnection` and checks every
/// reply: each input is followed by a sentinel request (an unknown method, answered -32601) that
/// proves the server is alive and in sync; a request input must get exactly one valid JSON-RPC
/// response whose error code (if any) is in `allowedCodes`; long requests are cancelled at once.
/// Shared by the fuzz test and `hwnas-bench fuzz`.
///
/// With a `window` above 1 inputs are pipelined: up to `window` inputs (each with its sentinel)
/// are in flight at once, and replies are matched as they come. The checks are the same: ids
/// match requests; frame and envelope errors (null id) belong to the oldest input whose sentinel
/// has not come back yet, because the server answers those, and every sentinel, on its reading
/// thread in stream order. Heavy inputs (long requests, and messages of `heavyBytes` or more,
/// which the server runs as long jobs) are limited to `maxHeavy` in flight, so that pipelining
/// does not turn them into -32041 refusals.
public struct FuzzSession {
    /// Counts and findings of a run.
    public struct Report: Sendable {
        /// Inputs sent, per class.
        public var perClass: [String: Int] = [:]
        /// Replies per error code (0 = a result), over all inputs.
        public var codes: [Int: Int] = [:]
        /// Replies per error code, per class.
        public var codesPerClass: [String: [Int: Int]] = [:]
        /// Every violation: a missing, duplicate or invalid reply, an undocumented code, a hang.
        public var failures: [String] = []
        /// Inputs sent in all.
        public var inputs: Int = 0
        /// Longest wait for one input's replies, in milliseconds.
        public var slowestMs: Double = 0
        /// Milliseconds spent per class (send to last reply).
        public var msPerClass: [String: Double] = [:]
        /// The class and method of the slowest input.
        public var slowest: String = ""
        /// Whether the run stopped early on a hang (no reply to a sentinel: the server hung or died).
        public var stoppedOnHang = false

        /// An empty report.
        public init() {}

        /// Adds `other`'s counts and findings to this report.
        public mutating func merge(_ other: Report) {
            perClass.merge(other.perClass, uniquingKeysWith: +)
            codes.merge(other.codes, uniquingKeysWith: +)
            codesPerClass.merge(other.codesPerClass) { $0.merging($1, uniquingKeysWith: +) }
            failures += other.failures
            inputs += other.inputs
            msPerClass.merge(other.msPerClass, uniquingKeysWith: +)
            if other.slowestMs > slowestMs { slowestMs = other.slowestMs; slowest = other.slowest }
            stoppedOnHang = stoppedOnHang || other.stoppedOnHang
        }
    }

    /// The connection under test.
    public let client: ClientConnection
    /// Error codes a reply may carry (the documented table, without internalError).
    public let allowedCodes: Set<Int>
    /// Longest wait for a reply before the input counts as a hang.
    public let timeout: TimeInterval
    /// Inputs in flight at once (1: each input's replies are awaited before the next is sent).
    public let window: Int
    /// Heavy inputs (long requests, messages of `heavyBytes` or more) in flight at once.
    public let maxHeavy: Int
    /// The message size from which the server runs any request as a long job (its
    /// `bigRequestBytes`).
    public let heavyBytes: Int

    /// A session over `client` (already initialized).
    public init(client: ClientConnection, allowedCodes: Set<Int>, timeout: TimeInterval = 30,
                window: Int = 1, maxHeavy: Int = 2, heavyBytes: Int = 256 << 10) {
        self.client = client
        self.allowedCodes = allowedCodes
        self.timeout = timeout
        self.window = max(1, window)
        self.maxHeavy = max(1, maxHeavy)
        self.heavyBytes = heavyBytes
    }

    /// One input in flight.
    private struct Pending {
        let input: FuzzInputGenerator.Input
        let id: Int
        let what: String
        let heavy: Bool
        let sent: UInt64
        var sentinelSeen = false
        /// Its one response (a request's, or a recovered parse error's) has come.
        var answered = false

        /// Whether every reply it needs has come (a long one's response is awaited apart).
        var isComplete: Bool {
            guard sentinelSeen else { return false }
            if input.isLong { return true }
            switch input.expectation {
            case .response, .responseOrNullID: return answered
            case .nullIDErrors: return true
            }
        }
    }

    /// Sends `count` inputs from `generator`, with request ids from `firstID` on; stops early
    /// after a hang (the server is then not worth driving further; `stoppedOnHang`).
    public func run(_ generator: inout FuzzInputGenerator, count: Int, firstID: Int = 1_000_000) -> Report {
        var report = Report()
        var id = firstID
        var inFlight: [Pending] = []
        // Long requests are cancelled at once and not waited for: their ids stay outstanding until
        // their response arrives (checked as replies come, and at the end).
        var outstanding: [Int: (cls: String, heavy: Bool, sent: UInt64)] = [:]
        var answered = Set<Int>()
        let now = { DispatchTime.now().uptimeNanoseconds }
        func record(_ r: JSONValue, _ cls: String, _ what: String) {
            for e in r.arrayValue ?? [r] {
                if let problem = validate(e) { report.failures.append("\(what): \(problem): \(Self.preview(JSONWriter.write(e)))") }
                let code = e["error"]?["code"]?.intValue ?? 0
                report.codes[code, default: 0] += 1
                report.codesPerClass[cls, default: [:]][code, default: 0] += 1
            }
        }
        func retire(_ i: Int) {
            let p = inFlight.remove(at: i)
            let ms = Double(now() - p.sent) / 1e6
            report.msPerClass[p.input.fuzzClass, default: 0] += ms
            if ms > report.slowestMs { report.slowestMs = ms; report.slowest = p.what }
        }
        /// Matches one message from the server to what is in flight.
        func handle(_ m: JSONValue) {
            if m["method"] == "$/progress" { return }
            let elements = m.arrayValue ?? [m]
            let rid = m["id"]?.intValue
            // The sentinel of the oldest input not yet through the server's reading thread.
            let reading = inFlight.firstIndex { !$0.sentinelSeen }
            if let rid, let i = reading, rid == inFlight[i].id + 1 {
                if m["error"]?["code"]?.intValue != -32601 { report.failures.append("\(inFlight[i].what): sentinel answered \(m)") }
                inFlight[i].sentinelSeen = true
                if inFlight[i].isComplete { retire(i) }
                return
            }
            if let i = inFlight.firstIndex(where: { p in
                guard !p.answered, !p.input.isLong else { return false }
                switch p.input.expectation {
                case .response(let e), .responseOrNullID(let e): return Self.carries(m, id: e)
                case .nullIDErrors: return rid == p.id && m["error"] != nil  // a parse error with the recovered id
                }
            }) {
                inFlight[i].answered = true
                answered.insert(inFlight[i].id)
                record(m, inFlight[i].input.fuzzClass, inFlight[i].what)
                if inFlight[i].isComplete { retire(i) }
                return
            }
            if let rid, let long = outstanding.removeValue(forKey: rid) {
                answered.insert(rid)
                record(m, long.cls, "long id \(rid)")
                return
            }
            if !elements.isEmpty, elements.allSatisfy({ $0["id"] == .null && $0["error"] != nil }) {
                // Frame and envelope errors of the input on the reading thread (or of the last one sent).
                let i = reading ?? inFlight.indices.last
                let cls = i.map { inFlight[$0].input.fuzzClass } ?? "late"
                if let i, !inFlight[i].answered, case .responseOrNullID = inFlight[i].input.expectation {
                    inFlight[i].answered = true
                    answered.insert(inFlight[i].id)
                }
                record(m, cls, i.map { inFlight[$0].what } ?? "late")
                return
            }
            let again = rid.map { answered.contains($0) } ?? false
            let about = reading.map { inFlight[$0].what } ?? "after the last input"
            report.failures.append("\(about): \(again ? "second response" : "unexpected reply") \(Self.preview(JSONWriter.write(m)))")
        }
        /// Takes and handles the next message, waiting up to `wait` seconds; false on a hang (the
        /// oldest input in flight has had no reply to its sentinel for `timeout` seconds).
        func pump(wait: TimeInterval) -> Bool {
            if let m = client.wait(timeout: wait, { _ in true }) {
                handle(m)
                while let more = client.wait(timeout: 0, { _ in true }) { handle(more) }
            }
            let t = now()
            // A cancelled long request is answered within the cancel grace; none after `timeout` is a failure.
            for (rid, long) in outstanding where Double(t - long.sent) / 1e9 > timeout {
                report.failures.append("\(long.cls) id \(rid): no response after its cancel")
                outstanding[rid] = nil
            }
            guard let oldest = inFlight.first, Double(t - oldest.sent) / 1e9 > timeout else { return true }
            if !oldest.sentinelSeen {
                report.failures.append("\(oldest.what): no reply to the sentinel within \(timeout) s (hang or crash); input: \(Self.preview(oldest.input.bytes))")
                report.stoppedOnHang = true
                return false
            }
            report.failures.append("\(oldest.what): no response; input: \(Self.preview(oldest.input.bytes))")
            retire(0)
            return true
        }
        func heavyInFlight() -> Int {
            inFlight.reduce(0) { $0 + ($1.heavy && !$1.input.isLong ? 1 : 0) } + outstanding.values.reduce(0) { $0 + ($1.heavy ? 1 : 0) }
        }

        for _ in 0..<count {
            let input = generator.next(id: id)
            let heavy = input.isLong || input.bytes.count >= heavyBytes
            while inFlight.count >= window || (heavy && heavyInFlight() >= maxHeavy) {
                if !pump(wait: 0.05) { return report }
            }
            let sentinel = id + 1
            let what = "\(input.fuzzClass) \(input.method ?? "-") id \(id)"
            report.inputs += 1
            report.perClass[input.fuzzClass, default: 0] += 1
            inFlight.append(Pending(input: input, id: id, what: what, heavy: heavy, sent: now()))
            client.sendRaw(input.bytes)
            if input.isLong {
                client.notify("$/cancelRequest", ["id": .number(Double(id))])
                outstanding[id] = (input.fuzzClass, heavy, now())
            }
            client.sendRequest(sentinel, "fuzz/sentinel")
            id += 2
            if !pump(wait: 0) { return report }
        }
        while !inFlight.isEmpty {
            if !pump(wait: 0.05) { return report }
        }
        // Every cancelled long request still gets its one response (pump reports those that do not).
        while !outstanding.isEmpty { _ = pump(wait: 0.05) }
        return report
    }

    /// Why `r` is not a valid JSON-RPC response with a documented code, or nil.
    public func validate(_ r: JSONValue) -> String? {
        guard case .object(let o) = r else { return "not an object" }
        guard o["jsonrpc"] == "2.0" else { return "jsonrpc is not \"2.0\"" }
        guard let id = o["id"] else { return "no id" }
        switch id {
        case .null, .string, .number: break
        default: return "id of a wrong type"
        }
        switch (o["result"], o["error"]) {
        case (_?, nil): return nil
        case (nil, let e?):
            guard let code = e["code"]?.intValue, e["message"]?.stringValue != nil else { return "malformed error object" }
            return allowedCodes.contains(code) ? nil : "undocumented error code \(code)"
        default: return "needs exactly one of result and error"
        }
    }

    static func carries(_ m: JSONValue, id: Int) -> Bool {
        if m["id"] == .number(Double(id)) { return true }
        return m.arrayValue?.contains { $0["id"] == .number(Double(id)) } ?? false
    }

    /// The first 160 bytes of `bytes`, printable.
    public static func preview(_ bytes: [UInt8]) -> String {
        let head = String(decoding: bytes.prefix(160), as: UTF8.self)
        return bytes.count > 160 ? head + "… (\(bytes.count) bytes)" : head
    }

    /// The documented error codes (protocol/PROTOCOL.md), internalError excluded: an internal
    /// error is a bug, hence a fuzz finding.
    public static let documentedCodes: Set<Int> = [
        -32700, -32600, -32601, -32602, -32002, -32800, -32001, -32010, -32011, -32012,
        -32020, -32021, -32022, -32030, -32031, -32040, -32041,
    ]
}
