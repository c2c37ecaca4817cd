import Foundation
import HWNASTestSupport
import JSONRPC
import XCTest

/// The state directory is owned through the real binary: one daemon per directory (a second one
/// refuses to start, or reads with --read-only), temporaries no id can collide with, clear
/// storage errors, failed saves that register nothing, and validated model files.
final class StateOwnershipEndToEndTests: XCTestCase {
    func makeStateDirectory() -> String {
        let dir = NSTemporaryDirectory() + "hwnasd-e2e-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    /// Runs hwnasd with `arguments` and stdin at end of input; (exit code, stderr).
    func runToExit(_ arguments: [String]) throws -> (Int32, String) {
        let p = Process(), err = Pipe()
        p.executableURL = URL(fileURLWithPath: DaemonProcess.binaryPath)
        p.arguments = arguments
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    func started(_ state: String, _ extra: [String] = []) throws -> DaemonProcess {
        let d = try DaemonProcess(framing: .ndjson, arguments: ["--state", state] + extra)
        XCTAssertNotNil(d.call(1, "initialize")?["result"])
        return d
    }

    func ids(_ d: DaemonProcess, _ id: Int) -> [String] {
        d.call(id, "hwnas/listPredictors")?["result"]?["predictors"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    func lut(_ id: String) -> JSONValue { ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 300, "id": .string(id)] }

    func testASecondDaemonRefusesTheDirectoryOrReadsItWithReadOnly() throws {
        let state = makeStateDirectory()
        let first = try started(state)
        XCTAssertNotNil(first.call(2, "train", lut("mine"))?["result"])

        let (code, message) = try runToExit(["--state", state])
        XCTAssertEqual(code, 3, message)
        XCTAssertTrue(message.contains("in use by another hwnasd") && message.contains("--read-only"), message)

        let reader = try started(state, ["--read-only"])
        XCTAssertEqual(ids(reader, 2), ["mine"])
        XCTAssertEqual(reader.call(3, "predict", ["predictor": "mine", "archs": [1]])?["result"]?["latency_ms"]?.arrayValue?.count, 1)
        let save = reader.call(4, "save", ["predictor": "mine"])
        XCTAssertEqual(errorCode(save), -32030)
        XCTAssertTrue(save?["error"]?["message"]?.stringValue?.contains("read-only") ?? false, "\(String(describing: save))")
        // A train whose save fails is an error and leaves nothing registered.
        XCTAssertEqual(errorCode(reader.call(5, "train", lut("theirs"))), -32030)
        XCTAssertEqual(ids(reader, 6), ["mine"])
        XCTAssertEqual(errorCode(reader.call(7, "deletePredictor", ["predictor": "mine"])), -32030)
        XCTAssertTrue(FileManager.default.fileExists(atPath: state + "/predictors/mine.hwnp"))
        // The owner still saves.
        XCTAssertNotNil(first.call(8, "train", lut("second"))?["result"])
    }

    func testAnIdContainingTmpSurvivesARestartAndOnlyDeadWritersTemporariesAreRemoved() throws {
        let state = makeStateDirectory()
        do {
            let d = try started(state)
            XCTAssertNotNil(d.call(2, "train", lut("resnet.tmp-v2"))?["result"])
            XCTAssertNotNil(d.call(3, "shutdown"))
            d.notify("exit")
            XCTAssertEqual(d.waitForExit(), 0)
        }
        // A temporary of a process that is gone, and one of a live process (this test).
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let dir = state + "/predictors/"
        let stale = dir + ".tmp-\(dead.processIdentifier)-123"
        let live = dir + ".tmp-\(getpid())-456"
        for f in [stale, live] { XCTAssertTrue(FileManager.default.createFile(atPath: f, contents: Data("x".utf8))) }

        let d = try started(state)
        XCTAssertEqual(ids(d, 2), ["resnet.tmp-v2"])
        XCTAssertEqual(d.call(3, "predict", ["predictor": "resnet.tmp-v2", "archs": [1]])?["result"]?["latency_ms"]?.arrayValue?.count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale), "the dead writer's temporary was kept")
        XCTAssertTrue(FileManager.default.fileExists(atPath: live), "a live writer's temporary was removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "resnet.tmp-v2.hwnp"))
    }

    func testAFileInPlaceOfPredictorsIsAStartupError() throws {
        for sub in ["predictors", "generators"] {
            let state = makeStateDirectory()
            XCTAssertTrue(FileManager.default.createFile(atPath: state + "/" + sub, contents: Data("not a directory".utf8)))
            let (code, message) = try runToExit(["--state", state])
            XCTAssertEqual(code, 1, "\(sub): \(message)")
            XCTAssertTrue(message.contains(sub) && message.contains("not a directory"), message)
        }
    }

    func testAnUnusableStateDirectorySaysHowToFixIt() throws {
        // It used to say only what was wrong ("... exists and is not a directory"), not what to do.
        let state = makeStateDirectory() + "/a-file"
        XCTAssertTrue(FileManager.default.createFile(atPath: state, contents: Data("x".utf8)))
        let (code, message) = try runToExit(["--state", state])
        XCTAssertEqual(code, 1, message)
        XCTAssertTrue(message.contains("not a directory") && message.contains("give --state a directory this user can write")
                      && message.contains("--read-only"), message)
    }

    func testAFailedSaveRegistersNothing() throws {
        let state = makeStateDirectory()
        let d = try started(state, ["--max-file-bytes", "64"])
        let r = d.call(2, "train", lut("toolarge"))
        XCTAssertEqual(errorCode(r), -32030, "\(String(describing: r))")
        XCTAssertFalse(ids(d, 3).contains("toolarge"))
        XCTAssertEqual(errorCode(d.call(4, "predict", ["predictor": "toolarge", "archs": [1]])), -32011)
        // Not saving still registers.
        var p = lut("inmemory")
        if case .object(var o) = p { o["save"] = false; p = .object(o) }
        XCTAssertNotNil(d.call(5, "train", p)?["result"])
        XCTAssertTrue(ids(d, 6).contains("inmemory"))
    }

    /// A checksum-valid predictor file whose LUT bias is NaN, or which lacks a cost, is -32031 on
    /// `load` and skipped at start (it used to load and predict null latencies).
    func testInvalidModelNumbersAndShapesAreCorruptFiles() throws {
        let state = makeStateDirectory()
        let d = try started(state)
        XCTAssertNotNil(d.call(2, "train", lut("good"))?["result"])
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: state + "/predictors/good.hwnp")))
        let nan = try rewriteLUT(good) { bias, costs in bias = .nan }
        let short = try rewriteLUT(good) { bias, costs in costs.removeLast() }
        for (name, bytes) in [("nan", nan), ("short", short)] {
            let path = state + "/" + name + ".hwnp"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let r = d.call(10, "load", ["path": .string(path)])
            XCTAssertEqual(errorCode(r), -32031, "\(name): \(String(describing: r))")
        }
        XCTAssertEqual(ids(d, 11), ["good"])
    }

