import JSONRPC

/// Where the server's outgoing messages go: the transport, or a recorder in tests.
public protocol MessageSink: Sendable {
    /// Sends one message; false when the peer is gone.
    @discardableResult
    func send(_ message: JSONValue) -> Bool
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
}

import Synchronization
