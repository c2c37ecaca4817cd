#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NASCore

/// `adapt`'s `mix` family: every pool member mapped onto the samples by its own log-affine map
/// (`AffineLogMap.fit`), mixed in milliseconds with weights from how well each member's map
/// fits the samples out of sample: wⱼ ∝ priorⱼ · (s²ⱼ)^(−β·k/2), s²ⱼ the mean squared
/// leave-one-out residual of member j's map (log-ms; each sample predicted by the map fitted on
/// the others, `AffineLogMap.leaveOneOutResiduals`), β = `temperature`. Batch-size siblings
/// (`1080ti_1`, `1080ti_32`, `1080ti_256`: one device measured at several batch sizes) share one
/// prior share, so a device in the pool three times is not counted three times. A smooth version
/// of "the closest member": it follows the closest member when one fits clearly best and averages
/// near-ties instead of picking one on a handful of samples.
public enum PoolMixture {
    /// β of the weights (0.5; 0.25–2 measured on the pool's own devices as targets, `hwnas-bench
    /// fewshot --validate`: 0.5 best at k = 10, all within 0.001 at k = 20).
    public static let temperature = 0.5

    /// The mixture of `members` fitted on `samples` (≥ 3, latencies finite and > 0), and the
    /// weight of each member it keeps (those above 1e-6, renormalized to sum to 1, in `members`'
    /// order). `deviceNames`: the device each member measures, for its batch-size family
    /// (`batchFamily`; default: the members' names; give a device where a name is a predictor
    /// id). A member whose predictions of the samples are not all finite gets no weight; none
    /// left, a member without a latency model, or bad samples are `.invalidParams`.
    public static func fit(_ members: [ProxyLatencyModel], samples: [LatencySample], temperature: Double = temperature,
                           deviceNames: [String]? = nil) throws(NASError) -> (model: LatencyModel, weights: [(member: String, weight: Double)]) {
        guard samples.count >= 3 else {
            throw NASError(.insufficientSamples, "a pool mixture needs at least 3 samples, got \(samples.count)", field: "target.samples")
        }
        if let i = samples.firstIndex(where: { !($0.latencyMs.isFinite && $0.latencyMs > 0) }) {
            throw NASError(.invalidParams, "latency_ms must be a positive number, got \(samples[i].latencyMs)", field: "target.samples[\(i)].latency_ms")
        }
        guard !members.isEmpty else { throw NASError(.invalidParams, "a pool mixture needs a pool", field: "pool") }
        let names = deviceNames ?? members.map(\.name)
        guard names.count == members.count else {
            throw NASError(.invalidParams, "\(names.count) device names for \(members.count) pool members", field: "pool")
        }
        let archs = samples.map(\.arch)
        let target = samples.map(\.latencyMs)
        let n = Double(samples.count)
        var maps: [AffineLogMap] = [], logWeights: [Double] = []
        let families = names.map(batchFamily)
        for (j, m) in members.enumerated() {
            guard m.model != nil else {
                throw NASError(.invalidParams, "pool member '\(m.name)' has no latency model to mix", field: "pool")
            }
            let values = try m.predict(archs)
            guard values.count == samples.count, values.allSatisfy(\.isFinite) else {
                maps.append(.identity)
                logWeights.append(-.infinity)
                continue
            }
            maps.append(AffineLogMap.fit(source: values, target: target))
            let s2 = AffineLogMap.leaveOneOutResiduals(source: values, target: target).reduce(0.0) { $0 + $1 * $1 / n }
            let siblings = Double(families.filter { $0 == families[j] }.count)
            logWeights.append(-temperature * n / 2 * log(max(s2, 1e-8)) - log(siblings))
        }
        let top = logWeights.max()!
        guard top > -.infinity else {
            throw NASError(.invalidParams, "no pool member predicts the samples with finite latencies", field: "pool")
        }
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
