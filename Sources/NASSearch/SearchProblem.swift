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
    /// Whether degenerate architectures (`SearchSpace.isDegenerate`) may be evaluated and
    /// reported. False by default: they are never sent to the objectives and count as unknown
    /// (never best, on a front, nor fastest).
    public var includeDegenerate = false
    /// Decisions held at one option (decision index → option): every architecture the search
    /// makes has them. Set from the accuracy source's `measuredDecisions` so a search stays
    /// where the accuracy data was measured (OFA: resolution 224), unless extrapolation is asked.
    public var fixedDecisions: [Int: UInt8] = [:]
    /// The accuracy source's measured region (`AccuracySource.measuredDecisions`), fixed or not:
    /// what `extrapolationWarning` checks results against.
    public var measuredDecisions: [Int: UInt8] = [:]

    /// Makes a problem.
    public init(space: any SearchSpace, latency: @escaping BatchObjective, accuracy: @escaping BatchObjective,
                accuracyLabel: String) {
        self.space = space
        self.latency = latency
        self.accuracy = accuracy
        self.accuracyLabel = accuracyLabel
    }
}

extension SearchProblem {
    /// Sets the fixed decisions, then canonicalizes: what every search operator ends with.
    public func canonicalize(_ arch: inout Architecture) {
        for (i, v) in fixedDecisions where i < arch.genes.count { arch.genes[i] = v }
        space.canonicalize(&arch)
    }

    /// Whether `arch` holds every fixed decision at its option (inside the measured region).
    public func respectsFixedDecisions(_ arch: Architecture) -> Bool {
        fixedDecisions.allSatisfy { $0.key < arch.genes.count && arch.genes[$0.key] == $0.value }
    }

    /// A sentence for a result whose architectures leave the accuracy's measured region (their
    /// accuracy is an extrapolation), nil when none does.
    public func extrapolationWarning(for archs: [Architecture]) -> String? {
        let outside = archs.filter { a in measuredDecisions.contains { $0.key < a.genes.count && a.genes[$0.key] != $0.value } }
        guard !outside.isEmpty else { return nil }
        let region = measuredDecisions.sorted { $0.key < $1.key }.map { d in
            "\(space.decisionNames[d.key]) = \(space.optionLabels(ofDecision: d.key)[Int(d.value)])"
        }.joined(separator: ", ")
        return "\(outside.count) of \(archs.count) reported architectures lie outside the measured accuracy data (\(region)): "
            + "their accuracy is an extrapolation nobody measured; leave extrapolate unset to search only where it was measured"
    }

    /// Whether the search leaves `arch` out (degenerate, unless `includeDegenerate`).
    public func isExcluded(_ arch: Architecture) -> Bool {
        !includeDegenerate && space.isDegenerate(arch)
    }

    /// `objective` on the architectures not excluded (one batch), NaN for the excluded ones.
    public func values(of archs: [Architecture], _ objective: BatchObjective) throws(NASError) -> [Double] {
        let kept = archs.indices.filter { !isExcluded(archs[$0]) }
        if kept.count == archs.count { return try objective(archs) }
        var out = [Double](repeating: .nan, count: archs.count)
        guard !kept.isEmpty else { return out }
        let v = try objective(kept.map { archs[$0] })
        guard v.count == kept.count else {
            throw NASError(.internal, "an objective returned \(v.count) values for \(kept.count) architectures")
        }
        for (k, i) in kept.enumerated() { out[i] = v[k] }
        return out
    }
}
