import NASCore

/// A batch objective: many architectures in, one value each out (a predictor or a lookup).
///
/// Implementations must return exactly one value per input, in order. A value of `NaN` means
/// "unknown" (e.g. an architecture missing from client-supplied values): the search excludes
/// such architectures from the best result and the front.
public typealias BatchObjective = @Sendable ([Architecture]) throws(NASError) -> [Double]

/// What to search: a space, and the two objectives (latency to minimize or bound, accuracy to maximize).
public struct SearchProblem: Sendable {
    /// The space architectures are drawn from.
    public var space: any SearchSpace
    /// Latency in milliseconds, usually a predictor.
    public var latency: BatchObjective
    /// Higher is better: an accuracy (measured or predicted) or a labelled proxy such as -MACs.
    public var accuracy: BatchObjective
    /// What `accuracy` is, for people, e.g. "cifar10 test accuracy (measured)" or "-MACs (proxy)".
    public var accuracyLabel: String

    /// Makes a problem.
    public init(space: any SearchSpace, latency: @escaping BatchObjective, accuracy: @escaping BatchObjective,
                accuracyLabel: String) {
        self.space = space
        self.latency = latency
        self.accuracy = accuracy
        self.accuracyLabel = accuracyLabel
    }
}