    /// Rewrites the LUT of a predictor file (`model: lut`), keeping it checksum-valid.
    func rewriteLUT(_ file: [UInt8], _ change: (inout Double, inout [Double]) -> Void) throws -> [UInt8] {
        var payload = Array(file[20..<(file.count - 8)])
        var i = 0
        func u32() -> Int { defer { i += 4 }; return (0..<4).reduce(0) { $0 | Int(payload[i + $1]) << (8 * $1) } }
        func u64() -> UInt64 { defer { i += 8 }; return (0..<8).reduce(UInt64(0)) { $0 | UInt64(payload[i + $1]) << (8 * UInt64($1)) } }
        i += u32()  // id
        i += u32()  // space
        i += 1      // has device
        i += u32()  // device
        if payload[i] == 1 {  // device spec
            i += 1
            for _ in 0..<u32() { i += u32(); i += 8 }
        } else {
            i += 1
        }
        guard payload[i] == 1 else { throw XCTSkip("not a LUT model") }
        i += 1
        let start = i
        var bias = Double(bitPattern: u64())
        var costs = (0..<Int(u64())).map { _ in Double(bitPattern: u64()) }
        let end = i
        change(&bias, &costs)
        var lut: [UInt8] = []
        func put(_ v: UInt64) { for k in 0..<8 { lut.append(UInt8((v >> (8 * UInt64(k))) & 0xFF)) } }
        put(bias.bitPattern)
        put(UInt64(costs.count))
        for c in costs { put(c.bitPattern) }
        payload.replaceSubrange(start..<end, with: lut)
        var out = Array(file[0..<12])
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in payload { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        for k in 0..<8 { out.append(UInt8((UInt64(payload.count) >> (8 * UInt64(k))) & 0xFF)) }
        out += payload
        for k in 0..<8 { out.append(UInt8((h >> (8 * UInt64(k))) & 0xFF)) }
        return out
    }
}

/// An over-long NDJSON line is refused while it is still arriving, not when it ends.
final class LongLineEndToEndTests: XCTestCase {
    func testAnOverLongLineIsRefusedBeforeItEnds() throws {
        let d = try DaemonProcess(framing: .ndjson, arguments: ["--max-message-bytes", "1048576"])
        XCTAssertNotNil(d.call(1, "initialize")?["result"])
        d.sendRaw(Array(#"{"jsonrpc":"2.0","id":2,"method":"encode","params":{"space":"nb201","archs":["#.utf8))
        let chunk = Array(String(repeating: "1,", count: 1 << 19).utf8)
        for _ in 0..<3 { d.sendRaw(chunk) }  // 3 MiB, no newline yet
        let e = d.wait(timeout: 10) { $0["id"] == .null }
        XCTAssertEqual(errorCode(e), -32040, "no refusal while the line was open")
        d.sendRaw(Array("1]}}\n".utf8))
        XCTAssertNil(d.response(2, timeout: 0.3))
        XCTAssertNotNil(d.call(3, "encode", ["space": "nb201", "archs": [1]])?["result"])
    }
}
