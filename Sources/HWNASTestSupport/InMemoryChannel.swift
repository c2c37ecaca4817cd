import Dispatch
import JSONRPC
import RequestServer
import Synchronization

/// One direction of an in-memory byte stream, in place of a pipe: bytes written (from any
/// thread, each write whole) are framed by a `FrameDecoder` and delivered, in write order, to
/// one reader on a serial queue, the way `MessageTransport`'s reader thread delivers a file
/// descriptor's frames; `close` delivers what is left and then `.endOfInput`. Later writes are
/// dropped, as a closed pipe's would be.
public final class InMemoryChannel: Sendable {
    private struct State {
        var decoder: FrameDecoder
        var closed = false
    }

    /// The framing of the stream.
    public let framing: Framing
    private let queue: DispatchQueue
    private let state: Mutex<State>
    private let reader: @Sendable (TransportEvent) -> Void

    /// A channel framing with `framing`, skipping bodies over `maxMessageBytes`, delivering to `reader`.
    public init(framing: Framing, maxMessageBytes: Int = 1 << 30, label: String = "hwnas.channel",
                reader: @escaping @Sendable (TransportEvent) -> Void) {
        self.framing = framing
        queue = DispatchQueue(label: label)
        state = Mutex(State(decoder: FrameDecoder(framing: framing, maxMessageBytes: maxMessageBytes)))
        self.reader = reader
    }


    /// Writes `bytes`; they reach the reader after every earlier write.
    public func write(_ bytes: [UInt8]) {
        queue.async { [self] in
            let events: [FrameEvent] = state.withLock { s in
                guard !s.closed else { return [] }
                var out: [FrameEvent] = []
                bytes.withUnsafeBytes { raw in s.decoder.push(raw) { out.append($0) } }
                return out
            }
            for e in events { reader(.frame(e)) }
        }
    }

    /// Ends the stream: the reader gets what the decoder still holds, then `.endOfInput`, once.
    public func close() {
        queue.async { [self] in
            let events: [FrameEvent]? = state.withLock { s in
                guard !s.closed else { return nil }
                s.closed = true
                var out: [FrameEvent] = []
                s.decoder.finish { out.append($0) }
                return out
            }
            guard let events else { return }
            for e in events { reader(.frame(e)) }
            reader(.endOfInput)
        }
    }
}

/// A `MessageSink` writing each message, serialized and framed, into an `InMemoryChannel`.
public struct ChannelSink: MessageSink {
    /// Where the frames go.
    public let channel: InMemoryChannel

    /// A sink into `channel`.
    public init(channel: InMemoryChannel) { self.channel = channel }

    /// Sends one message; always true (the in-memory peer never goes away).
    @discardableResult
    public func send(_ message: JSONValue) -> Bool {
        send(body: JSONWriter.write(message))
    }

    /// Sends one message given as its text, framed as the transport frames it.
    @discardableResult
    public func send(body: [UInt8]) -> Bool {
        channel.write(channel.framing.frame(body))
        return true
    }
}
