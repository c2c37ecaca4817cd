/// A JSON-RPC request id: an integer or a string, echoed in the response.
public enum RequestID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A numeric id.
    case number(Int)
    /// A string id.
    case string(String)

    /// The id of a JSON value, or nil when the value is not a valid id (null, fraction, object...).
    public init?(json: JSONValue) {
        switch json {
        case .string(let s): self = .string(s)
        case .number: if let i = json.intValue { self = .number(i) } else { return nil }
        default: return nil
        }
    }

    /// The id as a JSON value.
    public var json: JSONValue {
        switch self {
        case .number(let i): return .number(Double(i))
        case .string(let s): return .string(s)
        }
    }

    /// `7` or `"abc"`.
    public var description: String { json.description }

    public init(from decoder: any Decoder) throws {
        let v = try JSONValue(from: decoder)
        guard let id = RequestID(json: v) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected an integer or string id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
