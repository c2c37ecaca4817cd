import Synchronization

/// A value in a progress report's method-specific payload.
public enum ProgressValue: Sendable, Equatable {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
}

/// One progress update of long work: step of total, plus a method-specific payload
/// (for search: generation, best objective, front size; for training: epoch, losses).
public struct ProgressReport: Sendable, Equatable {
    /// Steps done so far.
    public var step: Int
    /// Total steps, when known.
    public var total: Int?
    /// A short phrase for people, e.g. "training mlp".
    public var message: String?
    /// Method-specific values.
    public var values: [String: ProgressValue]

    /// Makes a report.
    public init(step: Int, total: Int?, message: String? = nil, values: [String: ProgressValue] = [:]) {
        self.step = step
        self.total = total
        self.message = message
        self.values = values
    }
}

/// The handle long-running domain work receives: a cancellation flag it polls, and a sink
/// for progress. Domain code never knows whether a client, a test or a benchmark holds the
/// other end.
public final class JobControl: Sendable {
    private let cancelled = Atomic<Bool>(false)
    private let onProgress: (@Sendable (ProgressReport) -> Void)?

    /// A control that reports progress to `onProgress` (or nowhere).
    public init(onProgress: (@Sendable (ProgressReport) -> Void)? = nil) {
        self.onProgress = onProgress
    }

    /// A control nobody cancels and nobody listens to.
    public static var none: JobControl { JobControl() }

    /// Asks the work to stop at its next check.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Whether cancellation was asked for.
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Sends a progress report to whoever listens.
    public func report(_ report: ProgressReport) {
        onProgress?(report)
    }
}
