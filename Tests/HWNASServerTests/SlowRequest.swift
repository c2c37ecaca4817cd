import Foundation
import HWNASServer
import HWNASTestSupport
import JSONRPC
import NASCore
import XCTest

extension InProcessPeer {
    /// Sends initialize and asserts it succeeded.
    func initialize(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(sendInitialize(), "initialize got no result", file: file, line: line)
    }
}

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
