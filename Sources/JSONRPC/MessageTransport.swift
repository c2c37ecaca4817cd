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
///
/// With `maxOutputBytes`, output is queued and written by a writer thread, with backpressure:
/// while that many bytes wait for a peer that does not read, `send` blocks, and the reader stops
/// reading input until the peer drains its side (`OutputQueue`; small messages leave before big
/// ones that are still waiting). Without it `send` writes
/// synchronously (clients and tests that interleave raw bytes).
public final class MessageTransport: Sendable {
    /// The framing of both directions.
    public let framing: Framing
    /// The largest incoming message body accepted.
    public let maxMessageBytes: Int
    /// The outgoing queue's byte limit (nil: synchronous writes).
    public var maxOutputBytes: Int? { queue?.limit }
    private let input: Int32
    private let writer: Mutex<WriterState>
    private let queue: OutputQueue?

    private struct WriterState {
        var fd: Int32
        var open: Bool
    }

    /// A transport reading `input` and writing `output`; it does not take ownership of the fds.
    /// With `maxOutputBytes`, writes go through a bounded queue and a writer thread (see above).
    public init(input: Int32, output: Int32, framing: Framing, maxMessageBytes: Int, maxOutputBytes: Int? = nil) {
        self.input = input
        self.framing = framing
        self.maxMessageBytes = maxMessageBytes
        self.writer = Mutex(WriterState(fd: output, open: true))
        self.queue = maxOutputBytes.map(OutputQueue.init(limit:))
        if let queue { startWriter(queue: queue, fd: output) }
    }

    private func startWriter(queue: OutputQueue, fd: Int32) {
        let thread = Thread { [self] in
            while let frame = queue.next() {
                let ok = Self.writeAll(fd, frame)
                queue.finished(frame.count)
                if !ok {
                    writer.withLock { $0.open = false }
                    queue.close()
                    return
                }
            }
        }
        thread.name = "hwnasd.writer"
        thread.start()
    }

    /// Starts the reader thread; `handler` is called on it, in stream order, for each event,
    /// and last with `.endOfInput`.
    public func start(handler: @escaping @Sendable (TransportEvent) -> Void) {
        let fd = input
        let framing = framing
        let limit = maxMessageBytes
        let queue = queue
        let thread = Thread {
            var decoder = FrameDecoder(framing: framing, maxMessageBytes: limit)
            let chunkSize = 1 << 20
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { chunk.deallocate() }
            while true {
                // Backpressure: read nothing more while the peer leaves our output unread.
                queue?.waitForSpace()
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
        if let queue {
            var frame: [UInt8]
            switch framing {
            case .contentLength:
                frame = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
                frame.append(contentsOf: body)
            case .ndjson:
                frame = body
                frame.append(0x0A)
            }
            return queue.enqueue(frame)
        }
        return writer.withLock { w in
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
    public var isOutputOpen: Bool { queue?.isOpen ?? writer.withLock { $0.open } }

    /// Blocks while the outgoing queue is full (returns at once without a queue); false once the
    /// output is closed. Work that produces output calls it at safe points to pause.
    @discardableResult
    public func waitUntilWritable() -> Bool { queue?.waitForSpace() ?? isOutputOpen }

    /// Bytes queued for the peer and not yet written (0 without a queue).
    public var pendingOutputBytes: Int { queue?.pendingBytes ?? 0 }

    /// Waits until queued output is written; gives up after `idleTimeout` seconds without
    /// progress (a peer that no longer reads). True when everything went out.
    @discardableResult
    public func flushOutput(idleTimeout: Double) -> Bool { queue?.flush(idleTimeout: idleTimeout) ?? true }

    /// Treats the output as closed (the peer is gone): queued frames are dropped, waiters wake.
    public func closeOutput() {
        writer.withLock { $0.open = false }
        queue?.close()
    }

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
