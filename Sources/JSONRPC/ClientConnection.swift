import Foundation

/// The client end of a JSON-RPC connection over two file descriptors: sends requests and
/// notifications, and collects what the server sends in a `MessageInbox` (a reader thread
/// parses each frame; a frame that is not JSON is kept as a string describing it).
/// Tests, benchmarks and tools subclass it to add how the server is started.
open class ClientConnection: @unchecked Sendable {
    /// The framed transport (reads the server's output, writes its input).
    public let transport: MessageTransport
    /// Everything received, not yet taken.
    public let inbox = MessageInbox()
    /// The file descriptor the server reads.
    public let serverInput: Int32

    /// Connects to a server that reads `serverInput` and writes `serverOutput`, and starts reading.
    public init(serverInput: Int32, serverOutput: Int32, framing: Framing, maxMessageBytes: Int = 1 << 30) {
        self.serverInput = serverInput
        transport = MessageTransport(input: serverOutput, output: serverInput, framing: framing, maxMessageBytes: maxMessageBytes)
        transport.start { [inbox] event in
            switch event {
            case .frame(.message(let body)):
                inbox.append((try? JSONParser.parse(body)) ?? .string("unparsable: \(String(decoding: body, as: UTF8.self))"))
            case .frame(let other):
                inbox.append(.string("bad frame: \(other)"))
            case .endOfInput:
                break
            }
        }
    }

    /// The framing in use.
    public var framing: Framing { transport.framing }

    /// Sends one message, framed.
    public func send(_ message: JSONValue) { transport.send(message) }

    /// Writes raw bytes to the server's input (to test malformed input).
    public func sendRaw(_ bytes: [UInt8]) {
        let fd = serverInput
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { return }
                off += n
            }
        }
    }

    /// `body` framed as this connection's framing expects.
    public func framed(_ body: String) -> [UInt8] {
        framing == .ndjson ? Array((body + "\n").utf8) : Array("Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    }

    /// Sends a request with an integer id.
    public func sendRequest(_ id: Int, _ method: String, _ params: JSONValue? = nil) {
        var o: [String: JSONValue] = ["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method)]
        if let params { o["params"] = params }
        send(.object(o))
    }

    /// Sends a notification.
    public func notify(_ method: String, _ params: JSONValue? = nil) {
        var o: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { o["params"] = params }
        send(.object(o))
    }

    /// Takes the first received message matching `predicate`, waiting up to `timeout` seconds.
    public func wait(timeout: TimeInterval = 20, _ predicate: (JSONValue) -> Bool) -> JSONValue? {
        inbox.take(timeout: timeout, predicate)
    }

    /// Takes the response with `id`.
    public func response(_ id: Int, timeout: TimeInterval = 20) -> JSONValue? {
        wait(timeout: timeout) { $0["id"] == .number(Double(id)) }
    }

    /// Sends a request and waits for its response.
    public func call(_ id: Int, _ method: String, _ params: JSONValue? = nil) -> JSONValue? {
        sendRequest(id, method, params)
        return response(id)
    }

    /// Messages received and not taken.
    public var pending: [JSONValue] { inbox.all }
}
