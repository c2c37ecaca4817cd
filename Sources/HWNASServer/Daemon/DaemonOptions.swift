import JSONRPC
import Runtime

#if canImport(Glibc)
import Glibc
#endif

/// The `hwnasd` command line.
public struct DaemonOptions: Sendable {
    /// Message framing on stdin/stdout.
    public var framing: Framing = .contentLength
    /// Log verbosity on stderr.
    public var logLevel: LogLevel = .warn
    /// State directory (predictors, generators).
    public var stateDirectory: String = DaemonOptions.defaultStateDirectory()
    /// Fixtures directory, when given.
    public var fixturesDirectory: String?
    /// Largest incoming message.
    public var maxMessageBytes: Int = 64 << 20
    /// Most long jobs at once.
    public var maxJobs: Int = 8

    /// Defaults.
    public init() {}

    /// The usage text.
    public static let usage = """
    usage: hwnasd [options]
    A hardware-aware NAS daemon speaking JSON-RPC 2.0 on stdin/stdout (see protocol/PROTOCOL.md).
      --ndjson                  one JSON message per line instead of Content-Length frames
      --log-level LEVEL         error | warn | info | debug (default warn); logs go to stderr
      --state DIR               where trained predictors and generators are kept
                                (default $XDG_DATA_HOME/hwnasd or ~/.local/share/hwnasd)
      --fixtures DIR            the shipped data sets (default $HWNASD_FIXTURES or the checkout's fixtures/)
      --max-message-bytes N     largest accepted message (default 67108864)
      --max-jobs N              most long requests running or queued (default 8)
      --help, --version
    """

    /// What the command line asks for.
    public enum Parsed: Sendable {
        case run(DaemonOptions)
        case help
        case version
    }

    /// Parses arguments (without the program name); errors are messages for people.
    public static func parse(_ args: [String]) throws(DaemonOptionsError) -> Parsed {
        var o = DaemonOptions()
        var i = 0
        func value(_ flag: String) throws(DaemonOptionsError) -> String {
            i += 1
            guard i < args.count else { throw DaemonOptionsError("\(flag) needs a value") }
            return args[i]
        }
        func positive(_ flag: String) throws(DaemonOptionsError) -> Int {
            let v = try value(flag)
            guard let n = Int(v), n > 0 else { throw DaemonOptionsError("\(flag) needs a positive integer, got '\(v)'") }
            return n
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "--help", "-h": return .help
            case "--version": return .version
            case "--ndjson": o.framing = .ndjson
            case "--log-level":
                let v = try value(a)
                guard let l = LogLevel(name: v) else { throw DaemonOptionsError("--log-level must be error, warn, info or debug, got '\(v)'") }
                o.logLevel = l
            case "--state": o.stateDirectory = try value(a)
            case "--fixtures": o.fixturesDirectory = try value(a)
            case "--max-message-bytes": o.maxMessageBytes = try positive(a)
            case "--max-jobs": o.maxJobs = try positive(a)
            default: throw DaemonOptionsError("unknown option '\(a)'")
            }
            i += 1
        }
        return .run(o)
    }

    /// `$XDG_DATA_HOME/hwnasd`, else `~/.local/share/hwnasd`, else `./.hwnasd`.
    public static func defaultStateDirectory() -> String {
        if let x = getenv("XDG_DATA_HOME"), x.pointee != 0 { return String(cString: x) + "/hwnasd" }
        if let h = getenv("HOME"), h.pointee != 0 { return String(cString: h) + "/.local/share/hwnasd" }
        return ".hwnasd"
    }
}

/// A command-line error.
public struct DaemonOptionsError: Error, Sendable, CustomStringConvertible {
    /// The message.
    public var description: String
    init(_ d: String) { description = d }
}
