import NASCore
@testable import NASNeural
import XCTest

/// `MLPTrainer`'s two-phase step (batch rows per thread, then weight rows per thread, weights
/// kept packed) against the plain algorithm: one unsplit GEMM per layer and pass, the gradients
/// in one vector, one Adam update over the trained layers.
final class MLPTrainingStepTests: XCTestCase {
    /// The plain algorithm over `epochs` epochs in `MLPTrainer.train`'s batch order (no validation split).
    private static func reference(x: FloatMatrix, y: [Float], config: MLPTrainingConfig, initial: MLP?) -> MLP {
        var rng = SeededGenerator(seed: config.seed)
        let initSeed = rng.next()
        _ = rng.split(salt: 2)
        var batchRng = rng.split(salt: 3)
        var net = initial ?? MLP(layerSizes: [x.cols] + config.hidden + [1], seed: initSeed)
        let sizes = net.layerSizes, layers = sizes.count - 1, frozen = config.frozenLayers
        var offsets: [(w: Int, b: Int)] = [], count = 0
        for l in 0..<layers {
            offsets.append((count, count + sizes[l] * sizes[l + 1]))
            count += sizes[l] * sizes[l + 1] + sizes[l + 1]
        }
        var params = [Float](repeating: 0, count: count), grads = params
        for l in 0..<layers {
            params.replaceSubrange(offsets[l].w..<(offsets[l].w + net.weights[l].count), with: net.weights[l])
            params.replaceSubrange(offsets[l].b..<(offsets[l].b + sizes[l + 1]), with: net.biases[l])
        }
        var adam = Adam(parameterCount: count, learningRate: Float(config.learningRate), weightDecay: Float(config.weightDecay))
        var order = Array(0..<x.rows)
        for _ in 0..<config.maxEpochs {
            order.seededShuffle(using: &batchRng)
            var start = 0
            while start < x.rows {
                let rows = min(config.batchSize, x.rows - start)
                var acts = [x.selectingRows(Array(order[start..<(start + rows)])).storage]
                for l in 0..<layers {
                    var out = [Float](repeating: 0, count: rows * sizes[l + 1])
                    Kernels.sgemm(m: rows, n: sizes[l + 1], k: sizes[l], a: acts[l], b: Array(params[offsets[l].w..<offsets[l].b]),
                                  c: &out, bias: Array(params[offsets[l].b..<(offsets[l].b + sizes[l + 1])]), relu: l != layers - 1)
                    acts.append(out)
                }
                var delta = (0..<rows).map { r in 2 / Float(rows) * (acts[layers][r] - y[order[start + r]]) }
                for l in stride(from: layers - 1, through: frozen, by: -1) {
                    var gw = [Float](repeating: 0, count: sizes[l] * sizes[l + 1])
                    Kernels.sgemm(transA: true, m: sizes[l], n: sizes[l + 1], k: rows, a: acts[l], b: delta, c: &gw)
                    grads.replaceSubrange(offsets[l].w..<offsets[l].b, with: gw)
                    for j in 0..<sizes[l + 1] {
                        grads[offsets[l].b + j] = (0..<rows).reduce(Float(0)) { $0 + delta[$1 * sizes[l + 1] + j] }
                    }
                    if l > frozen {
                        var back = [Float](repeating: 0, count: rows * sizes[l])
                        Kernels.sgemm(transB: true, m: rows, n: sizes[l], k: sizes[l + 1], a: delta,
                                      b: Array(params[offsets[l].w..<offsets[l].b]), c: &back)
                        for i in back.indices where acts[l][i] <= 0 { back[i] = 0 }
                        delta = back
                    }
                }
                params.withUnsafeMutableBufferPointer { pp in
                    grads.withUnsafeBufferPointer { pg in
                        adam.update(pp.baseAddress!, gradients: pg.baseAddress!, range: offsets[frozen].w..<count)
                    }
                }
                start += rows
            }
        }
        for l in 0..<layers {
            net.weights[l] = Array(params[offsets[l].w..<offsets[l].b])
            net.biases[l] = Array(params[offsets[l].b..<(offsets[l].b + sizes[l + 1])])
        }
        return net
    }

