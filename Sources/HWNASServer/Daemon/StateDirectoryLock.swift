import NASCore

#if canImport(Glibc)
import Glibc
#endif

/// The exclusive lock a daemon holds on its state directory: `flock` on `<state>/.lock`, held
/// (the descriptor kept open) until the process ends, whatever way it ends. The file holds the
/// owner's pid, for the message a second daemon prints.
enum StateDirectoryLock {
    /// What `acquire` found.
    enum Outcome {
        /// This process owns the directory.
        case owned
        /// Another process holds the lock (its pid, when the lock file names it).
        case busy(owner: Int32?)
    }

    /// The lock file's name in the state directory (hidden: no id can produce it).
    static let fileName = ".lock"

    /// Takes the lock without waiting.
    static func acquire(_ directory: String) throws(NASError) -> Outcome {
        let path = directory + "/" + fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw NASError(.storage, "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            let err = String(cString: strerror(errno))
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            guard busy else { throw NASError(.storage, "cannot lock \(path): \(err)") }
            let owner = n > 0 ? Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingWhitespace) : nil
            return .busy(owner: owner)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        // fd stays open: the lock lives as long as the process.
        return .owned
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(unicodeScalars.filter { !$0.properties.isWhitespace })
    }
}
