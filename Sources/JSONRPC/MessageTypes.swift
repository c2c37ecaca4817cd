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
