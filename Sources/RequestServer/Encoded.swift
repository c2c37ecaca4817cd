import JSONRPC

/// A handler's result of type `Value`, encoded once (`EncodedJSON`). Handlers that keep answers
/// for repeats keep them so and return them through `Server.registerEncoded`: a repeat then
/// costs sending the bytes, not encoding the answer again.
public struct Encoded<Value: Encodable>: Sendable {
    /// The text.
    public let json: EncodedJSON

    /// `value`'s text.
    public init(_ value: Value) throws {
        json = try EncodedJSON(value)
    }
}
