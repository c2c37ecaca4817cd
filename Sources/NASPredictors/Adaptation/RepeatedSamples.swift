import NASCore
import NASSpaces

/// A warning for samples that measure one architecture more than once. Repeats that disagree
/// (the same network timed at 5 ms and at 50 ms) drag every fit toward a ranking nobody
/// measured; repeats that agree let a cross-validation test on architectures it trained on, so its
/// metrics flatter the fit. Either way, one sample per architecture (repeats averaged) is what
/// the fits assume.
public enum RepeatedSamples {
    /// Repeats whose latencies differ by more than this factor are called conflicting.
    public static let conflictRatio = 1.5

    /// The warning for `samples` in `space`, or nil when every architecture appears once
    /// (architectures compared in canonical form).
    public static func warning(_ samples: [LatencySample], space: any SearchSpace) -> String? {
        var byArch: [Architecture: [Double]] = [:]
        var order: [Architecture] = []
        for s in samples {
            let a = space.canonical(s.arch)
            if byArch[a] == nil { order.append(a) }
            byArch[a, default: []].append(s.latencyMs)
        }
        let repeated = order.filter { byArch[$0]!.count > 1 }
        guard !repeated.isEmpty else { return nil }
        let conflicting = repeated.filter { a in
            let v = byArch[a]!.filter { $0 > 0 }
            guard let lo = v.min(), let hi = v.max() else { return false }
            return hi > conflictRatio * lo
        }
        let extra = repeated.reduce(0) { $0 + byArch[$1]!.count - 1 }
        var text = "\(repeated.count) architecture\(repeated.count == 1 ? "" : "s") appear\(repeated.count == 1 ? "s" : "") more than once among the samples (\(extra) repeat\(extra == 1 ? "" : "s"))"
        if let worst = conflicting.max(by: { spread(byArch[$0]!) < spread(byArch[$1]!) }) {
            let v = byArch[worst]!.map { FineTuner.format($0) }.joined(separator: ", ")
            text += "; \(conflicting.count) of them disagree by more than \(String(format: "%g", conflictRatio)) × (e.g. \(space.format(worst)) at \(v) ms), which drags the fit toward a ranking nobody measured"
        }
        return text + "; the cross-validation then tests on architectures it trained on, so its metrics flatter the fit: give each architecture once (repeats averaged)"
    }

    static func spread(_ v: [Double]) -> Double {
        let p = v.filter { $0 > 0 }
        guard let lo = p.min(), let hi = p.max() else { return 0 }
        return hi / lo
    }
}
