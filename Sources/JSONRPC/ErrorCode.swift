/// A JSON-RPC error code. Standard codes and hwnasd's application codes are static constants;
/// the table is documented in protocol/PROTOCOL.md and the values are stable.
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
    // hwnasd
    /// Unknown search space id.
    public static let unknownSearchSpace = ErrorCode(rawValue: -32001)
    /// Unknown device name.
    public static let unknownDevice = ErrorCode(rawValue: -32010)
    /// Unknown predictor id.
    public static let unknownPredictor = ErrorCode(rawValue: -32011)
    /// Unknown generator id.
    public static let unknownGenerator = ErrorCode(rawValue: -32012)
    /// An architecture does not parse or validate in its space.
    public static let invalidArchitecture = ErrorCode(rawValue: -32020)
    /// Too few samples to fit the requested model.
    public static let insufficientSamples = ErrorCode(rawValue: -32021)
    /// No architecture satisfies the budget.
    public static let infeasibleBudget = ErrorCode(rawValue: -32022)
    /// A file could not be read or written.
    public static let storageError = ErrorCode(rawValue: -32030)
    /// A stored file is corrupt or not ours.
    public static let corruptFile = ErrorCode(rawValue: -32031)
    /// A message is larger than `--max-message-bytes`.
    public static let messageTooLarge = ErrorCode(rawValue: -32040)
    /// More long jobs than `--max-jobs` are running or queued.
    public static let tooManyJobs = ErrorCode(rawValue: -32041)

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
