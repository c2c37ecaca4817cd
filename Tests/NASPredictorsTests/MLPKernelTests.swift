import NASCore
@testable import NASNeural
@testable import NASPredictors
import XCTest

final class MLPKernelTests: XCTestCase {
    /// Naive reference of C = act(alpha*op(A)*op(B) + beta*C + bias) in Double.
    private func reference(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], b: [Float],
                           beta: Float, c: [Float], bias: [Float]?, relu: Bool) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let av = transA ? a[p * m + i] : a[i * k + p]
                    let bv = transB ? b[j * k + p] : b[p * n + j]
                    s += Double(av) * Double(bv)
                }
                var x = Double(alpha) * s + (beta == 0 ? 0 : Double(beta) * Double(c[i * n + j]))
                if let bias { x += Double(bias[j]) }
                if relu { x = max(0, x) }
                out[i * n + j] = Float(x)
            }
        }
        return out
    }

    private func randomArray(_ count: Int, _ rng: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float(rng.nextDouble() * 2 - 1) }
    }

    func testGEMMMatchesNaiveReferenceForOddShapesAndTransposes() {
        var rng = SeededGenerator(seed: 7)
        let shapes = [(1, 1, 1), (7, 5, 3), (13, 17, 31), (6, 16, 256), (37, 33, 300), (100, 1, 257), (5, 70, 1), (97, 129, 19)]
        for (m, n, k) in shapes {
            for transA in [false, true] {
                for transB in [false, true] {
                    for (alpha, beta, useBias, relu) in [(Float(1), Float(0), false, false), (0.5, 1.5, true, true), (-2, 1, true, false)] {
                        let a = randomArray(m * k, &rng), b = randomArray(k * n, &rng), c0 = randomArray(m * n, &rng)
                        let bias = useBias ? randomArray(n, &rng) : nil
                        let want = reference(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, b: b,
                                             beta: beta, c: c0, bias: bias, relu: relu)
                        for path in [Kernels.Path.automatic, .fallback, .avx2, .avx512] {
                            var c = c0
                            Kernels.sgemm(path: path, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                          a: a, b: b, beta: beta, c: &c, bias: bias, relu: relu)
                            let tol = Float(k).squareRoot() * 1e-5 * 4
                            for i in 0..<(m * n) {
                                XCTAssertEqual(c[i], want[i], accuracy: tol * max(1, abs(want[i])),
                                               "m=\(m) n=\(n) k=\(k) tA=\(transA) tB=\(transB) path=\(path) at \(i)")
                            }
                        }
                    }
                }
            }
        }
    }

    func testPrepackedAndSmallMPathsAreBitIdenticalToTiledGEMM() {
        var rng = SeededGenerator(seed: 13)
        for (m, n, k) in [(1, 37, 300), (3, 16, 5), (4, 256, 256), (9, 33, 257), (50, 1, 30)] {
            let a = randomArray(m * k, &rng), b = randomArray(k * n, &rng), bias = randomArray(n, &rng)
            for path in [Kernels.Path.fallback, .avx2, .avx512] {
                // Reference: rows computed inside a batch of 12 extra rows (tiled path).
                let pad = 12
                let big = a + randomArray(pad * k, &rng)
                var tiled = [Float](repeating: 0, count: (m + pad) * n)
                Kernels.sgemm(path: path, m: m + pad, n: n, k: k, a: big, b: b, c: &tiled, bias: bias, relu: true)
                var direct = [Float](repeating: 0, count: m * n)
                Kernels.sgemm(path: path, m: m, n: n, k: k, a: a, b: b, c: &direct, bias: bias, relu: true)
                XCTAssertEqual(direct, Array(tiled[0..<(m * n)]), "m=\(m) n=\(n) k=\(k) \(path)")
                var packed = [Float](repeating: 0, count: Kernels.packedSize(k: k, n: n))
                var viaPacked = [Float](repeating: 0, count: m * n)
                b.withUnsafeBufferPointer { pb in
                    packed.withUnsafeMutableBufferPointer { Kernels.packB(k: k, n: n, b: pb.baseAddress!, ldb: n, into: $0.baseAddress!) }
                }
                a.withUnsafeBufferPointer { pa in
                    packed.withUnsafeBufferPointer { pp in
                        bias.withUnsafeBufferPointer { pbias in
                            viaPacked.withUnsafeMutableBufferPointer { pc in
                                Kernels.sgemmPacked(path: path, m: m, n: n, k: k, a: pa.baseAddress!, lda: k, packedB: pp.baseAddress!,
                                                    c: pc.baseAddress!, ldc: n, bias: pbias.baseAddress, relu: true)
                            }
                        }
                    }
                }
                XCTAssertEqual(viaPacked, Array(tiled[0..<(m * n)]), "packed m=\(m) n=\(n) k=\(k) \(path)")
            }
        }
    }

    /// Packing Bᵀ (`transB`, 16 x 16 blocks transposed in registers on AVX-512F CPUs, the rest
    /// one float at a time) gives the floats of packing B itself, on full and partial panels
    /// and K blocks.
    func testTransposedPackingMatchesPackingTheTranspose() {
        var rng = SeededGenerator(seed: 31)
        for (k, n) in [(16, 16), (17, 33), (300, 40), (256, 256), (5, 70), (513, 48)] {
            let b = randomArray(k * n, &rng)
            var bt = [Float](repeating: 0, count: k * n)
            for p in 0..<k { for j in 0..<n { bt[j * k + p] = b[p * n + j] } }
            var direct = [Float](repeating: .nan, count: Kernels.packedSize(k: k, n: n)), viaT = direct
            b.withUnsafeBufferPointer { pb in
                direct.withUnsafeMutableBufferPointer { Kernels.packB(k: k, n: n, b: pb.baseAddress!, ldb: n, into: $0.baseAddress!) }
            }
            bt.withUnsafeBufferPointer { pb in
                viaT.withUnsafeMutableBufferPointer { Kernels.packB(transB: true, k: k, n: n, b: pb.baseAddress!, ldb: k, into: $0.baseAddress!) }
            }
            XCTAssertEqual(direct.map(\.bitPattern), viaT.map(\.bitPattern), "k=\(k) n=\(n)")
        }
    }

    /// Packing a matrix in parts (rows of one, panels of columns of another, as the trainer's
    /// threads pack the weight rows they updated) gives `packB`'s result.
    func testPackingInPartsMatchesPackingAtOnce() {
        var rng = SeededGenerator(seed: 37)
        for (k, n) in [(41, 256), (400, 400), (256, 1), (300, 40)] {
            for transB in [false, true] {
                let b = randomArray(k * n, &rng), ldb = transB ? k : n
                var whole = [Float](repeating: 0, count: Kernels.packedSize(k: k, n: n)), rows = whole, cols = whole
                b.withUnsafeBufferPointer { pb in
                    let p = pb.baseAddress!
                    whole.withUnsafeMutableBufferPointer { Kernels.packB(transB: transB, k: k, n: n, b: p, ldb: ldb, into: $0.baseAddress!) }
                    rows.withUnsafeMutableBufferPointer { out in
                        for r in [0..<(k / 3), (k / 3)..<(k - 5), (k - 5)..<k] {
                            Kernels.packBPart(transB: transB, k: k, n: n, b: p, ldb: ldb, into: out.baseAddress!, rows: r, cols: 0..<n)
                        }
                    }
                    cols.withUnsafeMutableBufferPointer { out in
                        for p2 in 0..<3 {
                            Kernels.packBPart(transB: transB, k: k, n: n, b: p, ldb: ldb, into: out.baseAddress!, rows: 0..<k,
                                              cols: Kernels.chunk(p2, of: 3, count: n, granularity: 16))
                        }
                    }
                }
                XCTAssertEqual(rows.map(\.bitPattern), whole.map(\.bitPattern), "rows k=\(k) n=\(n) tB=\(transB)")
                XCTAssertEqual(cols.map(\.bitPattern), whole.map(\.bitPattern), "cols k=\(k) n=\(n) tB=\(transB)")
            }
        }
    }

    /// The AVX-512F kernels (two-panel tiles of 12, 8, 6, 4 or 2 rows) give the AVX2/FMA path's bits on shapes
    /// that leave every kind of edge tile (rows, panel pairs, single panels, partial panels,
    /// several K blocks), through `sgemm` (both B layouts, A transposed or not) and `sgemmPacked`,
    /// with every epilogue.
    func testAVX512PathGivesTheAVX2BitsOnOddShapes() throws {
        try XCTSkipUnless(Kernels.hasAVX512F, "this CPU has no AVX-512F: the path falls back to AVX2/FMA")
        var rng = SeededGenerator(seed: 29)
        let shapes = [(1, 32, 5), (5, 33, 17), (12, 64, 256), (13, 48, 257), (25, 400, 30), (97, 256, 256),
                      (192, 256, 147), (7, 31, 600), (30, 1, 256), (113, 97, 513)]
        for (m, n, k) in shapes {
            let a = randomArray(m * k, &rng), b = randomArray(k * n, &rng), c0 = randomArray(m * n, &rng)
            let bias = randomArray(n, &rng)
            for (alpha, beta, relu) in [(Float(1), Float(0), true), (-0.5, 1.25, false)] {
                for transA in [false, true] {
                    for transB in [false, true] {
                        var avx2 = c0, avx512 = c0
                        Kernels.sgemm(path: .avx2, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, b: b,
                                      beta: beta, c: &avx2, bias: bias, relu: relu)
                        Kernels.sgemm(path: .avx512, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, b: b,
                                      beta: beta, c: &avx512, bias: bias, relu: relu)
                        XCTAssertEqual(avx2.map(\.bitPattern), avx512.map(\.bitPattern),
                                       "m=\(m) n=\(n) k=\(k) tA=\(transA) tB=\(transB) beta=\(beta)")
                    }
                }
                var packed = [Float](repeating: 0, count: Kernels.packedSize(k: k, n: n))
                b.withUnsafeBufferPointer { pb in
                    packed.withUnsafeMutableBufferPointer { Kernels.packB(k: k, n: n, b: pb.baseAddress!, ldb: n, into: $0.baseAddress!) }
                }
                var outs: [[Float]] = []
                for path in [Kernels.Path.avx2, .avx512] {
                    var c = c0
                    a.withUnsafeBufferPointer { pa in
                        packed.withUnsafeBufferPointer { pp in
                            bias.withUnsafeBufferPointer { pbias in
                                c.withUnsafeMutableBufferPointer { pc in
                                    Kernels.sgemmPacked(path: path, m: m, n: n, k: k, alpha: alpha, a: pa.baseAddress!, lda: k,
                                                        packedB: pp.baseAddress!, beta: beta, c: pc.baseAddress!, ldc: n,
                                                        bias: pbias.baseAddress, relu: relu)
                                }
                            }
                        }
                    }
                    outs.append(c)
                }
                XCTAssertEqual(outs[0].map(\.bitPattern), outs[1].map(\.bitPattern), "packed m=\(m) n=\(n) k=\(k) beta=\(beta)")
            }
        }
    }

    func testBetaZeroIgnoresGarbageInC() {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [1, 0, 0, 1]
        for path in [Kernels.Path.fallback, .avx2] {
            var c = [Float](repeating: .nan, count: 4)
            Kernels.sgemm(path: path, m: 2, n: 2, k: 2, a: a, b: b, beta: 0, c: &c)
            XCTAssertEqual(c, [1, 2, 3, 4])
        }
    }

    func testAVXPathAndFallbackAgreeOnMLPSizedLayer() {
        var rng = SeededGenerator(seed: 3)
        let (m, n, k) = (64, 256, 256)
        let a = randomArray(m * k, &rng), b = randomArray(k * n, &rng), bias = randomArray(n, &rng)
        var fast = [Float](repeating: 0, count: m * n), slow = fast
        Kernels.sgemm(path: .avx2, m: m, n: n, k: k, a: a, b: b, c: &fast, bias: bias, relu: true)
        Kernels.sgemm(path: .fallback, m: m, n: n, k: k, a: a, b: b, c: &slow, bias: bias, relu: true)
        var maxDiff: Float = 0
        for i in 0..<(m * n) { maxDiff = max(maxDiff, abs(fast[i] - slow[i])) }
        XCTAssertLessThan(maxDiff, 1e-3)
        XCTAssertTrue(fast.contains { $0 > 0 } && fast.contains { $0 == 0 }, "ReLU epilogue applied")
    }

    func testColumnSumsReluBackwardAndAdamStep() {
        let x: [Float] = [1, 2, 3, 4, 5, 6]
        var y = [Float](repeating: 9, count: 3)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                Kernels.columnSums(m: 2, n: 3, x: px.baseAddress!, ldx: 3, into: py.baseAddress!)
            }
        }
        XCTAssertEqual(y, [5, 7, 9])
        let act: [Float] = [0, 1, -1, 2]
        var d: [Float] = [5, 5, 5, 5]
        act.withUnsafeBufferPointer { pa in d.withUnsafeMutableBufferPointer { reluBackwardHelper(pa, $0) } }
        XCTAssertEqual(d, [0, 5, 0, 5])

        // One Adam step moves each parameter by about lr against the gradient's sign.
        var p: [Float] = [1, 1], g: [Float] = [0.5, -2]
        var adam = Adam(parameterCount: 2, learningRate: 0.1)
        p.withUnsafeMutableBufferPointer { pp in
            g.withUnsafeMutableBufferPointer { pg in adam.update(pp.baseAddress!, gradients: pg.baseAddress!, range: 0..<2) }
        }
        XCTAssertEqual(p[0], 0.9, accuracy: 1e-4)
        XCTAssertEqual(p[1], 1.1, accuracy: 1e-4)
        XCTAssertEqual(adam.step, 1)
    }

    /// The Adam step's vector lanes (AVX-512F 16-wide, AVX2 8-wide) give the bits of its scalar
    /// tail (one element per call runs the tail only), moments flushed below 1e-30 included; and a threaded update the
    /// bits of a single-threaded one.
    func testAdamVectorLanesMatchScalarTailAndThreadedUpdate() {
        var rng = SeededGenerator(seed: 7)
        let n = 1003
        let g0 = (0..<n).map { i -> Float in i % 17 == 0 ? 1e-32 : Float(rng.nextDouble() * 2 - 1) }
        let p0 = randomArray(n, &rng), v0 = randomArray(n, &rng).map { $0 * $0 * 1e-3 }
        let m0 = (0..<n).map { i -> Float in i % 13 == 0 ? 0 : Float(rng.nextDouble() * 0.2 - 0.1) }
        func run(_ chunk: Int) -> [[UInt32]] {
            var (p, g, m, v) = (p0, g0, m0, v0)
            p.withUnsafeMutableBufferPointer { pp in g.withUnsafeMutableBufferPointer { pg in
                m.withUnsafeMutableBufferPointer { pm in v.withUnsafeMutableBufferPointer { pv in
                    for o in stride(from: 0, to: n, by: chunk) {
                        Kernels.adamStep(count: min(chunk, n - o), parameters: pp.baseAddress! + o, gradients: pg.baseAddress! + o,
                                         m: pm.baseAddress! + o, v: pv.baseAddress! + o, learningRate: 1e-3, beta1: 0.9,
                                         beta2: 0.999, epsilon: 1e-8, step: 3, weightDecay: 0.01)
                    }
                } }
            } }
            return [p, m, v].map { $0.map(\.bitPattern) }
        }
        XCTAssertEqual(run(n), run(1))
        XCTAssertEqual(run(8), run(1))  // the AVX2 lanes alone on an AVX-512F CPU

        let count = Adam.parallelCount + 5
        func update(threads: Int) -> [Float] {
            var r = SeededGenerator(seed: 8)
            var p = randomArray(count, &r), g = randomArray(count, &r)
            var adam = Adam(parameterCount: count, learningRate: 1e-3, weightDecay: 0.01)
            p.withUnsafeMutableBufferPointer { pp in
                g.withUnsafeMutableBufferPointer { pg in
                    for _ in 0..<2 { adam.update(pp.baseAddress!, gradients: pg.baseAddress!, range: 3..<count, threads: threads) }
                }
            }
            return p
        }
        XCTAssertEqual(update(threads: 2).map(\.bitPattern), update(threads: 1).map(\.bitPattern))
    }

    private func reluBackwardHelper(_ a: UnsafeBufferPointer<Float>, _ d: UnsafeMutableBufferPointer<Float>) {
        Kernels.reluBackward(count: a.count, activation: a.baseAddress!, gradient: d.baseAddress!)
    }

    func testPredictIsIndependentOfThreadCountAndMatchesRowByRow() {
        let net = MLP(layerSizes: [30, 64, 64, 1], seed: 11)
        var rng = SeededGenerator(seed: 5)
        let rows = 1000
        let x = FloatMatrix(rows: rows, cols: 30, storage: randomArray(rows * 30, &rng))
        var one = [Float](repeating: 0, count: rows), two = one
        x.storage.withUnsafeBufferPointer { px in
            one.withUnsafeMutableBufferPointer { net.predict(px, rows: rows, into: $0, threads: 1) }
            two.withUnsafeMutableBufferPointer { net.predict(px, rows: rows, into: $0, threads: 2) }
        }
        XCTAssertEqual(one, two)
        XCTAssertEqual(net.predict(x), one)
        // A single row (small-M path, no packing) and a short batch give the same bits as the big batch.
        XCTAssertEqual(net.predict(x.selectingRows([123])), [one[123]])
        XCTAssertEqual(net.predict(x.selectingRows([5, 6, 7])), [one[5], one[6], one[7]])
        XCTAssertEqual(net.predict(x.selectingRows(Array(100..<300))), Array(one[100..<300]))
        // Row 123 alone, by a plain Swift forward pass.
        var h = x.row(123).map(Double.init)
        for l in 0..<net.layerCount {
            let nIn = net.layerSizes[l], nOut = net.layerSizes[l + 1]
            var next = [Double](repeating: 0, count: nOut)
            for j in 0..<nOut {
                var s = Double(net.biases[l][j])
                for i in 0..<nIn { s += h[i] * Double(net.weights[l][i * nOut + j]) }
                next[j] = l == net.layerCount - 1 ? s : max(0, s)
            }
            h = next
        }
        XCTAssertEqual(Double(one[123]), h[0], accuracy: 1e-4 * max(1, abs(h[0])))
    }

    func testHeInitializationIsDeterministicPerSeed() {
        XCTAssertEqual(MLP(layerSizes: [10, 8, 1], seed: 1), MLP(layerSizes: [10, 8, 1], seed: 1))
        XCTAssertNotEqual(MLP(layerSizes: [10, 8, 1], seed: 1), MLP(layerSizes: [10, 8, 1], seed: 2))
        let net = MLP(layerSizes: [200, 400, 1], seed: 9)
        let w = net.weights[0]
        let variance = w.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(w.count)
        XCTAssertEqual(variance, 2.0 / 200, accuracy: 0.1 * 2.0 / 200)
        XCTAssertEqual(net.parameterCount, 200 * 400 + 400 + 400 + 1)
    }
}
