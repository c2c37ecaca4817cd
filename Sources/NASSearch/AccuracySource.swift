import NASCore

/// An accuracy objective with its label: measured, predicted, client-supplied, or a proxy.
public struct AccuracySource: Sendable {
    /// Batch values, higher is better; NaN for architectures the source knows nothing of.
    public var objective: BatchObjective
    /// What the values are, for people and the `search` response.
    public var label: String
    /// True for a stand-in that is not an accuracy (e.g. -MACs).
    public var isProxy: Bool
    /// Decisions the source's data holds at one option (decision → option): values elsewhere
    /// are extrapolations nobody measured (the OFA predictor's 2,223 subnets are all at
    /// resolution 224). Searches fix them unless extrapolation is asked for.
    public var measuredDecisions: [Int: UInt8]

    /// Wraps an objective.
    public init(objective: @escaping BatchObjective, label: String, isProxy: Bool = false,
                measuredDecisions: [Int: UInt8] = [:]) {
        self.objective = objective
        self.label = label
        self.isProxy = isProxy
        self.measuredDecisions = measuredDecisions
    }

    /// The decisions every architecture of `archs` holds at the same option (none when empty).
    public static func constantDecisions(of archs: [Architecture]) -> [Int: UInt8] {
        guard let first = archs.first else { return [:] }
        var out: [Int: UInt8] = [:]
        for (i, g) in first.genes.enumerated() where archs.allSatisfy({ $0.genes[i] == g }) { out[i] = g }
        return out
    }
}

extension SearchProblem {
    /// A problem whose accuracy objective and label come from `accuracy`.
    /// `extrapolate: false` fixes the source's `measuredDecisions` (the search stays where the
    /// accuracy was measured).
    public init(space: any SearchSpace, latency: @escaping BatchObjective, accuracy: AccuracySource,
                extrapolate: Bool = false) {
        self.init(space: space, latency: latency, accuracy: accuracy.objective, accuracyLabel: accuracy.label)
        measuredDecisions = accuracy.measuredDecisions
        if !extrapolate { fixedDecisions = accuracy.measuredDecisions }
    }
}
