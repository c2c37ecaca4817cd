import Foundation
import Synchronization

/// What the transport's reader delivers to its handler.
public enum TransportEvent: Sendable {
    /// A frame event (a message body, or a malformed / too large frame).
    case frame(FrameEvent)
    /// End of input (the client closed its side or went away).
    case endOfInput
}

/// Byte transport of JSON-RPC messages over two file descriptors (stdin/stdout, or a pipe pair
/// in tests). A dedicated thread reads and frames the input; `send` writes whole frames under a
/// lock so frames never interleave. It knows nothing of JSON-RPC semantics.
public final class MessageTransport: Sendable {
    /// The framing of both directions.
    public let framing: Framing
    /// The largest incoming message body accepted.
    public let maxMessageBytes: Int
    private let input: Int32
    private let writer: Mutex<WriterState>

    private struct WriterState {
        var fd: Int32
        var open: Bool
    }

    /// A transport reading `input` and writing `output`; it does not take ownership of the fds.
    public init(input: Int32, output: Int32, framing: Framing, maxMessageBytes: Int) {
        self.input = input
        self.framing = framing
        self.maxMessageBytes = maxMessageBytes
        self.writer = Mutex(WriterState(fd: output, open: true))
    }

    /// Starts the reader thread; `handler` is called on it, in stream order, for each event,
    /// and last with `.endOfInput`.
    public func start(handler: @escaping @Sendable (TransportEvent) -> Void) {
        let fd = input
        let framing = framing
        let limit = maxMessageBytes
        let thread = Thread {
            var decoder = FrameDecoder(framing: framing, maxMessageBytes: limit)
            let chunkSize = 1 << 20
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { chunk.deallocate() }
            while true {
                let n = read(fd, chunk.baseAddress!, chunkSize)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                decoder.push(UnsafeRawBufferPointer(rebasing: chunk[0..<n])) { handler(.frame($0)) }
            }
            decoder.finish { handler(.frame($0)) }
            handler(.endOfInput)
        }
        thread.name = "jsonrpc.reader"
        thread.stackSize = 16 << 20
        thread.start()
    }

    /// Serializes and sends one message; false when the output is closed (client gone).
    @discardableResult
    public func send(_ message: JSONValue) -> Bool {
        send(body: JSONWriter.write(message))
    }

    /// Sends one message body, framed; false when the output is closed (client gone).
    @discardableResult
    public func send(body: [UInt8]) -> Bool {
        writer.withLock { w in
            guard w.open else { return false }
            let ok: Bool
            switch framing {
            case .contentLength:
                let header = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
                ok = Self.writeAll(w.fd, header) && Self.writeAll(w.fd, body)
            case .ndjson:
                ok = Self.writeAll(w.fd, body) && Self.writeAll(w.fd, [0x0A])
            }
            if !ok { w.open = false }
            return ok
        }
    }

    /// Whether the output still accepts messages.
    public var isOutputOpen: Bool { writer.withLock { $0.open } }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return false
                }
                off += n
            }
            return true
        }
    }
}
