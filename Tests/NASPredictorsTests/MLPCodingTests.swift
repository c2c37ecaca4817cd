import NASCore
@testable import NASNeural
@testable import NASPredictors
import XCTest

final class MLPCodingTests: XCTestCase {
    func testSaveLoadGivesIdenticalPredictions() throws {
        let net = MLP(layerSizes: [12, 20, 9, 1], seed: 42)
        let bytes = net.encoded()
        let back = try MLP(encoded: bytes)
        XCTAssertEqual(back, net)
        var rng = SeededGenerator(seed: 1)
        let x = FloatMatrix(rows: 50, cols: 12, storage: (0..<600).map { _ in Float(rng.nextDouble()) })
        XCTAssertEqual(back.predict(x), net.predict(x))
        // Little-endian magic "MLPW" first.
        XCTAssertEqual(Array(bytes.prefix(4)), Array("MLPW".utf8))
    }

    func testCorruptBytesAreCorruptFileErrorsNotCrashes() {
        let bytes = MLP(layerSizes: [4, 3, 1], seed: 1).encoded()
        func expectCorrupt(_ damaged: [UInt8], _ what: String) {
            XCTAssertThrowsError(try MLP(encoded: damaged), what) {
                XCTAssertEqual(($0 as? NASError)?.kind, .corruptFile, what)
            }
        }
        for cut in [0, 1, 4, 8, 15, bytes.count / 2, bytes.count - 1] {
            expectCorrupt(Array(bytes.prefix(cut)), "truncated to \(cut)")
        }
        for i in stride(from: 0, to: bytes.count, by: 3) {
            var damaged = bytes
            damaged[i] ^= 0x5A
            expectCorrupt(damaged, "byte \(i) flipped")
        }
        expectCorrupt(bytes + [0], "trailing byte")
        expectCorrupt(Array("not a network at all, just text".utf8), "foreign bytes")
    }
}
