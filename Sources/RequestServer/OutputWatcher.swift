import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Watches the protocol output for the client going away: when nobody reads it any more (the
/// pipe's read end is closed: `poll` reports POLLERR/POLLHUP, and writes fail with EPIPE), the
/// daemon treats it like end of input (jobs cancelled, exit 0) instead of running on unheard.
public enum OutputWatcher {
    /// Starts a thread that calls `onClosed` once when `fd`'s reader is gone. Regular files,
    /// terminals and /dev/null never report that, so the thread then simply waits forever.
    public static func start(fd: Int32, onClosed: @escaping @Sendable () -> Void) {
        let thread = Thread {
            var p = pollfd(fd: fd, events: 0, revents: 0)
            while true {
                let n = poll(&p, 1, -1)
                if n < 0 && errno == EINTR { continue }
                if n < 0 || (p.revents & Int16(POLLNVAL)) != 0 { return }
                if (p.revents & Int16(POLLERR | POLLHUP)) != 0 {
                    onClosed()
                    return
                }
            }
        }
        thread.name = "requestserver.output-watcher"
        thread.start()
    }
}
