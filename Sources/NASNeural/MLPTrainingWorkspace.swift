import NASCore

/// The trainer's scratch: flat parameters and gradients (per layer: weights then biases),
/// per-layer activations of one mini-batch, and two gradient buffers. Not shared across threads
/// except inside one GEMM, which splits its output columns (results do not depend on the split).
final class MLPTrainingWorkspace {
    let sizes: [Int]
    let layerCount: Int
    let batchCapacity: Int
    /// Threads a large GEMM or Adam step is split across (may change between steps: results do not depend on it).
    var threads: Int
    let parameterCount: Int
    let weightOffsets: [Int]
    let biasOffsets: [Int]
    let parameters: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    /// activations[l]: batchCapacity x sizes[l]; activations[0] is the gathered input batch.
    let activations: [UnsafeMutablePointer<Float>]
    let deltaA: UnsafeMutablePointer<Float>
    let deltaB: UnsafeMutablePointer<Float>
    let targets: UnsafeMutablePointer<Float>

    init(network: MLP, batchCapacity: Int, threads: Int) {
        sizes = network.layerSizes
        layerCount = sizes.count - 1
        self.batchCapacity = batchCapacity
        self.threads = threads
        var offset = 0
        var wo: [Int] = [], bo: [Int] = []
        for l in 0..<layerCount {
            wo.append(offset)
            offset += sizes[l] * sizes[l + 1]
            bo.append(offset)
            offset += sizes[l + 1]
        }
        weightOffsets = wo
        biasOffsets = bo
        parameterCount = offset
        parameters = .allocate(capacity: offset)
        gradients = .allocate(capacity: offset)
        gradients.initialize(repeating: 0, count: offset)
        activations = sizes.map { width in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: batchCapacity * width)
            p.initialize(repeating: 0, count: batchCapacity * width)
            return p
        }
        let widest = sizes.max()!
        deltaA = .allocate(capacity: batchCapacity * widest)
        deltaB = .allocate(capacity: batchCapacity * widest)
        targets = .allocate(capacity: batchCapacity)
        load(network)
    }

    deinit {
        parameters.deallocate()
        gradients.deallocate()
        for p in activations { p.deallocate() }
        deltaA.deallocate()
        deltaB.deallocate()
        targets.deallocate()
    }

    /// Copies a network's parameters into the flat vector.
    func load(_ network: MLP) {
        for l in 0..<layerCount {
            network.weights[l].withUnsafeBufferPointer { (parameters + weightOffsets[l]).update(from: $0.baseAddress!, count: $0.count) }
            network.biases[l].withUnsafeBufferPointer { (parameters + biasOffsets[l]).update(from: $0.baseAddress!, count: $0.count) }
        }
    }

    /// The flat vector as a network.
    func network(from flat: UnsafePointer<Float>) -> MLP {
        var net = MLP(layerSizes: sizes, seed: 0)
        for l in 0..<layerCount {
            net.weights[l] = Array(UnsafeBufferPointer(start: flat + weightOffsets[l], count: sizes[l] * sizes[l + 1]))
            net.biases[l] = Array(UnsafeBufferPointer(start: flat + biasOffsets[l], count: sizes[l + 1]))
        }
        return net
    }

    /// Copies rows `indices` of `x` into the input batch and their targets.
    func gather(x: UnsafePointer<Float>, y: UnsafePointer<Float>, indices: ArraySlice<Int>) {
        let width = sizes[0]
        var r = 0
        for i in indices {
            (activations[0] + r * width).update(from: x + i * width, count: width)
            targets[r] = y[i]
            r += 1
        }
    }

    /// Multiply-adds from which a training GEMM is split across threads.
    static let parallelWork = 1 << 20

    /// A GEMM whose output columns are split across the workspace's threads when it is large.
    private func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil, relu: Bool = false) {
        split(m: m, n: n, k: k) { cols in
            let j = cols.lowerBound
            Kernels.sgemm(transA: transA, transB: transB, m: m, n: cols.count, k: k, a: a, lda: lda,
                          b: transB ? b + j * ldb : b + j, ldb: ldb, c: c + j, ldc: ldc,
                          bias: bias.map { $0 + j }, relu: relu)
        }
    }

    /// Forward of the first `rows` rows of the input batch; returns the output pointer (rows x 1).
    /// The first layer sums only the weight rows of non-zero inputs when the batch is mostly
    /// zeros (one-hot encodings; the same bits as the GEMM).
    @discardableResult
    func forward(rows: Int, params: UnsafePointer<Float>) -> UnsafePointer<Float> {
        for l in 0..<layerCount {
            let nIn = sizes[l], nOut = sizes[l + 1]
            let a = UnsafePointer(activations[l]), w = params + weightOffsets[l], bias = params + biasOffsets[l]
            let c = activations[l + 1], relu = l != layerCount - 1
            if l == 0 {
                split(m: rows, n: nOut, k: nIn) { cols in
                    let j = cols.lowerBound
                    if !Kernels.sparseInputGEMM(m: rows, n: cols.count, k: nIn, a: a, lda: nIn, b: w + j, ldb: nOut,
                                                c: c + j, ldc: nOut, bias: bias + j, relu: relu) {
                        Kernels.sgemm(m: rows, n: cols.count, k: nIn, a: a, lda: nIn, b: w + j, ldb: nOut, c: c + j, ldc: nOut,
                                      bias: bias + j, relu: relu)
                    }
                }
            } else {
                gemm(m: rows, n: nOut, k: nIn, a: a, lda: nIn, b: w, ldb: nOut, c: c, ldc: nOut, bias: bias, relu: relu)
            }
        }
        return UnsafePointer(activations[layerCount])
    }

    /// `body` over the output columns `0..<n` of an `m x n x k` product, split across the
    /// workspace's threads when it is large (chunks of whole 16-column panels).
    private func split(m: Int, n: Int, k: Int, _ body: (Range<Int>) -> Void) {
        let t = m * n * k >= MLPTrainingWorkspace.parallelWork && n >= 32 ? threads : 1
        Kernels.parallelChunks(count: n, threads: t, granularity: 16, body)
    }

    /// Backward of the MSE loss of the last forward over `rows` rows; fills gradients of layers
    /// `frozen..<layerCount`. Returns the batch's sum of squared errors.
    func backward(rows: Int, frozen: Int) -> Double {
        let out = activations[layerCount]
        var sse = 0.0
        let scale = 2 / Float(rows)
        for r in 0..<rows {
            let e = out[r] - targets[r]
            sse += Double(e) * Double(e)
            deltaA[r] = scale * e
        }
        var delta = deltaA, spare = deltaB
        var l = layerCount - 1
        while l >= frozen {
            let nIn = sizes[l], nOut = sizes[l + 1]
            // dW = A_l^T * delta (the first layer's over the non-zero inputs only, when the
            // batch is mostly zeros: the same bits), db = column sums of delta.
            if l == 0 {
                let a = UnsafePointer(activations[0]), d = UnsafePointer(delta), g = gradients + weightOffsets[0]
                split(m: nIn, n: nOut, k: rows) { cols in
                    let j = cols.lowerBound
                    if !Kernels.sparseInputWeightGradient(m: rows, k: nIn, n: cols.count, x: a, ldx: nIn, d: d + j, ldd: nOut,
                                                          g: g + j, ldg: nOut) {
                        Kernels.sgemm(transA: true, m: nIn, n: cols.count, k: rows, a: a, lda: nIn, b: d + j, ldb: nOut,
                                      c: g + j, ldc: nOut)
                    }
                }
            } else {
                gemm(transA: true, m: nIn, n: nOut, k: rows, a: activations[l], lda: nIn, b: delta, ldb: nOut,
                     c: gradients + weightOffsets[l], ldc: nOut)
            }
            Kernels.columnSums(m: rows, n: nOut, x: delta, ldx: nOut, into: gradients + biasOffsets[l])
            if l > frozen {
                // dA_l = delta * W_l^T, then through the ReLU of layer l-1's output.
                gemm(transB: true, m: rows, n: nIn, k: nOut, a: delta, lda: nOut, b: parameters + weightOffsets[l],
                     ldb: nOut, c: spare, ldc: nIn)
                Kernels.reluBackward(count: rows * nIn, activation: activations[l], gradient: spare)
                swap(&delta, &spare)
            }
            l -= 1
        }
        return sse
    }

    /// Mean squared error of the network in `params` over all rows of (x, y), in batches; the
    /// outputs are copied to `outputs` (count floats) when it is given.
    func meanSquaredError(x: UnsafePointer<Float>, y: UnsafePointer<Float>, count: Int, params: UnsafePointer<Float>,
                          outputs: UnsafeMutablePointer<Float>? = nil) -> Double {
        guard count > 0 else { return .nan }
        let width = sizes[0]
        var sse = 0.0
        var start = 0
        while start < count {
            let n = min(batchCapacity, count - start)
            activations[0].update(from: x + start * width, count: n * width)
            let out = forward(rows: n, params: params)
            outputs?.advanced(by: start).update(from: out, count: n)
            for r in 0..<n {
                let e = Double(out[r]) - Double(y[start + r])
                sse += e * e
            }
            start += n
        }
        return sse / Double(count)
    }
}
