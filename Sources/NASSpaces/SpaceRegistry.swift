import NASCore

/// The search spaces hwnasd knows, by wire id, each with its `SpaceProfile`.
public enum SpaceRegistry {
    /// Every space with its profile, in documentation order. Adding a space: one line here.
    public static let entries: [(space: any SearchSpace, profile: SpaceProfile)] = [
        (NB201Space(), NB201Space.profile),
        (FBNetSpace(), FBNetSpace.profile),
        (OFAMobileNetV3Space(), OFAMobileNetV3Space.profile),
        (ProxylessSpace(), ProxylessSpace.profile),
        (MobileNetV2Space(), MobileNetV2Space.profile),
    ]

    /// Every space, in documentation order.
    public static let all: [any SearchSpace] = entries.map(\.space)

    /// The ids of all spaces.
    public static var ids: [String] { all.map(\.id) }

    /// The space with a wire id, or `.unknownSpace` listing the known ids (and the closest
    /// ones, e.g. `nb201` for `nasbench201`).
    public static func space(_ id: String) throws(NASError) -> any SearchSpace {
        guard let s = all.first(where: { $0.id == id }) else {
            throw NASError(.unknownSpace, "unknown search space '\(id)'\(didYouMean(id)); known: \(ids.joined(separator: ", "))",
                           field: "space")
        }
        return s
    }

    /// `"; did you mean 'nb201'?"` for a mistyped space name, matched against the ids and the
    /// long names that open each space's summary (`NAS-Bench-201 cell`), or "".
    public static func didYouMean(_ query: String) -> String {
        NameSuggestion.didYouMean(query, among: all.map { ($0.id, [longName(of: $0.summary)]) })
    }

    /// The words of a space summary before its first ':' or '(' (`FBNet`, `NAS-Bench-201 cell`).
    public static func longName(of summary: String) -> String {
        String(summary.prefix { $0 != ":" && $0 != "(" })
    }

    /// The profile of the space with a wire id, or `.unknownSpace`.
    public static func profile(_ id: String) throws(NASError) -> SpaceProfile {
        guard let e = entries.first(where: { $0.space.id == id }) else {
            _ = try space(id)
            throw NASError(.internal, "space '\(id)' has no profile")
        }
        return e.profile
    }

    /// The ids of the spaces whose profile offers accuracy source `name`.
    public static func spaces(withAccuracySource name: String) -> [String] {
        entries.filter { $0.profile.accuracySources.contains(name) }.map(\.space.id)
    }
}
