import Foundation
import HWNASTestSupport
import XCTest

/// Where the daemon finds its fixtures, through the real binary.
final class FixturesEndToEndTests: XCTestCase {
    func testAFixturesPathThatIsNoFixturesDirectoryIsAWarningNotSilence() throws {
        // `--fixtures` (or HWNASD_FIXTURES) naming a missing directory used to be passed over in
        // silence for the checkout's fixtures: a typo served other data than the one asked for.
        let state = NSTemporaryDirectory() + "hwnasd-fixtures-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: state) }
        let missing = NSTemporaryDirectory() + "no-such-fixtures-\(UUID().uuidString)"
        let p = Process(), input = Pipe(), err = Pipe()
        p.executableURL = URL(fileURLWithPath: DaemonProcess.binaryPath)
        p.arguments = ["--ndjson", "--state", state, "--fixtures", missing]
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        input.fileHandleForWriting.write(Data("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("[warn] fixtures: \(missing) is not a fixtures directory (no nb201/ in it); using "), text)
    }
}
