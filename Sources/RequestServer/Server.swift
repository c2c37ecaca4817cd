// Handler registration API (the one thing domain code needs from this module):
//
//     server.register(EncodeRequest.self) { params, context in
//         try encode(params)                       // return EncodeRequest.Response
//     }
//     server.register(FinetuneRequest.self, kind: .long,
//                     dependencies: { [.write("predictor:\($0.predictor)")] }) { params, context in
//         try finetune(params, job: context.job)    // poll context.job.isCancelled, report progress
//     }
//
// - `R: RequestType` names the method (`R.method`), its params (`R` itself, Codable) and result
//   (`R.Response`). Params are decoded with field-path errors (-32602 `params.archs[3]: ...`).
// - `kind: .quick` (default) runs on the quick threads (`QuickExecutor`, never Dispatch's shared
//   pool, which long jobs' parallel parts fill); `.long` on a dedicated thread, limited
//   by `--max-jobs` (past it: tooManyJobs -32041).
// - `dependencies` declares resources read/written; a request waits for earlier ones that
//   conflict with it (read/write or write/write on the same resource), all else runs at once.
// - The handler is synchronous and may throw a `ResponseErrorConvertible` (an application's domain error), a `ResponseError`,
//   or anything else (-32603). `context.job` is a Runtime `JobControl`: cancellation flag and
//   progress sink (sent as `$/progress` when the client gave a `progressToken`).
// - `$/cancelRequest` cancels the job; the client gets -32800 when the handler ends or after a
//   grace of `cancelGraceMs` at the latest. With `returnsPartialResultOnCancel: true` a result
//   returned within the grace is sent instead (the method documents `partial: true`).
// - Error mapping: a handler's error becomes its `ResponseError` (see ResponseErrorConversion).
// This module knows no application: hwnasd registers its methods, `initialize` included, in
// HWNASServer (`HWNASDaemon.makeServer`).
import Dispatch
import Foundation
import JSONRPC
import Runtime
import Synchronization

/// Settings of the request router.
public struct ServerOptions: Sendable {
    /// Most long jobs queued or running at once.
    public var maxJobs: Int
    /// Longest wait, after a cancel, for the handler to end before -32800 is sent anyway.
    public var cancelGraceMs: Int
    /// Least interval between two progress reports of one token.
    public var progressIntervalMs: Int
    /// Most quick requests running at once (the quick threads); later ones wait their turn in
    /// arrival order (each holds its answer in memory while it runs, so this bounds memory with
    /// the output queue).
    public var maxQuickWorkers: Int
    /// A request whose message is at least this long is big, whatever its method: its envelope
    /// is read on the message loop, its params parsed and decoded on its own thread, and it runs
    /// as a long job (counted against `maxJobs`).
    public var bigRequestBytes: Int = 256 << 10
    /// Memory all big requests may hold at once (estimated as `memoryPerMessageByte` times
    /// their message size); past it they wait their turn.
    public var bigRequestMemory: Int = 1 << 30
    /// Estimated bytes of memory a big request holds per byte of its message (parse tree,
    /// decoded params, answer).
    public var memoryPerMessageByte: Int = 48
    /// Whether a big request whose params are `JSONTextDecodable` decodes them from their text
    /// first (falling back to the parse tree for any text that path does not read). False: the
    /// parse tree always, which tests compare against.
    public var decodesParamsFromText = true

    /// Defaults: 8 jobs, 80 ms grace, 50 ms progress interval, 2 quick workers per core (4 at least).
    public init(maxJobs: Int = 8, cancelGraceMs: Int = 80, progressIntervalMs: Int = 50,
                maxQuickWorkers: Int = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)) {
        self.maxJobs = maxJobs
        self.maxQuickWorkers = max(1, maxQuickWorkers)
        self.cancelGraceMs = cancelGraceMs
        self.progressIntervalMs = progressIntervalMs
    }
}

/// The JSON-RPC router: method name → registered handler, with the LSP lifecycle, batches,
/// cancellation, the dependency rule and progress. Feed it transport events with `receive`
/// (in stream order, from one thread); it answers through its sink.
///
/// Routing is synchronous on the reader thread under one lock (strict arrival order, which the
/// dependency rule and `$/cancelRequest` need); handler bodies never run there.
public final class Server: Sendable {
    private struct Registration: Sendable {
        let kind: RequestKind
        let partialOnCancel: Bool
        /// Decodes params into (dependencies, progress title, body).
        let prepare: @Sendable (JSONValue) throws(ResponseError) -> Prepared
        /// For params that are `JSONTextDecodable`: the same from the params' text (a big
        /// request's), or nil when that text is left to `prepare`'s parse tree.
        let prepareText: (@Sendable ([UInt8], Range<Int>) -> Prepared?)?
    }

