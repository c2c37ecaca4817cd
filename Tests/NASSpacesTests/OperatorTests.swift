import XCTest
import NASCore
@testable import NASSpaces

/// Sampling, mutation, crossover, neighbours and encodings on every space.
final class OperatorTests: XCTestCase {
    func testSamplingIsDeterministicPerSeed() {
        for s in SpaceRegistry.all {
            XCTAssertEqual(s.sample(count: 50, seed: 42), s.sample(count: 50, seed: 42), s.id)
            XCTAssertNotEqual(s.sample(count: 50, seed: 42), s.sample(count: 50, seed: 43), s.id)
        }
    }

    /// Chi-square of NB201 op frequencies per edge over 50,000 samples: 6 tests with 4 degrees
    /// of freedom each; 30.0 is far beyond the 0.9999 quantile (23.5), so a uniform sampler
    /// fails with probability < 1e-4 per edge, while a biased one fails for sure.
    func testNB201SamplingIsUniform() {
        let s = NB201Space()
        let n = 50_000
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 5), count: 6)
        var index = [Int](repeating: 0, count: 15_625)
        for a in s.sample(count: n, seed: 7) {
            for e in 0..<6 { counts[e][Int(a.genes[e])] += 1 }
            index[s.officialIndex(of: a)!] += 1
        }
        let expected = Double(n) / 5
        for e in 0..<6 {
            let chi = counts[e].reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
            XCTAssertLessThan(chi, 30.0, "edge \(e): \(counts[e])")
        }
        // Many distinct cells are hit (expected ~ 15,625 * (1 - e^-3.2) = 15,000).
        XCTAssertGreaterThan(index.filter { $0 > 0 }.count, 14_000)
    }

    func testOperatorsGiveValidCanonicalArchitectures() throws {
        for s in SpaceRegistry.all {
            var rng = SeededGenerator(seed: 11)
            let pop = s.sample(count: 30, seed: 5)
            for (i, a) in pop.enumerated() {
                try s.validate(a)
                XCTAssertEqual(a, s.canonical(a), s.id)
                let m = s.mutate(a, probability: 0.2, using: &rng)
                try s.validate(m)
                XCTAssertEqual(m, s.canonical(m))
                let c = s.crossover(a, pop[(i + 1) % pop.count], using: &rng)
                try s.validate(c)
                XCTAssertEqual(c, s.canonical(c))
                XCTAssertEqual(try s.parse(s.format(m)), m, s.id)
                XCTAssertEqual(try s.parse(s.format(c)), c, s.id)
                if i < 3 {
                    let ns = s.neighbours(of: a)
                    XCTAssertFalse(ns.isEmpty)
                    XCTAssertEqual(Set(ns).count, ns.count)
                    for n in ns {
                        XCTAssertEqual(n, s.canonical(n))
                        XCTAssertNotEqual(n, a)
                        let changed = zip(n.genes, a.genes).filter { $0 != $1 }.count
                        // One active decision changes; a depth change may also reset inactive slots.
                        XCTAssertTrue(changed == 1 || s.cardinalities.count > 40, "\(s.id): \(changed) genes changed")
                    }
                }
            }
        }
        XCTAssertEqual(NB201Space().neighbours(of: Architecture(genes: [0, 0, 0, 0, 0, 0])).count, 24)
    }

    func testEncodingsMatchTheirInfo() throws {
        for s in SpaceRegistry.all {
            for enc in s.encodings {
                let dim = try s.encodingDimension(enc)
                let info = try s.encodingInfo(enc)
                XCTAssertEqual(info.count, dim, "\(s.id) \(enc)")
                XCTAssertEqual(info.map(\.index), Array(0..<dim))
                XCTAssertEqual(Set(info.map(\.name)).count, dim, "\(s.id) \(enc): names must be unique")
                let archs = s.sample(count: 20, seed: 9)
                let m = try s.encode(archs, encoding: enc)
                XCTAssertEqual(m.rows, 20)
                XCTAssertEqual(m.cols, dim)
                XCTAssertTrue(m.storage.allSatisfy { $0 >= 0 && $0 <= 1 })
            }
        }
    }

    func testNB201Encodings() throws {
        let s = NB201Space()
        let a = try s.parse("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|")
        let m = try s.encode([a])
        XCTAssertEqual(m.storage.reduce(0, +), 6)
        XCTAssertEqual(m[0, 0 * 5 + 3], 1)
        XCTAssertEqual(m[0, 1 * 5 + 0], 1)
        XCTAssertEqual(m[0, 5 * 5 + 3], 1)
        let g = try s.encode([a], encoding: "graph")
        // Adjacency: input feeds the 3 edges from node 0; (2<-1),(3<-1) are fed by edge (1<-0);
        // (3<-2) by (2<-0),(2<-1); the output by the 3 edges into node 3: 3 + 2 + 2 + 3 = 10.
        XCTAssertEqual(g.storage[0..<64].reduce(0, +), 10)
        XCTAssertEqual(g[0, 1 * 8 + 3], 1)   // edge(1<-0) -> edge(2<-1)
        XCTAssertEqual(g[0, 6 * 8 + 7], 1)   // edge(3<-2) -> output
        XCTAssertEqual(g[0, 64 + 1 * 7 + 2 + 3], 1)  // node 1 is nor_conv_3x3
    }

    func testOFAOnehotZerosSkippedLayers() throws {
        let s = OFAMobileNetV3Space()
        let a = try s.parse("ks=7-5-5-5-7-7-5-7-5-7-3-7-5-3-7-3-5-3-5-3;e=6-4-4-6-6-3-4-3-3-6-3-3-3-6-3-4-6-4-3-6;d=2-2-2-2-3;r=224")
        let v = try s.encode([a]).storage
        XCTAssertEqual(v.count, 161)
        XCTAssertEqual(Array(v[0..<6]), [0, 0, 1, 0, 0, 1] as [Float])          // layer 0: ks 7, e 6
        XCTAssertEqual(Array(v[12..<24]), [Float](repeating: 0, count: 12))  // layers 2, 3 skipped
        // 11 active layers, 5 depths, 1 resolution one-hot, scaled resolution 1.
        let total: Float = v.reduce(0, +)
        XCTAssertEqual(total, 11 * 2 + 5 + 1 + 1)
        XCTAssertEqual(v[160], 1)
    }
}
