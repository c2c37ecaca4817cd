import Foundation
import JSONRPC
import XCTest

/// The real `hwnasd` binary run as a subprocess, with a client end on its stdin/stdout.
final class DaemonProcess: @unchecked Sendable {
    let process = Process()
    let framing: Framing
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let inbox = MessageInbox()
    private let reader: MessageTransport
    let stateDirectory: String

    /// The built binary: $HWNASD, else next to the test bundle, else <package>/.build/debug/hwnasd.
    static var binaryPath: String {
        if let p = ProcessInfo.processInfo.environment["HWNASD"] { return p }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("hwnasd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/hwnasd").path
    }

    /// Starts `hwnasd` with `arguments` (plus `--ndjson` for NDJSON framing and a fresh `--state`).
    init(framing: Framing, arguments: [String] = []) throws {
        self.framing = framing
        stateDirectory = NSTemporaryDirectory() + "hwnasd-e2e-\(UUID().uuidString)"
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = (framing == .ndjson ? ["--ndjson"] : []) + ["--state", stateDirectory] + arguments
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle.nullDevice
        reader = MessageTransport(input: stdoutPipe.fileHandleForReading.fileDescriptor,
                                  output: stdinPipe.fileHandleForWriting.fileDescriptor, framing: framing, maxMessageBytes: 1 << 30)
        try process.run()
        reader.start { [inbox] event in
            switch event {
            case .frame(.message(let body)):
                inbox.append((try? JSONParser.parse(body)) ?? .string("unparsable: \(String(decoding: body, as: UTF8.self))"))
            case .frame(let other):
                inbox.append(.string("bad frame from daemon: \(other)"))
            case .endOfInput:
                break
            }
        }
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    /// Sends one message, framed.
    func send(_ message: JSONValue) { reader.send(message) }

    /// Writes raw bytes to the daemon's stdin.
    func sendRaw(_ bytes: [UInt8]) {
        let fd = stdinPipe.fileHandleForWriting.fileDescriptor
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { return }
                off += n
            }
        }
    }

    /// Frames `body` as this daemon's framing expects.
    func framed(_ body: String) -> [UInt8] {
        framing == .ndjson ? Array((body + "\n").utf8) : Array("Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    }

    /// Sends a request.
    func sendRequest(_ id: Int, _ method: String, _ params: JSONValue? = nil) {
        var o: [String: JSONValue] = ["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method)]
        if let params { o["params"] = params }
        send(.object(o))
    }

    /// Sends a notification.
    func notify(_ method: String, _ params: JSONValue? = nil) {
        var o: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { o["params"] = params }
        send(.object(o))
    }

    /// Waits for the first message matching `predicate`.
    func wait(timeout: TimeInterval = 20, _ predicate: (JSONValue) -> Bool) -> JSONValue? {
        inbox.take(timeout: timeout, predicate)
    }

    /// Waits for the response with `id`.
    func response(_ id: Int, timeout: TimeInterval = 20) -> JSONValue? {
        wait(timeout: timeout) { $0["id"] == .number(Double(id)) }
    }

    /// Sends a request and waits for its response.
    func call(_ id: Int, _ method: String, _ params: JSONValue? = nil) -> JSONValue? {
        sendRequest(id, method, params)
        return response(id)
    }

    /// Messages received and not taken.
    var pending: [JSONValue] { inbox.all }

    /// Closes stdin (end of input).
    func closeInput() { try? stdinPipe.fileHandleForWriting.close() }

    /// Waits for the process to end; its exit code, or nil on timeout.
    func waitForExit(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5000) }
        return process.isRunning ? nil : process.terminationStatus
    }
}


/// The error code of a response, if it is an error.
func errorCode(_ r: JSONValue?) -> Int? { r?["error"]?["code"]?.intValue }
