import Foundation
import Synchronization
import XCTest
@testable import NASCore

/// A toy stored format: a text in an envelope, summarized by its length; counts file reads so
/// the tests see which files start-up reads.
private enum TextFormat: StoredFormat {
    static let kind = "text"
    static let fileExtension = "txtb"
    static let summaryVersion: UInt32 = 1
    static let envelope = BinaryEnvelope(magic: Array("TESTTEXT".utf8), version: 1)
    static let reads = Mutex<[String]>([])

    static func read(_ path: String, maxBytes: Int) throws(NASError) -> String {
        reads.withLock { $0.append(path.split(separator: "/").last.map(String.init) ?? path) }
        let bytes = try envelope.read(path, kind: kind, maxBytes: maxBytes)
        guard case .success(let range) = envelope.payloadRange(of: bytes) else {
            throw NASError(.corruptFile, "\(path) is corrupt")
        }
        return String(decoding: bytes[range], as: UTF8.self)
    }
    static func encode(_ item: String) -> [UInt8] { envelope.wrap(Array(item.utf8)) }
    static func id(of item: String, fileID: String) -> String { fileID }
    static func summary(of item: String) -> Int { item.count }
    static func writeSummary(_ s: Int, into w: inout BinaryWriter) { w.int(s) }
    static func readSummary(_ r: inout BinaryReader) throws(NASError) -> Int { try r.int() }
}

final class IndexedStoreTests: XCTestCase {
    var directory = ""

