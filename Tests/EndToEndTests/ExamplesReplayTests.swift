import Foundation
import HWNASTestSupport
import JSONRPC
import XCTest

/// Replays protocol/examples/*.jsonl against the real binary in both framings.
///
/// Each line is `{"send": message}` or `{"expect": pattern}`. An expect waits for the first
/// received, not yet matched message that matches the pattern: every key of an object pattern
/// must be present with a matching value, arrays match element by element with equal length,
/// the string `"*"` matches any value, and other values must be equal.
final class ExamplesReplayTests: XCTestCase {
    static var examplesDirectory: URL {
        RepositoryFiles.root.appendingPathComponent("protocol/examples")
    }

    static func matches(_ pattern: JSONValue, _ value: JSONValue) -> Bool {
        switch (pattern, value) {
        case (.string("*"), _): return true
        case (.object(let p), .object(let v)):
            return p.allSatisfy { k, pv in v[k].map { matches(pv, $0) } ?? false }
        case (.array(let p), .array(let v)):
            return p.count == v.count && zip(p, v).allSatisfy { matches($0, $1) }
        default: return pattern == value
        }
    }

    func testMatchingRule() {
        XCTAssertTrue(Self.matches(["a": "*", "b": [1, ["c": 2]]], ["a": [1], "b": [1, ["c": 2, "d": 3]], "e": 0]))
        XCTAssertFalse(Self.matches(["a": "*"], ["b": 1]))
        XCTAssertFalse(Self.matches(["b": [1]], ["b": [1, 2]]))
    }

    func testEveryExampleReplays() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.examplesDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "jsonl" }.sorted { $0.path < $1.path }
        XCTAssertGreaterThanOrEqual(files.count, 3)
        for file in files {
            for f in [Framing.contentLength, .ndjson] {
                let d = try DaemonProcess(framing: f)
                let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                for (n, line) in lines.enumerated() {
                    let step = try JSONParser.parse(String(line))
                    if let msg = step["send"] {
                        d.send(msg)
                    } else if let pattern = step["expect"] {
                        let got = d.wait(timeout: 20) { Self.matches(pattern, $0) }
                        XCTAssertNotNil(got, "\(file.lastPathComponent):\(n + 1) (\(f)): nothing matched \(pattern); received \(d.pending)")
                    } else if let code = step["exitCode"]?.intValue {
                        XCTAssertEqual(d.waitForExit().map(Int.init), code, "\(file.lastPathComponent):\(n + 1)")
                    } else {
                        XCTFail("\(file.lastPathComponent):\(n + 1): a line needs send, expect or exitCode")
                    }
                }
            }
        }
    }
}
