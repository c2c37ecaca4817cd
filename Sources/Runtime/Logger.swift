#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Log verbosity, from quietest.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case error, warn, info, debug

    /// Parses `error|warn|info|debug`.
    public init?(name: String) {
        guard let l = LogLevel.allCases.first(where: { "\($0)" == name }) else { return nil }
        self = l
    }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Writes log lines to stderr (never stdout, which carries only protocol messages), each
/// prefixed with `label [level]`.
public struct Logger: Sendable {
    /// Lines above this level are dropped.
    public let level: LogLevel
    /// The prefix of every line: the program's name unless told otherwise.
    public let label: String

    /// A logger at `level`, prefixing lines with `label` (default: the program's file name).
    public init(level: LogLevel, label: String = Logger.programName) {
        self.level = level
        self.label = label
    }

    /// The running program's file name (`hwnasd` for the daemon).
    public static var programName: String {
        String(CommandLine.arguments.first?.split(separator: "/").last ?? "server")
    }

    /// Logs `message` at `lineLevel` (the message is built only when it is written).
    public func log(_ lineLevel: LogLevel, _ message: @autoclosure () -> String) {
        guard lineLevel <= level else { return }
        let line = Array("\(label) [\(lineLevel)] \(message())\n".utf8)
        line.withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress!, $0.count) }
    }

    /// Logs at `.error`.
    public func error(_ m: @autoclosure () -> String) { log(.error, m()) }
    /// Logs at `.warn`.
    public func warn(_ m: @autoclosure () -> String) { log(.warn, m()) }
    /// Logs at `.info`.
    public func info(_ m: @autoclosure () -> String) { log(.info, m()) }
    /// Logs at `.debug`.
    public func debug(_ m: @autoclosure () -> String) { log(.debug, m()) }
}
