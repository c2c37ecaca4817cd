// Small helpers shared by the benchmarks' option parsing and summaries. The daemon subprocess
// they drive is HWNASTestSupport's `DaemonProcess`.
import Foundation

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

/// `date …, load average …, commit …` for a results file: when, how busy, which code.
func benchProvenance() -> String {
    let git = Process()
    git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    git.arguments = ["git", "rev-parse", "--short", "HEAD"]
    let pipe = Pipe()
    git.standardOutput = pipe
    git.standardError = FileHandle.nullDevice
    var commit = "unknown"
    if (try? git.run()) != nil {
        git.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if !text.isEmpty { commit = text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
    let date = ISO8601DateFormatter().string(from: Date())
    return "date \(date), load average \(benchLoadAverage()), commit \(commit)"
}

/// The 1, 5 and 15 minute load averages, from /proc/loadavg.
func benchLoadAverage() -> String {
    guard let s = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
    return s.split(separator: " ").prefix(3).joined(separator: " ")
}
