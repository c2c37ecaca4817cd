// hwnas-bench rpc: latencies of the JSON-RPC server, in process over a pipe pair:
// cancellation of a running long request (time from $/cancelRequest to the -32800 response),
// and a quick request's round trip while a CPU-bound long request runs.
import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore

private struct SpinRequest: RequestType {
    static let method = "bench/spin"
    typealias Response = NullResult
}

private struct PingRequest: RequestType {
    static let method = "bench/ping"
    typealias Response = NullResult
}

func runRPCBench(arguments: [String]) throws {
    let trials = arguments.first.flatMap(Int.init) ?? 50
    var a: [Int32] = [0, 0], b: [Int32] = [0, 0]
    guard pipe(&a) == 0, pipe(&b) == 0 else { throw NASError(.internal, "pipe failed") }
    let serverSide = MessageTransport(input: a[0], output: b[1], framing: .contentLength, maxMessageBytes: 1 << 26)
    let server = Server(sink: serverSide)
    server.registerLifecycleHandlers(catalog: ServerCatalog())
    server.register(SpinRequest.self, kind: .long) { _, ctx in
        var x = 0.0
        while !ctx.job.isCancelled {  // CPU-bound loop polling the flag every ~1e5 operations
            for i in 0..<100_000 { x += Double(i).squareRoot() }
        }
        if x < 0 { print(x) }
        throw NASError(.cancelled, "cancelled")
    }
    server.register(PingRequest.self) { _, _ in NullResult() }
    serverSide.start { server.receive($0) }
    let client = MessageTransport(input: b[0], output: a[1], framing: .contentLength, maxMessageBytes: 1 << 26)
    let inbox = MessageInbox()
    client.start { if case .frame(.message(let m)) = $0, let v = try? JSONParser.parse(m) { inbox.append(v) } }
    func request(_ id: Int, _ method: String) { client.send(["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method)]) }
    request(0, "initialize")
    _ = inbox.take(timeout: 10) { $0["id"] == 0 }

    var cancel: [Double] = [], ping: [Double] = []
    var id = 1
    for _ in 0..<trials {
        let longID = id
        request(longID, "bench/spin")
        usleep(5000)
        for _ in 0..<3 {
            id += 1
            let pingID = id
            let t0 = DispatchTime.now().uptimeNanoseconds
            request(pingID, "bench/ping")
            _ = inbox.take(timeout: 10) { $0["id"] == .number(Double(pingID)) }
            ping.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        client.send(["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": .number(Double(longID))]])
        let r = inbox.take(timeout: 10) { $0["id"] == .number(Double(longID)) }
        precondition(r?["error"]?["code"] == -32800)
        cancel.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        id += 1
    }
    func summary(_ xs: [Double]) -> String {
        let s = xs.sorted()
        return String(format: "median %.2f ms, p95 %.2f ms, max %.2f ms (n=%d)", s[s.count / 2], s[Int(Double(s.count - 1) * 0.95)], s.last!, s.count)
    }
    print("hwnas-bench rpc (in process, LSP framing, \(ProcessInfo.processInfo.activeProcessorCount) cores):")
    print("  cancel -> -32800 of a CPU-bound long request: \(summary(cancel))")
    print("  quick request round trip while it runs:       \(summary(ping))")
}
