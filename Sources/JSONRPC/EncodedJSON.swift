/// A value's compact JSON text, encoded once (`JSONValueEncoder`, then `JSONWriter`) and sent as
/// it is any number of times: an answer kept for repeats is kept encoded, so a repeat costs
/// copying its bytes, not encoding a large answer again (`Benchmarks/results/repeats.md`).
public struct EncodedJSON: Sendable, Equatable {
    /// The JSON text (UTF-8), as `JSONWriter.write` writes it.
    public let bytes: [UInt8]

    /// The text of `value`.
    public init<T: Encodable>(_ value: T) throws {
        bytes = JSONWriter.write(try JSONValueEncoder().encode(value))
    }

    /// The value again (for sinks that take values, and batches).
    public var value: JSONValue {
        // Written by JSONWriter from a JSONValue: always parses (at most as deep as it was).
        (try? JSONParser.parse(bytes, maxDepth: .max)) ?? .null
    }
}

extension OutgoingMessage {
    /// The text of `{"jsonrpc":"2.0","id":...,"result":...}` around an encoded result, byte for
    /// byte what `JSONWriter.write(response(id:result:))` writes (members in key order).
    public static func response(id: RequestID, encodedResult: EncodedJSON) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedResult.bytes.count + 48)
        out.append(contentsOf: #"{"id":"#.utf8)
        JSONWriter.write(id.json, into: &out)
        out.append(contentsOf: #","jsonrpc":"2.0","result":"#.utf8)
        out.append(contentsOf: encodedResult.bytes)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
