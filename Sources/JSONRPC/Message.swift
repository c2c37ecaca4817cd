/// One message received from the client, classified by JSON-RPC 2.0's rules.
public enum IncomingMessage: Sendable, Equatable {
    /// A request: it must be answered exactly once.
    case request(id: RequestID, method: String, params: JSONValue?)
    /// A notification: never answered.
    case notification(method: String, params: JSONValue?)
    /// A response to a request the server sent (a server that sends none ignores it).
    case response(id: RequestID?, result: JSONValue?, error: ResponseError?)
    /// Not a valid message; answered with `error` and `id` when it could be read, else a null id.
    case invalid(id: RequestID?, error: ResponseError)

    /// Classifies one JSON value (not a batch).
    public init(json: JSONValue) {
        guard case .object(let o) = json else {
            self = .invalid(id: nil, error: ResponseError(code: .invalidRequest, message: "a message must be a JSON object, got \(json.typeDescription)"))
            return
        }
        var id: RequestID?
        if let raw = o["id"], !raw.isNull {
            guard let parsed = RequestID(json: raw) else {
                self = .invalid(id: nil, error: ResponseError(code: .invalidRequest, message: "id must be an integer or a string"))
                return
            }
            id = parsed
        }
        guard o["jsonrpc"] == .string("2.0") else {
            self = .invalid(id: id, error: ResponseError(code: .invalidRequest, message: "jsonrpc must be \"2.0\""))
            return
        }
        if let m = o["method"] {
            guard case .string(let method) = m else {
                self = .invalid(id: id, error: ResponseError(code: .invalidRequest, message: "method must be a string"))
                return
            }
            // "params": null is taken as absent (LSP clients such as pygls send it for `shutdown`).
            let params: JSONValue? = o["params"].flatMap { $0.isNull ? Optional<JSONValue>.none : $0 }
            if let p = params {
                switch p {
                case .object, .array: break
                default:
                    self = .invalid(id: id, error: ResponseError(code: .invalidRequest, message: "params must be an object or an array"))
                    return
                }
            }
            if o["id"] == nil {
                self = .notification(method: method, params: params)
            } else if let id {
                self = .request(id: id, method: method, params: params)
            } else {
                // "id": null is allowed by JSON-RPC 2.0 but discouraged; we cannot answer it distinctly.
                self = .invalid(id: nil, error: ResponseError(code: .invalidRequest, message: "id must not be null"))
            }
            return
        }
        if o["result"] != nil || o["error"] != nil {
            self = .response(id: id, result: o["result"], error: o["error"].flatMap(ResponseError.init(json:)))
            return
        }
        self = .invalid(id: id, error: ResponseError(code: .invalidRequest, message: "missing method"))
    }
}

/// Builders of the JSON values the server sends.
public enum OutgoingMessage {
    /// `{"jsonrpc":"2.0","id":...,"result":...}`.
    public static func response(id: RequestID, result: JSONValue) -> JSONValue {
        .object(["jsonrpc": "2.0", "id": id.json, "result": result])
    }

    /// `{"jsonrpc":"2.0","id":... or null,"error":{...}}`.
    public static func error(id: RequestID?, _ error: ResponseError) -> JSONValue {
        .object(["jsonrpc": "2.0", "id": id?.json ?? .null, "error": error.json])
    }

    /// `{"jsonrpc":"2.0","method":...,"params":...}`.
    public static func notification(method: String, params: JSONValue) -> JSONValue {
        .object(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }
}
