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

    /// The space with a wire id, or `.unknownSpace` listing the known ids.
    public static func space(_ id: String) throws(NASError) -> any SearchSpace {
        guard let s = all.first(where: { $0.id == id }) else {
            throw NASError(.unknownSpace, "unknown search space '\(id)'; known: \(ids.joined(separator: ", "))", field: "space")
        }
        return s
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