    /// Decoded params: (dependencies, progress title, body).
    private typealias Prepared = ([Dependency], String, @Sendable (RequestContext) throws -> HandlerResult)

    private enum Phase { case uninitialized, running, shutDown, exited }

    private struct State {
        var registrations: [String: Registration] = [:]
        var phase: Phase = .uninitialized
        var scheduler = RequestScheduler()
        var nextSeq = 0
        var exitCode: Int32?
    }

    /// Where messages go.
    public let sink: any MessageSink
    /// Router settings.
    public let options: ServerOptions
    /// Where the router logs (handlers get it in their context).
    public let logger: Logger
    /// Progress notifications.
    public let progress: ProgressReporter
    private let state = Mutex(State())
    private let exitSignal = DispatchSemaphore(value: 0)
    private let bigRequestBudget: MemoryBudget
    private let quick: QuickExecutor
    /// Where cancel-grace timers fire: a serial queue of its own gets a thread even while long
    /// jobs' parallel work fills Dispatch's shared pool.
    private let timers = DispatchQueue(label: "requestserver.timers")

    /// A router answering through `sink`, with no method registered: the lifecycle gate
    /// (`initialize` first, `shutdown`, `exit`) is enforced here, but the `initialize` and
    /// `shutdown` handlers, like every other, are registered by the application.
    public init(sink: any MessageSink, options: ServerOptions = ServerOptions(), logger: Logger = Logger(level: .warn)) {
        self.sink = sink
        self.options = options
        self.logger = logger
        self.progress = ProgressReporter(sink: sink, intervalMs: options.progressIntervalMs)
        self.bigRequestBudget = MemoryBudget(limit: options.bigRequestMemory)
        self.quick = QuickExecutor(width: options.maxQuickWorkers)
    }

    /// Registers the handler of `R.method` (see the comment at the top of this file).
    public func register<R: RequestType>(
        _ request: R.Type,
        kind: RequestKind = .quick,
        returnsPartialResultOnCancel: Bool = false,
        dependencies: @escaping @Sendable (R) -> [Dependency] = { _ in [] },
        handler: @escaping @Sendable (R, RequestContext) throws -> R.Response
    ) {
        register(request, kind: kind, returnsPartialResultOnCancel: returnsPartialResultOnCancel, dependencies: dependencies,
                 run: { params, context in .value(try JSONValueEncoder().encode(try handler(params, context))) })
    }

    /// Registers a handler of `R.method` that answers with its result already encoded
    /// (`Encoded`): an answer kept for repeats goes out as the bytes it was kept as.
    public func registerEncoded<R: RequestType>(
        _ request: R.Type,
        kind: RequestKind = .quick,
        returnsPartialResultOnCancel: Bool = false,
        dependencies: @escaping @Sendable (R) -> [Dependency] = { _ in [] },
        handler: @escaping @Sendable (R, RequestContext) throws -> Encoded<R.Response>
    ) {
        register(request, kind: kind, returnsPartialResultOnCancel: returnsPartialResultOnCancel, dependencies: dependencies,
                 run: { params, context in .encoded(try handler(params, context).json) })
    }

