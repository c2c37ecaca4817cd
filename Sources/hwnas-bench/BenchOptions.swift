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
