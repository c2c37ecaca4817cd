import JSONRPC
import Runtime
import Synchronization

/// One request in flight: what to run, where to answer, and the once-only response guard.
final class Job: Sendable {
    let seq: Int
    let id: RequestID
    let method: String
    let kind: RequestKind
    let dependencies: [Dependency]
    let control: JobControl
    let progressToken: JSONValue?
    /// The `title` of the `$/progress` begin notification.
    let progressTitle: String
    let responder: Responder
    let partialOnCancel: Bool
    let run: @Sendable (RequestContext) throws -> HandlerResult
    private let responded = Atomic<Bool>(false)
    private let delivered = Atomic<Bool>(false)

    init(seq: Int, id: RequestID, method: String, kind: RequestKind, dependencies: [Dependency],
         control: JobControl, progressToken: JSONValue?, progressTitle: String, responder: Responder, partialOnCancel: Bool,
         run: @escaping @Sendable (RequestContext) throws -> HandlerResult) {
        self.seq = seq
        self.id = id
        self.method = method
        self.kind = kind
        self.dependencies = dependencies
        self.control = control
        self.progressToken = progressToken
        self.progressTitle = progressTitle
        self.responder = responder
        self.partialOnCancel = partialOnCancel
        self.run = run
    }

    /// Whether the response went out.
    var hasResponded: Bool { responded.load(ordering: .acquiring) }

    /// Whether the response was written out (not just claimed).
    var isDelivered: Bool { delivered.load(ordering: .acquiring) }

    /// Sends `response` unless one was sent already; true when this call sent it.
    @discardableResult
    func respondOnce(_ response: JSONValue) -> Bool {
        respondOnce(.message(response))
    }

    /// Sends `reply` unless a response was sent already; true when this call sent it.
    @discardableResult
    func respondOnce(_ reply: Reply) -> Bool {
        guard responded.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return false
        }
        switch reply {
        case .message(let response): responder.send(response)
        case .encodedResult(let result): responder.send(id: id, encodedResult: result)
        }
        delivered.store(true, ordering: .releasing)
        return true
    }

    /// What answers a job: a whole response message, or its result already encoded.
    enum Reply {
        case message(JSONValue)
        case encodedResult(EncodedJSON)
    }
}

/// What a handler's run gave: a result value, or a result already encoded (an answer kept for repeats).
enum HandlerResult: Sendable {
    case value(JSONValue)
    case encoded(EncodedJSON)
}

/// In-flight requests in arrival order and the dependency rule between them.
struct RequestScheduler {
    private(set) var jobs: [Job] = []
    private var running: Set<Int> = []
    /// Jobs whose handler has returned (being answered, about to be removed).
    private var finished: Set<Int> = []

    /// Number of long jobs queued or running (a job whose handler has returned no longer counts).
    var longCount: Int { jobs.reduce(0) { $0 + ($1.kind == .long && !finished.contains($1.seq) ? 1 : 0) } }

    /// Marks `job`'s handler as returned: it stops counting against `--max-jobs` before its
    /// response is sent, so a client answered at once may start its next long request.
    mutating func markFinished(_ job: Job) { finished.insert(job.seq) }

    /// The unanswered job with `id`, if any.
    func job(id: RequestID) -> Job? { jobs.first { $0.id == id && !$0.hasResponded } }

    /// Whether `job` is running.
    func isRunning(_ job: Job) -> Bool { running.contains(job.seq) }

    /// Adds a job; returns the jobs that may start now (it, or none).
    mutating func add(_ job: Job) -> [Job] {
        jobs.append(job)
        return startable()
    }

    /// Removes a finished (or cancelled while queued) job; returns jobs that may start now.
    mutating func remove(_ job: Job) -> [Job] {
        jobs.removeAll { $0.seq == job.seq }
        running.remove(job.seq)
        finished.remove(job.seq)
        return startable()
    }

    /// Every queued job with no conflicting earlier unfinished job, marked running.
    private mutating func startable() -> [Job] {
        var out: [Job] = []
        for (i, j) in jobs.enumerated() where !running.contains(j.seq) {
            let blocked = !j.dependencies.isEmpty && jobs[..<i].contains { earlier in
                j.dependencies.contains { d in earlier.dependencies.contains { d.conflicts(with: $0) } }
            }
            if !blocked {
                running.insert(j.seq)
                out.append(j)
            }
        }
        return out
    }
}
