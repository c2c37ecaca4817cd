import XCTest
import NASCore

/// The word-wise FNV-1a of fixture files (`FNV1a.hashWords`).
final class FNV1aTests: XCTestCase {
    func testEveryOneByteChangeAndEveryLengthChangeTheWordHash() {
        let bytes = (0..<37).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 7) }
        let h = FNV1a.hashWords(bytes[...])
        XCTAssertEqual(FNV1a.hashWords(bytes[...]), h, "deterministic")
        for i in bytes.indices {
            for flip: UInt8 in [0x01, 0x80] {
                var changed = bytes
                changed[i] ^= flip
                XCTAssertNotEqual(FNV1a.hashWords(changed[...]), h, "byte \(i) ^ \(flip)")
            }
        }
        // The zero-padded last word does not make a trailing zero byte invisible.
        var hashes = Set<UInt64>()
        for n in 0...17 { hashes.insert(FNV1a.hashWords([UInt8](repeating: 0, count: n)[...])) }
        XCTAssertEqual(hashes.count, 18)
        // A slice hashes as its own bytes, wherever it starts (unaligned loads).
        let padded = [9, 9, 9] + bytes
        XCTAssertEqual(FNV1a.hashWords(padded[3...]), h)
        // Fed in pieces, any split gives the same hash.
        for cuts in [[1], [8], [3, 11], [5, 6, 7, 30], [0, 36]] {
            var hasher = FNV1a.WordHasher()
            var start = 0
            for end in cuts + [bytes.count] {
                bytes[start..<end].withUnsafeBytes { hasher.update($0) }
                start = end
            }
            XCTAssertEqual(hasher.finish(), h, "\(cuts)")
        }
    }
}
