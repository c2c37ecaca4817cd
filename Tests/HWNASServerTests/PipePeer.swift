import Foundation
import HWNASServer
import JSONRPC
import NASCore
import Synchronization
import XCTest

/// A server driven in-process through a pipe pair, and the client end that talks to it.
final class PipePeer: ClientConnection, @unchecked Sendable {
    let server: Server

    init(framing: Framing = .contentLength, options: ServerOptions = ServerOptions(), maxMessageBytes: Int = 1 << 20,
         register: (Server) -> Void = { _ in }) {
        var a: [Int32] = [0, 0], b: [Int32] = [0, 0]
        precondition(pipe(&a) == 0 && pipe(&b) == 0)
        // client writes a[1] -> server reads a[0]; server writes b[1] -> client reads b[0]
        let serverTransport = MessageTransport(input: a[0], output: b[1], framing: framing, maxMessageBytes: maxMessageBytes)
        let state = NSTemporaryDirectory() + "hwnas-test-\(UUID().uuidString)"
        server = Server(sink: serverTransport, options: options,
                        environment: ServerEnvironment(stateDirectory: state, logger: Logger(level: .error)))
        server.registerSpaceHandlers()
        register(server)
        let s = server
        serverTransport.start { s.receive($0) }
        super.init(serverInput: a[1], serverOutput: b[0], framing: framing)
    }

    /// Closes the server's input (end of input).
    func closeInput() { close(serverInput) }

    /// Sends initialize and waits for it.
    func initialize() {
        XCTAssertNotNil(call(0, "initialize", [:])?["result"])
    }
}

/// The error code of a response, if it is an error.
func errorCode(_ r: JSONValue?) -> Int? { r?["error"]?["code"]?.intValue }

/// Test request whose handler sleeps (polling cancellation) and reports progress.
struct SlowRequest: RequestType {
    static let method = "test/slow"
    typealias Response = SlowResult
    var ms: Int
    var resource: String?
    var write: Bool?
    var steps: Int?
}

struct SlowResult: Codable, Sendable {
    var done: Bool
    var partial: Bool?
}

extension Server {
    /// Registers `test/slow` (long) and `test/quickSlow` (quick) handlers.
    func registerSlowHandler(kind: RequestKind = .long, partial: Bool = false) {
        register(SlowRequest.self, kind: kind, returnsPartialResultOnCancel: partial, dependencies: { p in
            guard let r = p.resource else { return [] }
            return [p.write == true ? .write(r) : .read(r)]
        }) { p, ctx in
            let steps = max(p.steps ?? 1, 1)
            let start = Date()
            var step = 0
            while Date().timeIntervalSince(start) * 1000 < Double(p.ms) {
                if ctx.job.isCancelled {
                    if partial { return SlowResult(done: false, partial: true) }
                    throw NASError(.cancelled, "cancelled")
                }
                let now = Int(Date().timeIntervalSince(start) * 1000 * Double(steps) / Double(p.ms))
                if now > step && now <= steps {
                    step = now
                    ctx.job.report(ProgressReport(step: step, total: steps, values: ["generation": .int(step)]))
                }
                usleep(1000)
            }
            ctx.job.report(ProgressReport(step: steps, total: steps, values: ["generation": .int(steps)]))
            return SlowResult(done: true)
        }
    }
}

