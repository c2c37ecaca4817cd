import Foundation
import JSONRPC
import Synchronization

/// The client end of a JSON-RPC connection: sends requests and notifications, and collects what
/// the server sends in a `MessageInbox` (a frame that is not JSON is kept as a string describing
/// it). It talks either over two file descriptors (a reader thread frames the server's output)
/// or over any byte writer, e.g. an `InMemoryChannel` (then the owner feeds `receive`).
/// Tests, benchmarks and tools subclass it to add how the server is started.
open class ClientConnection: @unchecked Sendable {
    /// Everything received, not yet taken.
    public let inbox = MessageInbox()
    /// The framing of both directions.
    public let framing: Framing
    /// Writes bytes to the server's input, whole and in call order.
    private let output: @Sendable ([UInt8]) -> Void
    /// Closes the server's input.
    private let closeOutput: @Sendable () -> Void

    /// Connects to a server that reads `serverInput` and writes `serverOutput`, and starts reading.
    public init(serverInput: Int32, serverOutput: Int32, framing: Framing, maxMessageBytes: Int = 1 << 30) {
        self.framing = framing
        let writer = Mutex(serverInput)
        output = { bytes in writer.withLock { fd in if fd >= 0 { Self.writeAll(fd, bytes) } } }
        closeOutput = {
            writer.withLock { fd in
                if fd >= 0 { close(fd) }
                fd = -1
            }
        }
        let transport = MessageTransport(input: serverOutput, output: serverInput, framing: framing, maxMessageBytes: maxMessageBytes)
        transport.start { [inbox] event in Self.deliver(event, to: inbox) }
    }

    /// Connects through `write` (bytes for the server's input) and `close` (end of its input);
    /// the owner passes what the server sends to `receive`.
    public init(framing: Framing, write: @escaping @Sendable ([UInt8]) -> Void, close: @escaping @Sendable () -> Void) {
        self.framing = framing
        output = write
        closeOutput = close
    }

    /// Takes one event of the server's output (a frame, or its end).
    public func receive(_ event: TransportEvent) { Self.deliver(event, to: inbox) }

    private static func deliver(_ event: TransportEvent, to inbox: MessageInbox) {
        switch event {
        case .frame(.message(let body)):
            inbox.append((try? JSONParser.parse(body)) ?? .string("unparsable: \(String(decoding: body, as: UTF8.self))"))
        case .frame(let other):
            inbox.append(.string("bad frame: \(other)"))
        case .endOfInput:
            break
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                off += n
            }
        }
    }

    /// Closes the server's input (end of input).
    open func closeInput() { closeOutput() }

    /// Sends one message, framed.
    public func send(_ message: JSONValue) { output(framed(JSONWriter.write(message))) }

    /// Writes raw bytes to the server's input (to test malformed input).
    public func sendRaw(_ bytes: [UInt8]) { output(bytes) }

    /// `body` framed as this connection's framing expects.
    public func framed(_ body: String) -> [UInt8] { framed(Array(body.utf8)) }

    /// `body` framed as this connection's framing expects.
    public func framed(_ body: [UInt8]) -> [UInt8] { framing.frame(body) }

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
