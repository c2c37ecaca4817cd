import NASCore

/// A warning for samples whose latencies lie far outside those of every reference device on the
/// same architectures. Almost always a unit slip: `latency_ms` given in seconds (1,000 × too
/// small) or microseconds (1,000 × too large). An adaptation fits the scale without complaint
/// (a blend or an affine map simply rescales), ranks as well as ever, and every budget asked of
/// it is then off by the same factor: a search "under 20 ms" on samples given in seconds returns
/// the slowest network of the space. Real devices of one space sit within about 20 × of each
/// other (NB201's 21 fixture devices within 5 ×, FBNet's within 20 ×, by median latency), while
/// a unit slip is 1,000 ×: a factor beyond `factor` from the fastest (slowest) reference is worth
/// a word, not an error, and a device that truly is that fast or slow is told to ignore it. The
/// closest a slip comes to the line (`Benchmarks/unit_slips.py`: `adapt`, default pool, 20
/// samples): FBNet's slowest device (gold_6226) in seconds, 54 × below, and its fastest
/// (eyeriss) in microseconds, 54 × above; NB201's 190 × and more.
public enum SampleScale {
    /// How far beyond the fastest (slowest) reference the samples' median ratio must lie.
    public static let factor = 30.0

    /// The warning for `samples` against `references` (each reference's latencies of the samples'
    /// architectures, in the samples' order), or nil when the samples sit within `factor` of the
    /// references' range, or there are fewer than 3 usable samples or no reference.
    ///
    /// Per sample, the ratio of its latency to the least (greatest) reference latency of its
    /// architecture; the median of those ratios below 1 / `factor` (above `factor`) warns.
    public static func warning(samples: [LatencySample], references: [(name: String, latency: [Double])]) -> String? {
        let refs = references.filter { $0.latency.count == samples.count }
        guard !refs.isEmpty else { return nil }
        var below: [(ratio: Double, name: String)] = [], above: [(ratio: Double, name: String)] = []
        for (i, s) in samples.enumerated() where s.latencyMs.isFinite && s.latencyMs > 0 {
            let values = refs.compactMap { r in r.latency[i].isFinite && r.latency[i] > 0 ? (r.latency[i], r.name) : nil }
            guard let lo = values.min(by: { $0.0 < $1.0 }), let hi = values.max(by: { $0.0 < $1.0 }) else { continue }
            below.append((s.latencyMs / lo.0, lo.1))
            above.append((s.latencyMs / hi.0, hi.1))
        }
        guard below.count >= 3 else { return nil }
        /// The median ratio, and the reference that is most often the extreme one (first on ties).
        func median(_ v: [(ratio: Double, name: String)]) -> (ratio: Double, name: String) {
            var count: [String: Int] = [:]
            for x in v { count[x.name, default: 0] += 1 }
            let name = refs.map(\.name).max { count[$0, default: 0] < count[$1, default: 0] } ?? ""
            return (v.map(\.ratio).sorted()[v.count / 2], name)
        }
        let fast = median(below), slow = median(above)
        func against(_ which: String, _ name: String) -> String {
            refs.count == 1 ? "those of the reference \(name) on the same architectures (median over the samples)"
                : "the \(which) of \(refs.count) reference devices on the same architectures (median over the samples; mostly \(name))"
        }
        if fast.ratio < 1 / factor {
            return "the samples' latencies are \(times(1 / fast.ratio)) below \(against("fastest", fast.name)): latency_ms is in milliseconds; were they measured in seconds? Every budget asked of this predictor is off by the same factor. If the device really is this fast, ignore this"
        }
        if slow.ratio > factor {
            return "the samples' latencies are \(times(slow.ratio)) above \(against("slowest", slow.name)): latency_ms is in milliseconds; were they measured in microseconds? Every budget asked of this predictor is off by the same factor. If the device really is this slow, ignore this"
        }
        return nil
    }

    /// "44 ×", "1,000 ×": a factor rounded to 2 significant digits.
    static func times(_ x: Double) -> String {
        var p = 1.0  // the place of the second significant digit
        for _ in 0..<max(0, String(Int(x)).count - 2) { p *= 10 }
        let digits = String(Int((x / p).rounded() * p))
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out + " ×"
    }
}

extension SampleScale {
    /// `warning(samples:references:)` with each model's predictions of the samples' architectures
    /// (a model that cannot price them, such as a measured proxy missing one, is left out).
    public static func warning(samples: [LatencySample], models: [ProxyLatencyModel]) -> String? {
        let refs = models.compactMap { m in
            (try? m.predict(samples.map { m.space.canonical($0.arch) })).map { (name: m.name, latency: $0) }
        }
        return warning(samples: samples, references: refs)
    }
}
