import NASCore

/// OneProxy's reuse: how well the accuracy–latency Pareto front chosen with a proxy's latencies
/// serves a target device, judged with the target's measured latencies over the same
/// architectures (exact enumeration).
public struct ParetoReuse: Sendable, Equatable {
    /// The target's true front: indices by increasing target latency.
    public var trueFront: [Int]
    /// The front chosen with the proxy's latencies: indices by increasing proxy latency.
    public var proxyFront: [Int]
    /// Fraction of `trueFront` that `proxyFront` holds.
    public var recovered: Double
    /// Hypervolume of `proxyFront` at the target's latencies over the true front's, in [0, 1].
    /// Reference point: the largest target latency and the smallest accuracy of the set.
    public var hypervolumeRatio: Double
    /// Spearman rank correlation of the proxy's and the target's latencies.
    public var spearman: Double

    /// Compares the fronts over architectures `i` with `proxyLatency[i]`, `targetLatency[i]` and
    /// `accuracy[i]` (non-finite values keep an architecture off both fronts).
    public static func evaluate(proxyLatency: [Double], targetLatency: [Double], accuracy: [Double]) -> ParetoReuse {
        precondition(proxyLatency.count == targetLatency.count && targetLatency.count == accuracy.count, "counts differ")
        let usable = accuracy.indices.filter { proxyLatency[$0].isFinite && targetLatency[$0].isFinite && accuracy[$0].isFinite }
        let trueFront = ParetoFront.nonDominated(latency: targetLatency, accuracy: accuracy)
        let proxyFront = ParetoFront.nonDominated(latency: proxyLatency, accuracy: accuracy)
            .filter { targetLatency[$0].isFinite }
        let onProxy = Set(proxyFront)
        let recovered = trueFront.isEmpty ? 0 : Double(trueFront.filter { onProxy.contains($0) }.count) / Double(trueFront.count)
        let refLatency = usable.map { targetLatency[$0] }.max() ?? 0
        let refAccuracy = usable.map { accuracy[$0] }.min() ?? 0
        let hvTrue = ParetoFront.hypervolume(latency: trueFront.map { targetLatency[$0] }, accuracy: trueFront.map { accuracy[$0] },
                                             referenceLatency: refLatency, referenceAccuracy: refAccuracy)
        let hvProxy = ParetoFront.hypervolume(latency: proxyFront.map { targetLatency[$0] }, accuracy: proxyFront.map { accuracy[$0] },
                                              referenceLatency: refLatency, referenceAccuracy: refAccuracy)
        return ParetoReuse(trueFront: trueFront, proxyFront: proxyFront, recovered: recovered,
                           hypervolumeRatio: hvTrue > 0 ? hvProxy / hvTrue : 0,
                           spearman: RankCorrelation.spearman(usable.map { proxyLatency[$0] }, usable.map { targetLatency[$0] }))
    }
}
