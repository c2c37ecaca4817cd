/// Pareto utilities for two objectives: latency (minimized) and accuracy (maximized).
///
/// Hypervolume reference point: a front is measured inside the box bounded by a reference
/// latency (worst, e.g. the largest latency of the space) and a reference accuracy (worst, e.g.
/// the smallest accuracy of the space). The benchmark uses the extremes of the enumerated space
/// for both the searched and the true front, so their ratio is in [0, 1].
public enum ParetoFront {
    /// Indices of the non-dominated points, sorted by increasing latency. Of points equal in both
    /// objectives, the first is kept. Points with a non-finite objective are never on the front.
    public static func nonDominated(latency: [Double], accuracy: [Double]) -> [Int] {
        precondition(latency.count == accuracy.count, "objective counts differ")
        let order = (0..<latency.count)
            .filter { latency[$0].isFinite && accuracy[$0].isFinite }
            .sorted {
                if latency[$0] != latency[$1] { return latency[$0] < latency[$1] }
                if accuracy[$0] != accuracy[$1] { return accuracy[$0] > accuracy[$1] }
                return $0 < $1
            }
        var out: [Int] = []
        var bestAcc = -Double.infinity
        for i in order where accuracy[i] > bestAcc {
            out.append(i)
            bestAcc = accuracy[i]
        }
        return out
    }

    /// Whether point a dominates point b (no worse in both, better in one).
    public static func dominates(latency la: Double, accuracy aa: Double, latency lb: Double, accuracy ab: Double) -> Bool {
        la <= lb && aa >= ab && (la < lb || aa > ab)
    }

    /// The area dominated by the points inside the reference box
    /// `[.., referenceLatency] × [referenceAccuracy, ..]` (2-D hypervolume, in ms × accuracy units).
    /// Points at or beyond the reference in either objective add nothing.
    public static func hypervolume(latency: [Double], accuracy: [Double],
                                   referenceLatency: Double, referenceAccuracy: Double) -> Double {
        let front = nonDominated(latency: latency, accuracy: accuracy)
            .filter { latency[$0] < referenceLatency && accuracy[$0] > referenceAccuracy }
        var volume = 0.0
        for (k, i) in front.enumerated() {
            let nextLatency = k + 1 < front.count ? latency[front[k + 1]] : referenceLatency
            volume += (nextLatency - latency[i]) * (accuracy[i] - referenceAccuracy)
        }
        return volume
    }

    /// Hypervolume of search candidates.
    public static func hypervolume(_ candidates: [SearchCandidate], referenceLatency: Double,
                                   referenceAccuracy: Double) -> Double {
        hypervolume(latency: candidates.map(\.latencyMs), accuracy: candidates.map(\.accuracy),
                    referenceLatency: referenceLatency, referenceAccuracy: referenceAccuracy)
    }
}
