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
// - `kind: .quick` (default) runs on a concurrent queue; `.long` on a dedicated thread, limited
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

    /// Defaults: 8 jobs, 80 ms grace, 50 ms progress interval.
    public init(maxJobs: Int = 8, cancelGraceMs: Int = 80, progressIntervalMs: Int = 50) {
        self.maxJobs = maxJobs
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
        /// Decodes params into (dependencies, body).
        let prepare: @Sendable (JSONValue) throws(ResponseError) -> ([Dependency], @Sendable (RequestContext) throws -> JSONValue)
    }

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
    private let quickQueue = DispatchQueue(label: "requestserver.quick", attributes: .concurrent)

    /// A router answering through `sink`, with no method registered: the lifecycle gate
    /// (`initialize` first, `shutdown`, `exit`) is enforced here, but the `initialize` and
    /// `shutdown` handlers, like every other, are registered by the application.
    public init(sink: any MessageSink, options: ServerOptions = ServerOptions(), logger: Logger = Logger(level: .warn)) {
        self.sink = sink
        self.options = options
        self.logger = logger
        self.progress = ProgressReporter(sink: sink, intervalMs: options.progressIntervalMs)
    }

    /// Registers the handler of `R.method` (see the comment at the top of this file).
    public func register<R: RequestType>(
        _ request: R.Type,
        kind: RequestKind = .quick,
        returnsPartialResultOnCancel: Bool = false,
        dependencies: @escaping @Sendable (R) -> [Dependency] = { _ in [] },
        handler: @escaping @Sendable (R, RequestContext) throws -> R.Response
    ) {
        let reg = Registration(kind: kind, partialOnCancel: returnsPartialResultOnCancel) { (raw) throws(ResponseError) in
            let params: R
            do throws(JSONDecodingError) {
                params = try JSONValueDecoder(rootPath: "params").decode(R.self, from: raw)
            } catch {
                throw ResponseError.invalidParams(error)
            }
            let body: @Sendable (RequestContext) throws -> JSONValue = { context in
                try JSONValueEncoder().encode(try handler(params, context))
            }
            return (dependencies(params), body)
        }
        state.withLock { $0.registrations[R.method] = reg }
    }

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

    private func handleRequest(id: RequestID, method: String, params: JSONValue?, responder: Responder) {
        // Lifecycle gate and lookup, under the lock (arrival order).
        let gate: Result<(Registration, Int), ResponseError> = state.withLock { s in
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
                return .failure(ResponseError(code: .methodNotFound, message: "method not found: \(method)"))
            }
            if s.scheduler.job(id: id) != nil {
                return .failure(ResponseError(code: .invalidRequest, message: "id \(id) is already in use by a request in progress"))
            }
            if reg.kind == .long && s.scheduler.longCount >= options.maxJobs {
                return .failure(ResponseError(code: .tooManyJobs, message: "\(options.maxJobs) long jobs are already running or queued (--max-jobs); retry later"))
            }
            s.nextSeq += 1
            return .success((reg, s.nextSeq))
        }
        let reg: Registration, seq: Int
        switch gate {
        case .failure(let e):
            responder.send(OutgoingMessage.error(id: id, e))
            return
        case .success(let v): (reg, seq) = v
        }
        // Decode params (off the lock; -32602 naming the field on failure).
        let prepared: ([Dependency], @Sendable (RequestContext) throws -> JSONValue)
        do {
            prepared = try reg.prepare(params ?? .object([:]))
        } catch {
            responder.send(OutgoingMessage.error(id: id, error))
            return
        }
        let token = params?["progressToken"] ?? params?["workDoneToken"]
        let progressToken: JSONValue? = token.flatMap { RequestID(json: $0) }.map(\.json)
        let reporter = progress
        let control = JobControl(onProgress: progressToken.map { t in { @Sendable r in reporter.report(token: t, r) } })
        let job = Job(seq: seq, id: id, method: method, kind: reg.kind, dependencies: prepared.0, control: control,
                      progressToken: progressToken, responder: responder, partialOnCancel: reg.partialOnCancel, run: prepared.1)
        let ready = state.withLock { $0.scheduler.add(job) }
        start(ready)
    }

    // MARK: - Running

    private func start(_ jobs: [Job]) {
        for job in jobs {
            switch job.kind {
            case .quick:
                quickQueue.async { [self] in execute(job) }
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
        let context = RequestContext(id: job.id, method: job.method, job: job.control,
                                     progressToken: job.progressToken, logger: logger)
        if let t = job.progressToken { progress.begin(token: t, title: job.method) }
        var response: JSONValue
        if job.control.isCancelled {
            response = OutgoingMessage.error(id: job.id, .cancelled)
        } else {
            do {
                let result = try job.run(context)
                if job.control.isCancelled && !job.partialOnCancel {
                    response = OutgoingMessage.error(id: job.id, .cancelled)
                } else {
                    response = OutgoingMessage.response(id: job.id, result: result)
                }
            } catch {
                var e = ResponseError(handlerError: error)
                if job.control.isCancelled && e.code != .requestCancelled && !job.partialOnCancel { e = .cancelled }
                if e.code == .internalError { logger.error("\(job.method) \(job.id): \(error)") }
                response = OutgoingMessage.error(id: job.id, e)
            }
        }
        if let t = job.progressToken { progress.end(token: t) }
        state.withLock { $0.scheduler.markFinished(job) }
        job.respondOnce(response)
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
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(grace)) {
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
