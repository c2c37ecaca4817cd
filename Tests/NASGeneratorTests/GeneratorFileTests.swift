import XCTest
import NASCore
import NASGenerator

final class GeneratorFileTests: XCTestCase {
    private func temporaryPath() -> String {
        NSTemporaryDirectory() + "pnag-test-\(UInt64.random(in: 0..<UInt64.max)).gen"
    }

    func testSaveLoadGivesIdenticalOutputs() throws {
        let g = try NB201Fixture.generator.get()
        let problem = try NB201Fixture.problem.get().0
        let path = temporaryPath()
        defer { unlink(path) }
        try GeneratorFile.save(g, to: path)
        let h = try GeneratorFile.load(path)
        XCTAssertEqual(h.network, g.network)
        XCTAssertEqual(h.scale, g.scale)
        XCTAssertEqual(h.archive, g.archive)
        XCTAssertEqual(h.metadata, ["device": NB201Fixture.device])
        XCTAssertEqual(h.stats, g.stats)
        XCTAssertEqual(h.accuracyLabel, g.accuracyLabel)
        XCTAssertEqual(h.space.id, "nb201")
        let budgets = (0..<7).map { g.scale.milliseconds(at: Double($0) / 6) } + [g.scale.upperMs * 3]
        XCTAssertEqual(try h.generate(budgets: budgets), try g.generate(budgets: budgets))
        XCTAssertEqual(try h.generate(budgets: budgets, samples: 5, problem: problem, seed: 9),
                       try g.generate(budgets: budgets, samples: 5, problem: problem, seed: 9))
    }

    func testCorruptFilesAreRejected() throws {
        let bytes = GeneratorFile.encode(try NB201Fixture.generator.get())
        func expectCorrupt(_ b: [UInt8], _ what: String) {
            XCTAssertThrowsError(try GeneratorFile.decode(b), what) { error in
                XCTAssertEqual((error as? NASError)?.kind, .corruptFile, what)
            }
        }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x40
        expectCorrupt(flipped, "flipped payload byte")
        expectCorrupt(Array(bytes.dropLast(9)), "truncated")
        var magic = bytes
        magic[0] = UInt8(ascii: "X")
        expectCorrupt(magic, "bad magic")
        var version = bytes
        version[8] = 99
        expectCorrupt(version, "future version")
        expectCorrupt([], "empty")
        XCTAssertThrowsError(try GeneratorFile.load("/nonexistent/dir/x.gen")) { error in
            XCTAssertEqual((error as? NASError)?.kind, .storage)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation
