#if canImport(Glibc)
import Glibc
#endif

/// CPU priority of the calling thread. Long jobs (search, training) run at a lower priority than
/// the reader and the quick-request queue, so `predict` and `encode` stay responsive while every
/// core is busy with searches (Linux applies nice values per thread).
enum ThreadPriority {
    /// The nice increment of long-job threads.
    static let longJobNice: Int32 = 10

    /// Lowers the calling thread's priority for background work; best effort (ignored on failure
    /// and on systems without per-thread nice values).
    static func lowerForBackgroundWork() {
        #if os(Linux)
        // On Linux the nice value is per thread, and `who == 0` names the calling thread.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, longJobNice)
        #endif
    }
}