    private func register<R: RequestType>(
        _ request: R.Type, kind: RequestKind, returnsPartialResultOnCancel: Bool,
        dependencies: @escaping @Sendable (R) -> [Dependency],
        run: @escaping @Sendable (R, RequestContext) throws -> HandlerResult
    ) {
        let prepared: @Sendable (R) -> Prepared = { params in
            let body: @Sendable (RequestContext) throws -> HandlerResult = { context in try run(params, context) }
            return (dependencies(params), (params as? any ProgressTitled)?.progressTitle ?? R.method, body)
        }
        let prepare: @Sendable (JSONValue) throws(ResponseError) -> Prepared = { (raw) throws(ResponseError) in
            let params: R
            do throws(JSONDecodingError) {
                let decoded = try JSONValueDecoder(rootPath: "params").decodeNotingUnknownKeys(R.self, from: raw)
                params = decoded.value
                let unknown = decoded.unknown.filter { !Self.envelopeParams.contains($0) }
                if !R.acceptsUnknownParams, let first = unknown.first {
                    let known = decoded.known.filter { !Self.envelopeParams.contains($0) }
                    throw JSONDecodingError(path: "params." + first, reason: "unknown parameter\(unknown.count > 1 ? " (also: " + unknown.dropFirst().joined(separator: ", ") + ")" : ""); \(R.method) takes \(known.joined(separator: ", "))\(known.isEmpty ? "no parameters" : "")")
                }
            } catch {
                throw ResponseError.invalidParams(error)
            }
            return prepared(params)
        }
        var prepareText: (@Sendable ([UInt8], Range<Int>) -> Prepared?)?
        if R.self is any JSONTextDecodable.Type {
            // The cast is made in the closure: an existential metatype is not Sendable.
            prepareText = { bytes, range in
                guard let t = R.self as? any JSONTextDecodable.Type,
                      let params = t.decode(jsonText: bytes, in: range) as? R else { return nil }
                return prepared(params)
            }
        }
        let reg = Registration(kind: kind, partialOnCancel: returnsPartialResultOnCancel, prepare: prepare, prepareText: prepareText)
        state.withLock { $0.registrations[R.method] = reg }
    }

    /// Params members the server itself reads, whatever the method (never unknown).
    static let envelopeParams: Set<String> = ["progressToken", "workDoneToken", "partialResultToken"]

    /// The registered method names, sorted, plus the notifications the server accepts.
    public var methods: [String] {
        state.withLock { Array($0.registrations.keys) }.sorted() + ["$/cancelRequest", "exit"]
    }

    /// Blocks until `exit` (0 after `shutdown`, else 1) or end of input (0); returns the code.
    public func waitForExit() -> Int32 {
        exitSignal.wait()
        return state.withLock { $0.exitCode ?? 0 }
    }

    /// The exit code once decided, without waiting.
    public var exitCode: Int32? { state.withLock { $0.exitCode } }

    // MARK: - Receiving

    /// Handles one transport event. Call from one thread, in stream order.
    public func receive(_ event: TransportEvent) {
        switch event {
        case .frame(.message(let body)):
            receive(body: body)
        case .frame(.malformed(let why)):
            logger.warn("malformed frame: \(why)")
            sink.send(OutgoingMessage.error(id: nil, ResponseError(code: .parseError, message: "malformed frame: \(why)")))
        case .frame(.tooLarge(let size)):
            logger.warn("message of \(size) bytes skipped")
            sink.send(OutgoingMessage.error(id: nil, ResponseError(
                code: .messageTooLarge,
                message: "message of \(size) bytes exceeds the limit of \(maxMessageBytesHint) (--max-message-bytes); skipped")))
        case .endOfInput:
            endOfInput()
        }
    }

    private var maxMessageBytesHint: String {
        if let t = sink as? MessageTransport { return "\(t.maxMessageBytes) bytes" }
        return "the configured size"
    }

    /// Handles one message body (a JSON text: a message or a batch).
    public func receive(body: [UInt8]) {
        if body.count >= options.bigRequestBytes, receiveBig(body) { return }
        receiveWhole(body)
    }

