import NASCore
@testable import NASNeural
import XCTest

/// The MLP's first layer on one-hot rows (a gather-sum of weight rows) gives the same bits as
/// the GEMM it replaces, on both code paths, for one and two K blocks and any batch size.
final class SparseInputLayerTests: XCTestCase {
    /// `rows` one-hot rows over `groups` decisions of `k / groups` options, one fractional column.
    private func oneHotRows(_ rows: Int, k: Int, groups: Int, _ rng: inout SeededGenerator) -> [Float] {
        var x = [Float](repeating: 0, count: rows * k)
        let per = (k - 1) / groups
        for r in 0..<rows {
            for g in 0..<groups where rng.nextDouble() < 0.9 { x[r * k + g * per + Int(rng.next() % UInt64(per))] = 1 }
            x[r * k + k - 1] = Float(rng.nextDouble())
        }
        return x
    }

    /// Forward pass by plain GEMMs, layer by layer (the engine before the sparse first layer).
    private func gemmForward(_ net: MLP, _ x: [Float], rows: Int, path: Kernels.Path) -> [Float] {
        var input = x
        for l in 0..<net.layerCount {
            let k = net.layerSizes[l], n = net.layerSizes[l + 1]
            var out = [Float](repeating: 0, count: rows * n)
            Kernels.sgemm(path: path, m: rows, n: n, k: k, a: input, b: net.weights[l], c: &out, bias: net.biases[l],
                          relu: l != net.layerCount - 1)
            input = out
        }
        return input
    }

    func testSparseFirstLayerIsBitIdenticalToGEMM() {
        var rng = SeededGenerator(seed: 21)
        for (k, groups) in [(31, 6), (301, 20)] {  // one K block; two (gemm.c's KC is 256)
            var net = MLP(layerSizes: [k, 77, 24, 1], seed: 3)  // 77 = 64 + 8 + 5 outputs: every AVX2 width
            net.biases = net.biases.map { $0.map { _ in Float(rng.nextDouble() - 0.5) } }
            for rows in [3, 50, 500] {  // the small-M GEMM, one block, packed blocks on two threads
                let x = oneHotRows(rows, k: k, groups: groups, &rng)
                let reference = gemmForward(net, x, rows: rows, path: .automatic)
                for threads in [1, 2] {
                    var out = [Float](repeating: 0, count: rows)
                    x.withUnsafeBufferPointer { px in
                        out.withUnsafeMutableBufferPointer { net.predict(px, rows: rows, into: $0, threads: threads) }
                    }
                    XCTAssertEqual(out.map(\.bitPattern), reference.map(\.bitPattern), "k \(k), rows \(rows), threads \(threads)")
                }
                for path in [Kernels.Path.fallback, .avx2, .avx512] {
                    let k1 = net.layerSizes[1]
                    var gemm = [Float](repeating: 0, count: rows * k1), sparse = gemm
                    Kernels.sgemm(path: path, m: rows, n: k1, k: k, a: x, b: net.weights[0], c: &gemm, bias: net.biases[0], relu: true)
                    let done = x.withUnsafeBufferPointer { px in
                        net.weights[0].withUnsafeBufferPointer { w in
                            net.biases[0].withUnsafeBufferPointer { b in
                                sparse.withUnsafeMutableBufferPointer { c in
                                    Kernels.sparseInputGEMM(path: path, m: rows, n: k1, k: k, a: px.baseAddress!, lda: k,
                                                            b: w.baseAddress!, ldb: k1, c: c.baseAddress!, ldc: k1,
                                                            bias: b.baseAddress, relu: true)
                                }
                            }
                        }
                    }
                    XCTAssertTrue(done)
                    XCTAssertEqual(sparse.map(\.bitPattern), gemm.map(\.bitPattern), "path \(path), k \(k), rows \(rows)")
                }
            }
        }
    }