    /// Rows of a one-hot part (6 groups of 5, as an NB201 cell) and `dense` dense columns.
    private static func data(rows: Int, dense: Int, seed: UInt64) -> (FloatMatrix, [Float]) {
        var rng = SeededGenerator(seed: seed)
        var x = FloatMatrix(rows: rows, cols: 30 + dense)
        var y: [Float] = []
        for r in 0..<rows {
            var t: Float = 0
            for g in 0..<6 {
                let k = rng.nextInt(5)
                x[r, g * 5 + k] = 1
                t += Float(k) * Float(g + 1) * 0.1
            }
            for c in 0..<dense {
                let v = Float(rng.nextDouble() * 2 - 1)
                x[r, 30 + c] = v
                t += sin(v * Float(c + 1))
            }
            y.append(t)
        }
        return (x, y)
    }

    /// The forward pass from packed weights (CPUs without AVX-512F) and from the weights in
    /// place give the same steps, bit for bit.
    func testPackedAndInPlaceForwardWeightsGiveTheSameSteps() {
        let (x, y) = Self.data(rows: 40, dense: 11, seed: 3)
        let net = MLP(layerSizes: [x.cols, 256, 400, 1], seed: 4)
        var results: [[UInt32]] = []
        for packForward in [false, true] {
            let ws = MLPTrainingWorkspace(network: net, batchCapacity: 16, threads: 2, packForward: packForward)
            var adam = Adam(parameterCount: ws.parameterCount, learningRate: 1e-3)
            x.storage.withUnsafeBufferPointer { px in
                y.withUnsafeBufferPointer { py in
                    for start in stride(from: 0, to: 40, by: 16) {
                        let indices = Array(start..<min(start + 16, 40))[...]
                        _ = ws.step(x: px.baseAddress!, y: py.baseAddress!, indices: indices, frozen: 0, adam: &adam)
                    }
                }
            }
            results.append(UnsafeBufferPointer(start: ws.parameters, count: ws.parameterCount).map(\.bitPattern))
        }
        XCTAssertEqual(results[0].count, results[1].count)
        XCTAssertTrue(results[0] == results[1], "\(zip(results[0], results[1]).filter { $0 != $1 }.count) parameters differ")
    }

    /// Sparse first layers (one-hot rows) and dense ones, odd batches (halves of 6 and 7 rows, a
    /// last short batch), a 400-wide layer (two K blocks backwards, weight rows split off the
    /// 16-row panels), a frozen layer: the same bits as the plain algorithm, on one thread and two.
    func testTwoPhaseStepGivesThePlainAlgorithmsBits() throws {
        // Each step at least MLPTrainingWorkspace.parallelWork multiply-adds: split on two threads.
        for (dense, hidden, batch, frozen) in [(11, [256, 400], 13, 0), (40, [400, 256], 16, 0), (3, [256, 400], 29, 1)] {
            let (x, y) = Self.data(rows: 70, dense: dense, seed: UInt64(dense))
            var config = MLPTrainingConfig(hidden: hidden, learningRate: 3e-3, batchSize: batch, maxEpochs: 2, seed: 5)
            config.validationFraction = 0
            config.weightDecay = 0.01
            var initial: MLP? = nil
            if frozen > 0 {
                config.frozenLayers = frozen
                initial = MLP(layerSizes: [x.cols] + hidden + [1], seed: 9)
            }
            let want = Self.reference(x: x, y: y, config: config, initial: initial)
            for threads in [1, 2] {
                let (got, _) = try MLPTrainer.train(x: x, y: y, validation: nil, config: config, initial: initial,
                                                    control: .none, threads: threads)
                for l in 0..<want.layerCount {
                    for (what, a, b) in [("weights", got.weights[l], want.weights[l]), ("biases", got.biases[l], want.biases[l])] {
                        let differ = zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
                        XCTAssertTrue(a.count == b.count && differ == 0,
                                      "\(differ) of \(b.count) \(what) differ: dense \(dense) hidden \(hidden) batch \(batch) frozen \(frozen) threads \(threads) layer \(l)")
                    }
                }
            }
        }
    }
}
