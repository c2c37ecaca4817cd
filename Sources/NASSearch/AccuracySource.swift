import NASCore

/// An accuracy objective with its label: measured, predicted, client-supplied, or a proxy.
public struct AccuracySource: Sendable {
    /// Batch values, higher is better; NaN for architectures the source knows nothing of.
    public var objective: BatchObjective
    /// What the values are, for people and the `search` response.
    public var label: String
    /// True for a stand-in that is not an accuracy (e.g. -MACs).
    public var isProxy: Bool

    /// Wraps an objective.
    public init(objective: @escaping BatchObjective, label: String, isProxy: Bool = false) {
        self.objective = objective
        self.label = label
        self.isProxy = isProxy
    }
}

extension SearchProblem {
    /// A problem whose accuracy objective and label come from `accuracy`.
    public init(space: any SearchSpace, latency: @escaping BatchObjective, accuracy: AccuracySource) {
        self.init(space: space, latency: latency, accuracy: accuracy.objective, accuracyLabel: accuracy.label)
    }
}
