import Foundation
import JSONRPC

/// The real `hwnasd` binary run as a subprocess on a fresh state directory, with a client end
/// on its stdin/stdout (end-to-end tests, `hwnas-bench fuzz`, `load` and `stdio`).
public final class DaemonProcess: ClientConnection, @unchecked Sendable {
    /// The subprocess.
    public let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    /// Its `--state` directory, removed when this object goes away.
    public let stateDirectory: String

    /// The built binary: $HWNASD, else next to the running test bundle or benchmark, else
    /// <package>/.build/debug/hwnasd.
    public static var binaryPath: String {
        if let p = ProcessInfo.processInfo.environment["HWNASD"] { return p }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("hwnasd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return RepositoryFiles.path(".build/debug/hwnasd")
    }

    /// Starts `hwnasd` with `arguments` (plus `--ndjson` for NDJSON framing and a fresh `--state`).
    public init(framing: Framing, arguments: [String] = []) throws {
        stateDirectory = NSTemporaryDirectory() + "hwnasd-e2e-\(UUID().uuidString)"
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = (framing == .ndjson ? ["--ndjson"] : []) + ["--state", stateDirectory] + arguments
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        super.init(serverInput: stdinPipe.fileHandleForWriting.fileDescriptor,
                   serverOutput: stdoutPipe.fileHandleForReading.fileDescriptor, framing: framing)
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    /// Closes stdin (end of input).
    public override func closeInput() { try? stdinPipe.fileHandleForWriting.close() }

    /// Waits for the process to end; its exit code, or nil on timeout.
    public func waitForExit(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// The daemon's peak resident set (VmHWM) in MiB, from /proc.
    public var peakRSSMiB: Double? {
        guard let s = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb / 1024
    }
}

/// The error code of a response, if it is an error.
public func errorCode(_ r: JSONValue?) -> Int? { r?["error"]?["code"]?.intValue }
