import JSONRPC

/// Where the server's outgoing messages go: the transport, or a recorder in tests.
public protocol MessageSink: Sendable {
    /// Sends one message; false when the peer is gone.
    @discardableResult
    func send(_ message: JSONValue) -> Bool

    /// Sends one message given as its JSON text (an answer kept encoded); false when the peer is gone.
    @discardableResult
    func send(body: [UInt8]) -> Bool

    /// Blocks while the peer leaves too much output unread (backpressure); false once the peer
    /// is gone. Jobs call it before they start and at each progress report.
    @discardableResult
    func waitUntilWritable() -> Bool
}

extension MessageSink {
    /// Sinks without a bounded queue never make anyone wait.
    public func waitUntilWritable() -> Bool { true }

    /// Sinks that take values get the text's value.
    @discardableResult
    public func send(body: [UInt8]) -> Bool {
        guard let value = try? JSONParser.parse(body, maxDepth: .max) else { return false }
        return send(value)
    }
}

extension MessageTransport: MessageSink {}

/// Collects the responses of one batch and sends them as one array when all are in.
final class BatchCollector: Sendable {
    private let sink: any MessageSink
    private let state: Mutex<(expected: Int, responses: [JSONValue])>

    init(sink: any MessageSink, expected: Int) {
        self.sink = sink
        self.state = Mutex((expected, []))
    }

    func add(_ response: JSONValue) {
        let done: [JSONValue]? = state.withLock { s in
            s.responses.append(response)
            return s.responses.count == s.expected ? s.responses : nil
        }
        if let done { sink.send(.array(done)) }
    }
}

/// Where one request's response goes.
enum Responder: Sendable {
    case direct(any MessageSink)
    case batch(BatchCollector)

    func send(_ response: JSONValue) {
        switch self {
        case .direct(let s): s.send(response)
        case .batch(let b): b.add(response)
        }
    }

    /// Sends the response `id` → `result`, kept encoded: its bytes as they are where they go
    /// straight out; a batch, which answers with one array, takes its value.
    func send(id: RequestID, encodedResult result: EncodedJSON) {
        switch self {
        case .direct(let s): s.send(body: OutgoingMessage.response(id: id, encodedResult: result))
        case .batch(let b): b.add(OutgoingMessage.response(id: id, result: result.value))
        }
    }
}

import Synchronization
