// Small helpers shared by the benchmarks' option parsing and summaries. The daemon subprocess
// they drive is HWNASTestSupport's `DaemonProcess`.
import Foundation
import NASCore
import NASPredictors

/// `adapt`'s families named in the comma-separated list given to `flag` (`--families`,
/// `--adapt-families`), or nil without the flag; an unknown name is `.invalidParams`.
func benchFamilies(_ arguments: [String], _ flag: String) throws -> [FewShotAdaptation.Family]? {
    try benchOption(arguments, flag).map { list throws -> [FewShotAdaptation.Family] in
        try list.split(separator: ",").map { name throws -> FewShotAdaptation.Family in
            guard let f = FewShotAdaptation.Family(rawValue: String(name)) else {
                throw NASError(.invalidParams, "unknown family '\(name)'", field: flag)
            }
            return f
        }
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

/// `date …, load average …, commit …` for a results file: when, how busy, which code.
func benchProvenance() -> String {
    let commit = benchCommandOutput(["git", "rev-parse", "--short", "HEAD"])
    let date = ISO8601DateFormatter().string(from: Date())
    return "date \(date), load average \(benchLoadAverage()), commit \(commit.isEmpty ? "unknown" : commit)"
}

/// What a command (found on PATH) prints, trimmed ("" when it cannot run).
func benchCommandOutput(_ arguments: [String]) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return "" }
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// CPU ticks (user + system) of a process so far, from /proc; -1 when unreadable.
func benchCPUTicks(pid: Int32) -> Int {
    guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = s.lastIndex(of: ")") else { return -1 }
    let f = s[s.index(after: close)...].split(separator: " ")
    guard f.count > 13, let u = Int(f[11]), let k = Int(f[12]) else { return -1 }
    return u + k
}

/// User + system CPU seconds of a process so far, 0 when unreadable.
func benchCPUSeconds(pid: Int32) -> Double {
    Double(max(0, benchCPUTicks(pid: pid))) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// `/proc/loadavg`'s three averages (1, 5, 15 min), or "?": printed beside every timing.
func benchLoadAverage() -> String {
    guard let s = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return s.split(separator: " ").prefix(3).joined(separator: " ")
}

/// Writes a bench's markdown report: to `out` (`--out FILE`) when given; else to its results
/// file, but only for a whole run (`whole`). A partial run (some sections or spaces, `--quick`,
/// `--no-speed`) written over the results file would silently drop what it did not run (a
/// `predictors --sections 1 --spaces nb201` once did); without `--out` it leaves the file and
/// says so on stderr. Returns the path written, nil when none.
@discardableResult
func writeBenchReport(_ text: String, bench: String, results: String, out: String?, whole: Bool) throws -> String? {
    guard let path = out ?? (whole ? results : nil) else {
        FileHandle.standardError.write(Data("hwnas-bench \(bench): a partial run leaves \(results) as it is; give --out FILE to keep this report\n".utf8))
        return nil
    }
    try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try AtomicFile.write(Array(text.utf8), to: path)
    return path
}
