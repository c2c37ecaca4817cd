import JSONRPC
import RequestServer
import Runtime
import Synchronization
import XCTest

/// `ProgressReporter`'s coalescing keeps the latest report of each part of a job.
final class ProgressReporterTests: XCTestCase {
    final class Recorder: MessageSink {
        let sent = Mutex<[JSONValue]>([])
        func send(_ message: JSONValue) -> Bool { sent.withLock { $0.append(message) }; return true }
    }

    /// `auto`'s networks train side by side under one token: a part's last report (its bar at
    /// 100 %) used to be replaced by the other part's next one and never sent.
    func testEachPartKeepsItsLastReportThroughCoalescing() {
        let sink = Recorder()
        let reporter = ProgressReporter(sink: sink, intervalMs: 10_000)  // everything after the first report waits
        reporter.begin(token: "t", title: "train")
        reporter.report(token: "t", ProgressReport(step: 1, total: 300, message: "(lut+mlp)"))
        reporter.report(token: "t", ProgressReport(step: 2, total: 300, message: "(lut+mlp)"))
        reporter.report(token: "t", ProgressReport(step: 1, total: 300, message: "(mlp)"))
        reporter.report(token: "t", ProgressReport(step: 300, total: 300, message: "(lut+mlp)"))
        reporter.report(token: "t", ProgressReport(step: 2, total: 300, message: "(mlp)"))
        reporter.end(token: "t")
        let values = sink.sent.withLock { $0 }.map { $0["params"]?["value"] }
        let reports = values.filter { $0?["kind"] == "report" }.map { "\($0?["message"]?.stringValue ?? "") \($0?["step"]?.intValue ?? -1)" }
        XCTAssertEqual(reports, ["(lut+mlp) 1", "(lut+mlp) 300", "(mlp) 2"])
        XCTAssertEqual(values.first??["kind"], "begin")
        XCTAssertEqual(values.last??["kind"], "end")
    }
}
