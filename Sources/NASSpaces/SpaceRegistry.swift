import NASCore

/// The search spaces hwnasd knows, by wire id.
public enum SpaceRegistry {
    /// Every space, in documentation order.
    public static let all: [any SearchSpace] = [
        NB201Space(), FBNetSpace(), OFAMobileNetV3Space(), ProxylessSpace(), MobileNetV2Space(),
    ]

    /// The ids of all spaces.
    public static var ids: [String] { all.map(\.id) }

    /// The space with a wire id, or `.unknownSpace` listing the known ids.
    public static func space(_ id: String) throws(NASError) -> any SearchSpace {
        guard let s = all.first(where: { $0.id == id }) else {
            throw NASError(.unknownSpace, "unknown search space '\(id)'; known: \(ids.joined(separator: ", "))", field: "space")
        }
        return s
    }
}