    /// The trainer's first-layer weight gradient Xᵀ·D over the non-zero inputs only: the GEMM's
    /// bits on both paths, for one and two K blocks of batch rows and every AVX2 output width.
    func testSparseWeightGradientIsBitIdenticalToGEMM() {
        var rng = SeededGenerator(seed: 22)
        for (k, groups) in [(31, 6), (161, 20)] {
            let n = 77  // 64 + 8 + 5 outputs
            for rows in [3, 64, 300] {  // the small GEMM, one block, two blocks (gemm.c's KC is 256)
                let x = oneHotRows(rows, k: k, groups: groups, &rng)
                let d = (0..<(rows * n)).map { i in i % 7 == 0 ? 0 : Float(rng.nextDouble() - 0.5) }
                for path in [Kernels.Path.fallback, .avx2] {
                    var gemm = [Float](repeating: 0, count: k * n), sparse = [Float](repeating: .nan, count: k * n)
                    Kernels.sgemm(path: path, transA: true, m: k, n: n, k: rows, a: x, b: d, c: &gemm)
                    let done = x.withUnsafeBufferPointer { px in
                        d.withUnsafeBufferPointer { pd in
                            sparse.withUnsafeMutableBufferPointer { g in
                                Kernels.sparseInputWeightGradient(path: path, m: rows, k: k, n: n, x: px.baseAddress!, ldx: k,
                                                                  d: pd.baseAddress!, ldd: n, g: g.baseAddress!, ldg: n)
                            }
                        }
                    }
                    XCTAssertTrue(done)
                    XCTAssertEqual(sparse.map(\.bitPattern), gemm.map(\.bitPattern), "path \(path), k \(k), rows \(rows)")
                }
            }
        }
    }

    /// Training on one-hot rows (the sparse first layer forward and backward, its output columns
    /// split across two threads) learns, and gives the weights of one-thread training.
    func testTrainingOnOneHotRowsIsThreadIndependent() throws {
        var rng = SeededGenerator(seed: 23)
        let rows = 256, k = 91  // 64 × 91 × 256: a split first layer
        let x = oneHotRows(rows, k: k, groups: 6, &rng)
        let y = (0..<rows).map { r in Float((0..<k).reduce(0) { $0 + Double(x[r * k + $1]) * Double($1 % 5) }) / 10 }
        var config = MLPTrainingConfig(hidden: [256, 256], batchSize: 64, maxEpochs: 3)
        config.validationFraction = 0
        let matrix = FloatMatrix(rows: rows, cols: k, storage: x)
        let (one, history) = try MLPTrainer.train(x: matrix, y: y, validation: nil, config: config, initial: nil, control: .none, threads: 1)
        let (two, _) = try MLPTrainer.train(x: matrix, y: y, validation: nil, config: config, initial: nil, control: .none, threads: 2)
        XCTAssertEqual(one, two)
        XCTAssertLessThan(history.trainLoss[2], history.trainLoss[0])
    }

    func testDenseRowsAreLeftToTheGEMM() {
        var rng = SeededGenerator(seed: 5)
        let x = (0..<(4 * 10)).map { _ in Float(rng.nextDouble() + 0.1) }
        let w = [Float](repeating: 1, count: 10 * 3)
        var c = [Float](repeating: -7, count: 4 * 3)
        let done = x.withUnsafeBufferPointer { px in
            w.withUnsafeBufferPointer { pw in
                c.withUnsafeMutableBufferPointer { pc in
                    Kernels.sparseInputGEMM(m: 4, n: 3, k: 10, a: px.baseAddress!, lda: 10, b: pw.baseAddress!, ldb: 3,
                                            c: pc.baseAddress!, ldc: 3)
                }
            }
        }
        XCTAssertFalse(done)
        XCTAssertEqual(c, [Float](repeating: -7, count: 12))
        // The weight gradient Xᵀ·D of the same rows, left to the GEMM too (G untouched).
        var g = [Float](repeating: -7, count: 10 * 3)
        XCTAssertFalse(x.withUnsafeBufferPointer { px in c.withUnsafeBufferPointer { pd in g.withUnsafeMutableBufferPointer { pg in
            Kernels.sparseInputWeightGradient(m: 4, k: 10, n: 3, x: px.baseAddress!, ldx: 10, d: pd.baseAddress!, ldd: 3,
                                              g: pg.baseAddress!, ldg: 3) } } })
        XCTAssertEqual(g, [Float](repeating: -7, count: 30))
    }
}
