import NASCore

/// The search spaces hwnasd knows, by wire id.
public enum SpaceRegistry {
    /// Every space, in documentation order.
    public static let all: [any SearchSpace] = [
        NB201Space(), FBNetSpace(), OFAMobileNetV3Space(), ProxylessSpace(), MobileNetV2Space(),
    ]

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
}
