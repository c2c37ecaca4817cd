import Synchronization

/// Threads shared by networks that train side by side: each running network takes an equal share
/// of `total`, and one that ends hands its share to those still training. The GEMM and Adam splits
/// never change a result, so the weights are those of any fixed thread count; only the wall time
/// changes (the side-by-side candidates of `auto` rarely stop in the same epoch).
public final class ThreadShare: Sendable {
    /// Threads of all networks together.
    public let total: Int
    private let running: Atomic<Int>

    /// `total` threads over `jobs` networks that start now.
    public init(total: Int, jobs: Int) {
        self.total = max(1, total)
        running = Atomic(max(1, jobs))
    }

    /// Threads one running network may use now: `total / running`, at least 1.
    public var threadsEach: Int { max(1, total / max(1, running.load(ordering: .relaxed))) }

    /// A network has ended (call once per job, whether it succeeded or not).
    public func finished() {
        running.subtract(1, ordering: .relaxed)
    }
}
