import Foundation
import HWNASServer
import JSONRPC
import RequestServer
import Runtime
import Synchronization

/// A server driven in-process through two `InMemoryChannel`s (no pipes, no threads of its own
/// besides the channels' queues), and the client end that talks to it.
public final class InProcessPeer: ClientConnection, @unchecked Sendable {
    /// The server under test (handlers may be registered on it at any time).
    public let server: Server

    /// A server with the lifecycle and space methods, plus whatever `register` adds, reading
    /// frames of at most `maxMessageBytes`.
    public init(framing: Framing = .contentLength, options: ServerOptions = ServerOptions(), maxMessageBytes: Int = 1 << 20,
                register: (Server) -> Void = { _ in }) {
        let toClient = Mutex(WeakClient())
        let clientSide = InMemoryChannel(framing: framing, label: "hwnas.test.toClient") { event in
            toClient.withLock { $0.client }?.receive(event)
        }
        server = Server(sink: ChannelSink(channel: clientSide), options: options, logger: Logger(level: .error))
        server.registerLifecycleHandlers(catalog: ServerCatalog())
        server.registerSpaceHandlers()
        register(server)
        let s = server
        let serverSide = InMemoryChannel(framing: framing, maxMessageBytes: maxMessageBytes, label: "hwnas.test.toServer") {
            s.receive($0)
        }
        super.init(framing: framing, write: { serverSide.write($0) }, close: { serverSide.close() })
        toClient.withLock { $0.client = self }
    }

    /// Sends initialize and waits for its result; false when none came.
    public func sendInitialize() -> Bool {
        call(0, "initialize", [:])?["result"] != nil
    }
}

/// The client end as the server-to-client channel sees it (weakly: the peer owns the server).
private struct WeakClient {
    weak var client: ClientConnection?
}
