// The real hwnasd as a subprocess with a client end, for the fuzz and load benchmarks.
import Foundation
import JSONRPC

/// `hwnasd` started as a subprocess on a fresh state directory; the client end of its stdio.
final class BenchDaemon: ClientConnection, @unchecked Sendable {
    let process = Process()
    let stateDirectory = NSTemporaryDirectory() + "hwnas-bench-\(UUID().uuidString)"

    /// `$HWNASD`, else the `hwnasd` built next to this benchmark binary.
    static var binaryPath: String {
        if let p = ProcessInfo.processInfo.environment["HWNASD"] { return p }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("hwnasd").path
    }

    init(framing: Framing, arguments: [String] = []) throws {
        let input = Pipe(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = (framing == .ndjson ? ["--ndjson"] : []) + ["--state", stateDirectory] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        super.init(serverInput: input.fileHandleForWriting.fileDescriptor,
                   serverOutput: output.fileHandleForReading.fileDescriptor, framing: framing)
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    /// The daemon's peak resident set (VmHWM) in MiB, from /proc.
    var peakRSSMiB: Double? {
        guard let s = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb / 1024
    }

    /// Path of a file in the checkout (the benchmark runs from its sources' tree).
    static func repositoryFile(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(relative).path
    }
}

/// The value following `flag` in `arguments`.
func benchOption(_ arguments: [String], _ flag: String) -> String? {
    guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

/// The `q`-quantile (0...1) of `xs` (nearest rank).
func benchQuantile(_ xs: [Double], _ q: Double) -> Double {
    guard !xs.isEmpty else { return .nan }
    let s = xs.sorted()
    return s[min(s.count - 1, max(0, Int((q * Double(s.count)).rounded(.up)) - 1))]
}
