import Foundation
import JSONRPC

/// Drives a server with `FuzzInputGenerator` inputs over a `ClientConnection` and checks every
/// reply: each input is followed by a sentinel request (an unknown method, answered -32601) that
/// proves the server is alive and in sync; a request input must get exactly one valid JSON-RPC
/// response whose error code (if any) is in `allowedCodes`; long requests are cancelled at once.
/// Shared by the fuzz test and `hwnas-bench fuzz`.
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
    }

    /// The connection under test.
    public let client: ClientConnection
    /// Error codes a reply may carry (the documented table, without internalError).
    public let allowedCodes: Set<Int>
    /// Longest wait for a reply before the input counts as a hang.
    public let timeout: TimeInterval

    /// A session over `client` (already initialized).
    public init(client: ClientConnection, allowedCodes: Set<Int>, timeout: TimeInterval = 30) {
        self.client = client
        self.allowedCodes = allowedCodes
        self.timeout = timeout
    }

    /// Sends `count` inputs from `generator`, with request ids from `firstID` on; stops early
    /// after a hang (the server is then not worth driving further).
    public func run(_ generator: inout FuzzInputGenerator, count: Int, firstID: Int = 1_000_000) -> Report {
        var report = Report()
        var id = firstID
        // Long requests are cancelled at once and not waited for: their ids stay outstanding until
        // their response arrives (checked after every later input, and at the end).
        var outstanding: [Int: String] = [:]
        var answered = Set<Int>()
        func record(_ r: JSONValue, _ cls: String, _ what: String) {
            for e in r.arrayValue ?? [r] {
                if let problem = validate(e) { report.failures.append("\(what): \(problem): \(Self.preview(JSONWriter.write(e)))") }
                let code = e["error"]?["code"]?.intValue ?? 0
                report.codes[code, default: 0] += 1
                report.codesPerClass[cls, default: [:]][code, default: 0] += 1
            }
        }
        func drain(_ what: String, _ cls: String, inputID: Int? = nil) {
            while let m = client.wait(timeout: 0, { _ in true }) {
                if m["method"] == "$/progress" { continue }
                let elements = m.arrayValue ?? [m]
                if let rid = m["id"]?.intValue, let cls = outstanding.removeValue(forKey: rid) {
                    answered.insert(rid)
                    record(m, cls, what)
                } else if let rid = m["id"]?.intValue, rid == inputID, m["error"] != nil, answered.insert(rid).inserted {
                    record(m, cls, what)  // a parse error answered with the id the daemon recovered from the input
                } else if !elements.isEmpty, elements.allSatisfy({ $0["id"] == .null && $0["error"] != nil }) {
                    record(m, cls, what)  // frame and envelope errors of the input just sent
                } else {
                    let again = m["id"]?.intValue.map { answered.contains($0) } ?? false
                    report.failures.append("\(what): \(again ? "second response" : "unexpected reply") \(Self.preview(JSONWriter.write(m)))")
                }
            }
        }
        for _ in 0..<count {
            let input = generator.next(id: id)
            let sentinel = id + 1
            id += 2
            report.inputs += 1
            report.perClass[input.fuzzClass, default: 0] += 1
            let t0 = DispatchTime.now().uptimeNanoseconds
            client.sendRaw(input.bytes)
            let what = "\(input.fuzzClass) \(input.method ?? "-") id \(sentinel - 1)"
            if input.isLong {
                client.notify("$/cancelRequest", ["id": .number(Double(sentinel - 1))])
                outstanding[sentinel - 1] = input.fuzzClass
            }
            client.sendRequest(sentinel, "fuzz/sentinel")
            guard let s = client.response(sentinel, timeout: timeout) else {
                report.failures.append("\(what): no reply to the sentinel within \(timeout) s (hang or crash); input: \(Self.preview(input.bytes))")
                return report
            }
            if s["error"]?["code"]?.intValue != -32601 { report.failures.append("\(what): sentinel answered \(s)") }
            if !input.isLong {
                switch input.expectation {
                case .response(let rid):
                    if let r = client.wait(timeout: timeout, { Self.carries($0, id: rid) }) { answered.insert(rid); record(r, input.fuzzClass, what) } else {
                        report.failures.append("\(what): no response; input: \(Self.preview(input.bytes))")
                    }
                case .responseOrNullID(let rid):
                    if let r = client.wait(timeout: timeout, { Self.carries($0, id: rid) || $0["id"] == .null }) { answered.insert(rid); record(r, input.fuzzClass, what) } else {
                        report.failures.append("\(what): no response; input: \(Self.preview(input.bytes))")
                    }
                case .nullIDErrors:
                    break
                }
            }
            drain(what, input.fuzzClass, inputID: sentinel - 1)
            let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
            report.msPerClass[input.fuzzClass, default: 0] += ms
            if ms > report.slowestMs { report.slowestMs = ms; report.slowest = what }
        }
        // Every cancelled long request still gets its one response.
        let deadline = Date().addingTimeInterval(timeout)
        while !outstanding.isEmpty && Date() < deadline {
            if let m = client.wait(timeout: 0.05, { _ in true }) {
                client.inbox.append(m)  // put back for drain, which classifies it
                drain("final", "late")
            }
        }
        for (rid, cls) in outstanding.sorted(by: { $0.key < $1.key }) { report.failures.append("\(cls) id \(rid): no response after its cancel") }
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