    private func receiveWhole(_ body: [UInt8]) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            // Answer with the id when a lenient scan finds one no request in progress holds, so
            // the client's request fails instead of waiting forever.
            let id = RequestID.recovered(fromMalformed: body).flatMap { id in
                state.withLock { $0.scheduler.job(id: id) == nil } ? id : nil
            }
            sink.send(OutgoingMessage.error(id: id, ResponseError(code: .parseError, message: "parse error: \(error)")))
            return
        }
        switch json {
        case .array(let items):
            guard !items.isEmpty else {
                sink.send(OutgoingMessage.error(id: nil, ResponseError(code: .invalidRequest, message: "empty batch")))
                return
            }
            let messages = items.map(IncomingMessage.init(json:))
            let answered = messages.reduce(0) { n, m in
                switch m {
                case .request, .invalid: return n + 1
                default: return n
                }
            }
            let responder: Responder = .batch(BatchCollector(sink: sink, expected: answered))
            for m in messages { route(m, responder: responder) }
        default:
            route(IncomingMessage(json: json), responder: .direct(sink))
        }
    }

    private func route(_ message: IncomingMessage, responder: Responder) {
        switch message {
        case .invalid(let id, let error):
            responder.send(OutgoingMessage.error(id: id, error))
        case .response:
            logger.debug("ignoring a response (the server sends no requests)")
        case .notification(let method, let params):
            handleNotification(method, params)
        case .request(let id, let method, let params):
            handleRequest(id: id, method: method, params: params, responder: responder)
        }
    }

    private func handleNotification(_ method: String, _ params: JSONValue?) {
        switch method {
        case "exit":
            let code: Int32 = state.withLock { $0.phase == .shutDown ? 0 : 1 }
            finish(code: code)
        case "$/cancelRequest":
            guard let raw = params?["id"], let id = RequestID(json: raw) else {
                logger.warn("$/cancelRequest without a valid id")
                return
            }
            cancel(id)
        default:
            logger.debug("ignoring notification \(method)")
        }
    }

    /// The lifecycle gate, the registration lookup and the job limits, under the lock (arrival
    /// order): the registration and a sequence number, or the error to answer.
    private func admit(id: RequestID, method: String, big: Bool) -> Result<(Registration, Int), ResponseError> {
        state.withLock { s in
            switch (s.phase, method) {
            case (.uninitialized, "initialize"): s.phase = .running
            case (.uninitialized, _):
                return .failure(ResponseError(code: .serverNotInitialized, message: "the server is not initialized; send initialize first"))
            case (.running, "initialize"):
                return .failure(ResponseError(code: .invalidRequest, message: "initialize was already received"))
            case (.running, "shutdown"): s.phase = .shutDown
            case (.running, _): break
            case (.shutDown, _), (.exited, _):
                return .failure(ResponseError(code: .invalidRequest, message: "the server is shutting down; only exit is accepted"))
            }
            guard let reg = s.registrations[method] else {
                let notification = ["$/cancelRequest", "exit"].contains(method)
                    ? "; \(method) is a notification: send it without an id (it gets no response)" : ""
                return .failure(ResponseError(code: .methodNotFound, message: "method not found: \(method)\(notification)"))
            }
            if s.scheduler.job(id: id) != nil {
                return .failure(ResponseError(code: .invalidRequest, message: "id \(id) is already in use by a request in progress"))
            }
            if (reg.kind == .long || big) && s.scheduler.longCount >= options.maxJobs {
                let what = big && reg.kind != .long ? "this request is big (\(options.bigRequestBytes) bytes or more), so it runs as a long job, and " : ""
                return .failure(ResponseError(code: .tooManyJobs, message: "\(what)\(options.maxJobs) long jobs are already running or queued (--max-jobs); retry later"))
            }
            s.nextSeq += 1
            return .success((reg, s.nextSeq))
        }
    }

    private func handleRequest(id: RequestID, method: String, params: JSONValue?, responder: Responder) {
        let reg: Registration, seq: Int
        switch admit(id: id, method: method, big: false) {
        case .failure(let e):
            responder.send(OutgoingMessage.error(id: id, e))
            return
        case .success(let v): (reg, seq) = v
        }
        // Decode params (off the lock; -32602 naming the field on failure).
        let prepared: Prepared
        do {
            prepared = try reg.prepare(params ?? .object([:]))
        } catch {
            responder.send(OutgoingMessage.error(id: id, error))
            return
        }
        let token = params?["progressToken"] ?? params?["workDoneToken"]
        let progressToken: JSONValue? = token.flatMap { RequestID(json: $0) }.map(\.json)
        let job = Job(seq: seq, id: id, method: method, kind: reg.kind, dependencies: prepared.0, control: makeControl(progressToken),
                      progressToken: progressToken, progressTitle: prepared.1, responder: responder,
                      partialOnCancel: reg.partialOnCancel, run: prepared.2)
        let ready = state.withLock { $0.scheduler.add(job) }
        start(ready)
    }

    /// A job's control. Every progress point is also a pause point: a job waits there while the
    /// client leaves the output queue full (backpressure), whether or not it reports to the client.
    private func makeControl(_ progressToken: JSONValue?) -> JobControl {
        let reporter = progress
        let sink = sink
        return JobControl { @Sendable r in
            sink.waitUntilWritable()
            if let t = progressToken { reporter.report(token: t, r) }
        }
    }

    // MARK: - Big requests

    /// A big message (`bigRequestBytes` or more): only its envelope is read here, by a scan that
    /// builds no values; a request then becomes a long job that parses and decodes its params on
    /// its own thread, within the big-request memory budget. Batches and notifications are
    /// parsed whole off the loop. False when the text is not a JSON object or array (the caller
    /// then parses it here, to report the error as usual).
    private func receiveBig(_ body: [UInt8]) -> Bool {
        // The params' own members come in the same pass (for a progress token).
        guard let (members, paramsMembers) = EnvelopeScanner.members(of: body, withMembersOf: "params") else {
            guard body.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) == UInt8(ascii: "[") else { return false }
            DispatchQueue.global().async { [self] in receiveWhole(body) }
            return true
        }
        var envelope: [String: JSONValue] = [:]
        var paramsRange: Range<Int>?
        for m in members {
            if m.key == "params" {
                paramsRange = m.value
                switch body[m.value.lowerBound] {
                case UInt8(ascii: "{"): envelope["params"] = .object([:])
                case UInt8(ascii: "["): envelope["params"] = .array([])
                default: return false
                }
            } else {
                guard let v = Self.parse(body, m.value) else { return false }
                envelope[m.key] = v
            }
        }
        switch IncomingMessage(json: .object(envelope)) {
        case .request(let id, let method, _):
            handleBigRequest(id: id, method: method, body: body, params: paramsRange, paramsMembers: paramsMembers)
        case .invalid(let id, let error):
            sink.send(OutgoingMessage.error(id: id, error))
        case .notification, .response:
            DispatchQueue.global().async { [self] in receiveWhole(body) }
        }
        return true
    }

    private static func parse(_ body: [UInt8], _ range: Range<Int>) -> JSONValue? {
        body.withUnsafeBytes { raw in try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: raw[range])) }
    }

    private func handleBigRequest(id: RequestID, method: String, body: [UInt8], params: Range<Int>?,
                                  paramsMembers: [EnvelopeScanner.Member]?) {
        let reg: Registration, seq: Int
        switch admit(id: id, method: method, big: true) {
        case .failure(let e):
            sink.send(OutgoingMessage.error(id: id, e))
            return
        case .success(let v): (reg, seq) = v
        }
        // The progress token, from the params' own members.
        var progressToken: JSONValue?
        if let inner = paramsMembers,
           let t = inner.last(where: { $0.key == "progressToken" }) ?? inner.last(where: { $0.key == "workDoneToken" }) {
            progressToken = Self.parse(body, t.value).flatMap { RequestID(json: $0) }.map(\.json)
        }
        let budget = bigRequestBudget
        let estimate = body.count * options.memoryPerMessageByte
        let decodesFromText = options.decodesParamsFromText
        let run: @Sendable (RequestContext) throws -> HandlerResult = { context in
            try budget.reserve(estimate, control: context.job)
            defer { budget.release(estimate) }
            context.job.report(ProgressReport(step: 0, total: nil, message: "decoding \(body.count) bytes of params"))
            // Parse and decode in a scope of their own: the parse tree is freed before the handler runs.
            let prepared: Prepared = try {
                // Params that read from their text need no parse tree (and fall back to it).
                if let params, decodesFromText, let fast = reg.prepareText?(body, params) { return fast }
                var json: JSONValue = .object([:])
                if let params {
                    do {
                        json = try body.withUnsafeBytes { raw throws(JSONParseError) in
                            try JSONParser.parse(UnsafeRawBufferPointer(rebasing: raw[params]))
                        }
                    } catch {
                        throw ResponseError(code: .parseError, message: "parse error in params: \(error)")
                    }
                }
                return try reg.prepare(json)
            }()
            if context.job.isCancelled { throw ResponseError.cancelled }
            return try prepared.2(context)
        }
        // Its resources are known only once decoded: it waits for every earlier writer, and every
        // later writer waits for it.
        let job = Job(seq: seq, id: id, method: method, kind: .long, dependencies: [.read(Dependency.everything)],
                      control: makeControl(progressToken), progressToken: progressToken, progressTitle: method,
                      responder: .direct(sink), partialOnCancel: reg.partialOnCancel, run: run)
        let ready = state.withLock { $0.scheduler.add(job) }
        start(ready)
    }

    // MARK: - Running

    private func start(_ jobs: [Job]) {
        for job in jobs {
            switch job.kind {
            case .quick:
                quick.submit { [self] in execute(job) }
            case .long:
                let t = Thread { [self] in
                    ThreadPriority.lowerForBackgroundWork()
                    execute(job)
                }
                t.name = "requestserver.job.\(job.method)"
                t.stackSize = 16 << 20
                t.start()
            }
        }
    }

    private func execute(_ job: Job) {
        // Backpressure: nothing starts (and builds an answer in memory) while the output is full.
        if !job.control.isCancelled { sink.waitUntilWritable() }
        let context = RequestContext(id: job.id, method: job.method, job: job.control,
                                     progressToken: job.progressToken, logger: logger)
        if let t = job.progressToken { progress.begin(token: t, title: job.progressTitle) }
        let reply: Job.Reply
        if job.control.isCancelled {
            reply = .message(OutgoingMessage.error(id: job.id, .cancelled))
        } else {
            do {
                let result = try job.run(context)
                if job.control.isCancelled && !job.partialOnCancel {
                    reply = .message(OutgoingMessage.error(id: job.id, .cancelled))
                } else {
                    switch result {
                    case .value(let v): reply = .message(OutgoingMessage.response(id: job.id, result: v))
                    case .encoded(let e): reply = .encodedResult(e)
                    }
                }
            } catch {
                var e = ResponseError(handlerError: error)
                if job.control.isCancelled && e.code != .requestCancelled && !job.partialOnCancel { e = .cancelled }
                if e.code == .internalError { logger.error("\(job.method) \(job.id): \(error)") }
                reply = .message(OutgoingMessage.error(id: job.id, e))
            }
        }
        if let t = job.progressToken { progress.end(token: t) }
        state.withLock { $0.scheduler.markFinished(job) }
        job.respondOnce(reply)
        let ready = state.withLock { $0.scheduler.remove(job) }
        start(ready)
    }

    /// Cancels the request `id`: a queued one is dropped and answered -32800 at once; a running
    /// one has its `JobControl` cancelled and is answered -32800 within the grace period.
    public func cancel(_ id: RequestID) {
        let found: (Job, Bool, [Job])? = state.withLock { s in
            guard let job = s.scheduler.job(id: id) else { return nil }
            if s.scheduler.isRunning(job) { return (job, true, []) }
            return (job, false, s.scheduler.remove(job))
        }
        guard let (job, running, ready) = found else {
            logger.debug("cancel: no request \(id) in progress")
            return
        }
        job.control.cancel()
        if running {
            let grace = options.cancelGraceMs
            timers.asyncAfter(deadline: .now() + .milliseconds(grace)) {
                if job.respondOnce(OutgoingMessage.error(id: job.id, .cancelled)) {
                    self.logger.info("\(job.method) \(job.id) did not stop within \(grace) ms of its cancel; answered -32800")
                }
            }
        } else {
            job.respondOnce(OutgoingMessage.error(id: job.id, .cancelled))
            start(ready)
        }
    }

    /// Cancels every request in progress.
    public func cancelAll() {
        let ids = state.withLock { $0.scheduler.jobs.map(\.id) }
        for id in ids { cancel(id) }
    }

    // MARK: - Ending

    private func endOfInput() {
        logger.info("end of input: cancelling long jobs and exiting")
        finish(code: 0)
    }

    /// Cancels what is left, waits (bounded) until every request received has its response,
    /// then releases `waitForExit`.
    private func finish(code: Int32) {
        let first: Bool = state.withLock { s in
            guard s.exitCode == nil else { return false }
            s.exitCode = code
            s.phase = .exited
            return true
        }
        guard first else { return }
        // Long jobs are cancelled; quick work gets a moment to finish on its own; then everything
        // left is cancelled, which answers it within the cancel grace.
        let long = state.withLock { $0.scheduler.jobs.filter { $0.kind == .long }.map(\.id) }
        for id in long { cancel(id) }
        waitUntilAnswered(timeoutMs: 1000)
        cancelAll()
        waitUntilAnswered(timeoutMs: options.cancelGraceMs + 500)
        exitSignal.signal()
    }

    private func waitUntilAnswered(timeoutMs: Int) {
        let deadline = DispatchTime.now() + .milliseconds(timeoutMs)
        while DispatchTime.now() < deadline {
            if !state.withLock({ $0.scheduler.jobs.contains { !$0.isDelivered } }) { return }
            usleep(1000)
        }
    }
}
