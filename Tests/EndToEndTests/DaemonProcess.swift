import Foundation
import JSONRPC
import XCTest

/// The real `hwnasd` binary run as a subprocess, with a client end on its stdin/stdout.
final class DaemonProcess: ClientConnection, @unchecked Sendable {
    let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    let stateDirectory: String

    /// The built binary: $HWNASD, else next to the test bundle, else <package>/.build/debug/hwnasd.
    static var binaryPath: String {
        if let p = ProcessInfo.processInfo.environment["HWNASD"] { return p }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("hwnasd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/hwnasd").path
    }

    /// Starts `hwnasd` with `arguments` (plus `--ndjson` for NDJSON framing and a fresh `--state`).
    init(framing: Framing, arguments: [String] = []) throws {
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
    func closeInput() { try? stdinPipe.fileHandleForWriting.close() }

    /// Waits for the process to end; its exit code, or nil on timeout.
    func waitForExit(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5000) }
        return process.isRunning ? nil : process.terminationStatus
    }
}

/// The error code of a response, if it is an error.
func errorCode(_ r: JSONValue?) -> Int? { r?["error"]?["code"]?.intValue }
