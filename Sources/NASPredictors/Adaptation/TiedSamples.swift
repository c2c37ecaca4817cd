import NASCore

/// A warning for samples that hold almost no ranking: fewer than 3 distinct latencies (a harness
/// that reports one value, a timer too coarse for the device). Every fit still returns a model,
/// whose ranking is then the base's or the pool's alone, and whose cross-validated SRCC (0 or
/// undefined on tied samples) says nothing.
public enum TiedSamples {
    /// The warning for `samples`, or nil when they hold at least 3 distinct latencies.
    public static func warning(_ samples: [LatencySample]) -> String? {
        let distinct = Set(samples.map(\.latencyMs)).sorted()
        guard distinct.count < 3, !samples.isEmpty else { return nil }
        let values = distinct.map { FineTuner.format($0) }.joined(separator: " and ")
        return "the \(samples.count) samples hold only \(distinct.count) distinct latenc\(distinct.count == 1 ? "y" : "ies") (\(values) ms): they cannot rank architectures, so this model's ranking is its base's or pool's alone and its cross-validated metrics say nothing; measure with a finer timer (or more repetitions) and adapt again"
    }
}