    override func setUp() {
        directory = NSTemporaryDirectory() + "hwnas-indexed-\(UInt32.random(in: 0..<UInt32.max))"
        TextFormat.reads.withLock { $0 = [] }
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private func reads() -> [String] { TextFormat.reads.withLock { r in defer { r = [] }; return r.sorted() } }

    func testStartListsIndexedFilesWithoutReadingThemAndReadsOnFirstUse() throws {
        let store = try IndexedStore<TextFormat>(directory: directory)
        try store.register("alpha", id: "a", persist: true)
        try store.register("beta!", id: "b", persist: true)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/" + StoreIndex.fileName))
        _ = reads()

        let fresh = try IndexedStore<TextFormat>(directory: directory)
        XCTAssertEqual(fresh.loadAll(), [])
        XCTAssertEqual(reads(), [], "indexed files were read at start")
        XCTAssertEqual(fresh.summaries().map(\.id), ["a", "b"])
        XCTAssertEqual(fresh.summaries().map(\.summary), [5, 5])
        XCTAssertEqual(try fresh.item("b"), "beta!")
        XCTAssertEqual(try fresh.item("b"), "beta!")
        XCTAssertEqual(reads(), ["b.txtb"], "read once, on first use")
        XCTAssertNil(try fresh.item("c"))
    }

    func testFilesWithoutIndexOrChangedSinceAreReadAndTheIndexRewritten() throws {
        // Files written before indexes existed (no .index): all read once.
        try AtomicFile.write(TextFormat.encode("one"), to: directory + "/one.txtb")
        try AtomicFile.write(TextFormat.encode("two"), to: directory + "/two.txtb")
        let first = try IndexedStore<TextFormat>(directory: directory)
        XCTAssertEqual(first.loadAll(), [])
        XCTAssertEqual(reads(), ["one.txtb", "two.txtb"])

        // Replaced, added, corrupted and removed files after the index was written.
        try AtomicFile.write(TextFormat.encode("uno!"), to: directory + "/one.txtb")
        try AtomicFile.write(TextFormat.encode("three"), to: directory + "/three.txtb")
        try AtomicFile.write(Array("not ours".utf8), to: directory + "/bad.txtb")
        try FileManager.default.removeItem(atPath: directory + "/two.txtb")
        let second = try IndexedStore<TextFormat>(directory: directory)
        XCTAssertEqual(second.loadAll().map(\.kind), [.corruptFile])
        XCTAssertEqual(reads(), ["bad.txtb", "three.txtb"], "only files the index does not name are read at start")
        XCTAssertEqual(second.summaries().map(\.id), ["one", "three"])
        XCTAssertEqual(reads(), ["one.txtb"], "the replaced file is read when it is listed")
        XCTAssertEqual(second.summaries().map(\.summary), [4, 5])
        XCTAssertEqual(try second.item("one"), "uno!")
        XCTAssertEqual(reads(), [])

        // A damaged index is ignored: every file is read again.
        var index = try Array(Data(contentsOf: URL(fileURLWithPath: directory + "/" + StoreIndex.fileName)))
        index[index.count / 2] ^= 0xFF
        try Data(index).write(to: URL(fileURLWithPath: directory + "/" + StoreIndex.fileName))
        let third = try IndexedStore<TextFormat>(directory: directory)
        XCTAssertEqual(third.loadAll().count, 1)
        XCTAssertEqual(reads(), ["bad.txtb", "one.txtb", "three.txtb"])
        XCTAssertEqual(third.summaries().map(\.summary), [4, 5])
    }

    func testOversizedAndReadOnlyAndDeleted() throws {
        let store = try IndexedStore<TextFormat>(directory: directory)
        try store.register(String(repeating: "x", count: 500), id: "big", persist: true)
        try store.register("small", id: "small", persist: true)
        _ = reads()
        // A lower limit than when it was indexed: the big file is refused with the limit's error.
        let limited = try IndexedStore<TextFormat>(directory: directory, maxFileBytes: 200)
        let problems = limited.loadAll()
        XCTAssertEqual(problems.map(\.kind), [.storage])
        XCTAssertTrue(problems.first?.message.contains("--max-file-bytes") ?? false, "\(problems)")
        XCTAssertEqual(limited.summaries().map(\.id), ["small"])

        // Read-only: lists, never writes the index, refuses to delete.
        try FileManager.default.removeItem(atPath: directory + "/" + StoreIndex.fileName)
        let reader = try IndexedStore<TextFormat>(directory: directory, readOnly: true)
        XCTAssertEqual(reader.loadAll(), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/" + StoreIndex.fileName))
        XCTAssertThrowsError(try reader.delete("small"))

        // Deleting removes the file and its index record.
        let owner = try IndexedStore<TextFormat>(directory: directory)
        owner.loadAll()
        XCTAssertTrue(try owner.delete("small"))
        XCTAssertFalse(try owner.delete("small"))
        let after = try IndexedStore<TextFormat>(directory: directory)
        after.loadAll()
        XCTAssertEqual(after.summaries().map(\.id), ["big"])
    }

    func testARecordIsCheckedOnFirstUseAndAStaleOneRereadOrDropped() throws {
        let store = try IndexedStore<TextFormat>(directory: directory)
        for (id, text) in [("a", "aaa"), ("b", "bbb"), ("c", "ccc")] { try store.register(text, id: id, persist: true) }
        // Edited in place after the index was written (same inode, new size and times), and damaged.
        try Data(TextFormat.encode("a longer text")).write(to: URL(fileURLWithPath: directory + "/a.txtb"))
        try Data("junk".utf8).write(to: URL(fileURLWithPath: directory + "/c.txtb"))
        _ = reads()

        let warned = Mutex<[NASError.Kind]>([])
        let fresh = try IndexedStore<TextFormat>(directory: directory, warn: { e in warned.withLock { $0.append(e.kind) } })
        XCTAssertEqual(fresh.loadAll(), [])
        XCTAssertEqual(reads(), [], "start reads no indexed file, even a changed one")
        XCTAssertEqual(fresh.count, 3)
        XCTAssertEqual(try fresh.item("a"), "a longer text", "first use sees the file as it is now")
        XCTAssertThrowsError(try fresh.item("c")) { XCTAssertEqual(($0 as? NASError)?.kind, .corruptFile) }
        XCTAssertEqual(warned.withLock { $0 }, [.corruptFile])
        XCTAssertEqual(fresh.summaries().map(\.id), ["a", "b"], "the damaged file is dropped from the listing")
        XCTAssertEqual(fresh.summaries().map(\.summary), [13, 3])
        XCTAssertEqual(reads(), ["a.txtb", "c.txtb"], "b's stamp matched: listed without being read")

        // The index now holds a's new record and none for c: the next start lists a without
        // reading it, and reads (and reports) c again, as any file the index does not name.
        let next = try IndexedStore<TextFormat>(directory: directory)
        XCTAssertEqual(next.loadAll().map(\.kind), [.corruptFile])
        XCTAssertEqual(next.summaries().map(\.summary), [13, 3])
        XCTAssertEqual(reads(), ["c.txtb"])
    }

    func testPagesFollowIDOrderAndFilters() throws {
        let store = try IndexedStore<TextFormat>(directory: directory)
        for id in ["e", "a-b", "a", "c", "d"] { try store.register(String(repeating: "x", count: id.count), id: id, persist: true) }
        let fresh = try IndexedStore<TextFormat>(directory: directory)
        fresh.loadAll()
        let first = fresh.page(after: nil, limit: 2, where: nil)
        XCTAssertEqual(first.items.map(\.id), ["a", "a-b"])
        XCTAssertEqual(first.next, "a-b")
        let second = fresh.page(after: first.next, limit: 2, where: nil)
        XCTAssertEqual(second.items.map(\.id), ["c", "d"])
        let last = fresh.page(after: second.next, limit: 2, where: nil)
        XCTAssertEqual(last.items.map(\.id), ["e"])
        XCTAssertNil(last.next)
        let short = fresh.page(after: "a", limit: 1, where: { $0 == 1 })
        XCTAssertEqual(short.items.map(\.id), ["c"])
        XCTAssertEqual(short.next, "c")
        XCTAssertEqual(fresh.page(after: "d", limit: 1, where: { $0 == 1 }).next, nil)
    }
}
