/// A JSON-RPC error code. The JSON-RPC 2.0 and LSP codes are static constants here; servers add
/// their application codes in an `extension ErrorCode` (hwnasd's are in HWNASServer). The table
/// is documented in protocol/PROTOCOL.md and the values are stable.
public struct ErrorCode: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// The integer code.
    public var rawValue: Int

    /// Wraps a code.
    public init(rawValue: Int) { self.rawValue = rawValue }

    // JSON-RPC 2.0
    /// Invalid JSON was received.
    public static let parseError = ErrorCode(rawValue: -32700)
    /// The JSON is not a valid request object.
    public static let invalidRequest = ErrorCode(rawValue: -32600)
    /// The method does not exist.
    public static let methodNotFound = ErrorCode(rawValue: -32601)
    /// Invalid method parameters; the message names the offending field.
    public static let invalidParams = ErrorCode(rawValue: -32602)
    /// A bug in the daemon.
    public static let internalError = ErrorCode(rawValue: -32603)
    // LSP
    /// A request arrived before `initialize`.
    public static let serverNotInitialized = ErrorCode(rawValue: -32002)
    /// The request was cancelled by `$/cancelRequest` (or the client went away).
    public static let requestCancelled = ErrorCode(rawValue: -32800)
    /// The integer.
    public var description: String { "\(rawValue)" }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// A JSON-RPC error object: code, message for people, and optional data.
public struct ResponseError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    /// The code.
    public var code: ErrorCode
    /// A sentence for people.
    public var message: String
    /// Extra structured information (e.g. `{"field": "params.archs[3]"}`).
    public var data: JSONValue?

    /// Makes an error.
    public init(code: ErrorCode, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// `message (code)`.
    public var description: String { "\(message) (\(code.rawValue))" }

    /// The JSON error object.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["code": .number(Double(code.rawValue)), "message": .string(message)]
        if let data { o["data"] = data }
        return .object(o)
    }

    /// The error object of a JSON value, if it is one.
    public init?(json: JSONValue) {
        guard let c = json["code"]?.intValue, let m = json["message"]?.stringValue else { return nil }
        self.init(code: ErrorCode(rawValue: c), message: m, data: json["data"])
    }

    /// Invalid params naming the field.
    public static func invalidParams(_ e: JSONDecodingError) -> ResponseError {
        ResponseError(code: .invalidParams, message: e.description, data: e.path.isEmpty ? nil : ["field": .string(e.path)])
    }

    /// Request cancelled.
    public static let cancelled = ResponseError(code: .requestCancelled, message: "request cancelled")
}
