#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NASCore

/// `adapt`'s `mix` family: every pool member mapped onto the samples by its own log-affine map
/// (`AffineLogMap.fit`), mixed in milliseconds with weights from how well each member's map
/// fits the samples out of sample: wⱼ ∝ priorⱼ · (s²ⱼ)^(−β·k/2), s²ⱼ the mean squared
/// leave-one-out residual of member j's map (log-ms), β = `temperature`. Batch-size siblings
/// (`1080ti_1`, `1080ti_32`, `1080ti_256`: one device measured at several batch sizes) share one
/// prior share, so a device in the pool three times is not counted three times. A smooth version
/// of "the closest member": it follows the closest member when one fits clearly best and averages
/// near-ties instead of picking one on a handful of samples.
public enum PoolMixture {
    /// β of the weights (0.5; 0.25–2 measured on the pool's own devices as targets, `hwnas-bench
    /// fewshot --validate`: 0.5 best at k = 10, all within 0.001 at k = 20).
    public static let temperature = 0.5

    /// The mixture of `members` fitted on `samples` (≥ 3), and each member's weight.
    public static func fit(_ members: [ProxyLatencyModel], samples: [LatencySample],
                           temperature: Double = temperature) throws(NASError) -> (model: LatencyModel, weights: [(member: String, weight: Double)]) {
        guard samples.count >= 3 else {
            throw NASError(.insufficientSamples, "a pool mixture needs at least 3 samples, got \(samples.count)", field: "target.samples")
        }
        guard !members.isEmpty else { throw NASError(.invalidParams, "a pool mixture needs a pool", field: "pool") }
        let archs = samples.map(\.arch)
        let ly = samples.map { log(max($0.latencyMs, 1e-9)) }
        let n = Double(samples.count)
        var maps: [AffineLogMap] = [], logWeights: [Double] = []
        let families = members.map { batchFamily($0.name) }
        for (j, m) in members.enumerated() {
            guard m.model != nil else {
                throw NASError(.invalidParams, "pool member '\(m.name)' has no latency model to mix", field: "pool")
            }
            let values = try m.predict(archs)
            let lx = values.map { log(max($0, 1e-9)) }
            let map = AffineLogMap.fit(source: values, target: samples.map(\.latencyMs))
            maps.append(map)
            // Leave-one-out residuals of the affine fit through its hat values.
            let mx = lx.reduce(0, +) / n
            let sxx = max(lx.reduce(0.0) { $0 + ($1 - mx) * ($1 - mx) }, 1e-12)
            var s2 = 0.0
            for i in lx.indices {
                let r = ly[i] - (map.offset + map.scale * lx[i])
                let h = 1 / n + (lx[i] - mx) * (lx[i] - mx) / sxx
                let loo = r / max(1 - h, 0.05)
                s2 += loo * loo / n
            }
            let siblings = Double(families.filter { $0 == families[j] }.count)
            logWeights.append(-temperature * n / 2 * log(max(s2, 1e-8)) - log(siblings))
        }
        let top = logWeights.max()!
        var w = logWeights.map { exp($0 - top) }
        let total = w.reduce(0, +)
        w = w.map { $0 / total }
        let kept = members.indices.filter { w[$0] > 1e-6 }
        let keptTotal = kept.reduce(0.0) { $0 + w[$1] }
        let model = LatencyModel.blend(kept.map { .calibrated(members[$0].model!, maps[$0]) },
                                       weights: kept.map { w[$0] / keptTotal }, intercept: 0)
        return (model, kept.map { (members[$0].name, w[$0] / keptTotal) })
    }

    /// A member's name without a batch-size suffix (`_1`, `_32`, `_64`, `_256`…: a power of two),
    /// so one device measured at several batch sizes is one family; other names are their own.
    static func batchFamily(_ name: String) -> String {
        guard let i = name.lastIndex(of: "_"), let b = Int(name[name.index(after: i)...]), b > 0, b & (b - 1) == 0 else { return name }
        return String(name[..<i])
    }
}
