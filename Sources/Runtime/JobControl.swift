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
    private let parent: JobControl?
    private let label: String?

    /// A control that reports progress to `onProgress` (or nowhere).
    public init(onProgress: (@Sendable (ProgressReport) -> Void)? = nil) {
        self.onProgress = onProgress
        self.parent = nil
        self.label = nil
        self.isMuted = false
    }

    private let isMuted: Bool

    private init(parent: JobControl, label: String?, muted: Bool = false) {
        self.onProgress = nil
        self.parent = parent
        self.label = label
        self.isMuted = muted
    }

    /// A control nobody cancels and nobody listens to.
    public static var none: JobControl { JobControl() }

    /// A control for one named part of this job: its reports reach this control's listener
    /// with `message` set to `label`, and it is cancelled when this one is. Labels nest, outer
    /// first: "training latency predictor default-nb201-pixel3" around "(mlp)" reads
    /// "training latency predictor default-nb201-pixel3 (mlp)".
    public func labelled(_ label: String) -> JobControl {
        JobControl(parent: self, label: label)
    }

    /// A control for work inside a step this job reports itself: cancelled when this one is, its
    /// own reports dropped (an inner fit's counter would otherwise interleave with the outer one
    /// and make the job's progress go back and forth).
    public func muted() -> JobControl {
        JobControl(parent: self, label: nil, muted: true)
    }

    /// Asks the work to stop at its next check.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Whether cancellation was asked for (of this control or the one it was labelled from).
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) || (parent?.isCancelled ?? false) }

    /// Sends a progress report to whoever listens.
    public func report(_ report: ProgressReport) {
        deliver(report, labelled: false)
    }

    private func deliver(_ report: ProgressReport, labelled: Bool) {
        guard !isMuted else { return }
        var r = report
        if let label { r.message = labelled ? "\(label) \(r.message ?? "")" : label }
        if let parent {
            parent.deliver(r, labelled: labelled || label != nil)
        } else {
            onProgress?(r)
        }
    }
}
