/// A request the server answers: its method name, params (`Self`) and response type.
///
/// ```swift
/// struct EncodeRequest: RequestType {
///     static let method = "encode"
///     typealias Response = EncodeResult
///     var space: String
///     var archs: [String]
/// }
/// ```
public protocol RequestType: Codable, Sendable {
    /// The JSON-RPC method name.
    static var method: String { get }
    /// The result type.
    associatedtype Response: Codable & Sendable
    /// Whether params members the type does not read are accepted silently (default false: the
    /// request fails naming them, as a misspelled parameter would otherwise be ignored).
    /// `initialize` says true: editors send LSP fields it has no use for.
    static var acceptsUnknownParams: Bool { get }
}

extension RequestType {
    /// Unknown params members are refused unless a request type says otherwise.
    public static var acceptsUnknownParams: Bool { false }
}

/// A notification (no response): its method name and params (`Self`).
public protocol NotificationType: Codable, Sendable {
    /// The JSON-RPC method name.
    static var method: String { get }
}

/// A result that is JSON `null` (e.g. `shutdown`).
public struct NullResult: Codable, Sendable, Equatable {
    /// The null result.
    public init() {}
    public init(from decoder: any Decoder) throws {}
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encodeNil()
    }
}

/// Params of a method that takes none (any object, or none at all, is accepted).
public struct EmptyParams: Codable, Sendable, Equatable {
    /// No params.
    public init() {}
}
