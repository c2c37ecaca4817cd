import NASCore

/// A dense ReLU network `in -> hidden... -> 1` with a linear output, the latency predictors'
/// engine. Weights are row-major `[Float]`: layer `l` maps `layerSizes[l]` inputs to
/// `layerSizes[l+1]` outputs, `weights[l][i * layerSizes[l+1] + j]` from input i to output j.
public struct MLP: Sendable, Equatable {
    /// Widths from input to output, e.g. `[inDim, 256, 256, 256, 1]`.
    public var layerSizes: [Int] { didSet { packed = PackedWeights() } }
    /// Per weight layer: `layerSizes[l] x layerSizes[l+1]`, row-major.
    public var weights: [[Float]] { didSet { packed = PackedWeights() } }
    /// Per weight layer: `layerSizes[l+1]` biases.
    public var biases: [[Float]]
    /// The weights packed for the GEMM, made on first use (copies share it until weights change).
    private var packed = PackedWeights()

    /// Same layer sizes, weights and biases.
    public static func == (a: MLP, b: MLP) -> Bool {
        a.layerSizes == b.layerSizes && a.weights == b.weights && a.biases == b.biases
    }

    /// A network with He (Kaiming) normal weights and zero biases, deterministic per seed.
    public init(layerSizes: [Int], seed: UInt64) {
        precondition(layerSizes.count >= 2 && layerSizes.allSatisfy { $0 > 0 }, "MLP needs >= 2 positive layer sizes")
        self.layerSizes = layerSizes
        var rng = SeededGenerator(seed: seed)
        var weights: [[Float]] = []
        var biases: [[Float]] = []
        for l in 0..<(layerSizes.count - 1) {
            let fanIn = layerSizes[l], fanOut = layerSizes[l + 1]
            let std = (2.0 / Double(fanIn)).squareRoot()
            var w = [Float](repeating: 0, count: fanIn * fanOut)
            for i in w.indices { w[i] = Float(rng.nextGaussian() * std) }
            weights.append(w)
            biases.append([Float](repeating: 0, count: fanOut))
        }
        self.weights = weights
        self.biases = biases
    }

    /// A network from explicit parameters; the shapes must agree with `layerSizes`.
    public init(layerSizes: [Int], weights: [[Float]], biases: [[Float]]) throws(NASError) {
        guard layerSizes.count >= 2, layerSizes.allSatisfy({ $0 > 0 }) else {
            throw NASError(.invalidParams, "an MLP needs at least two positive layer sizes, got \(layerSizes)")
        }
        guard weights.count == layerSizes.count - 1, biases.count == layerSizes.count - 1 else {
            throw NASError(.invalidParams, "an MLP with \(layerSizes.count) layer sizes needs \(layerSizes.count - 1) weight and bias layers")
        }
        for l in 0..<weights.count {
            guard weights[l].count == layerSizes[l] * layerSizes[l + 1], biases[l].count == layerSizes[l + 1] else {
                throw NASError(.invalidParams, "MLP layer \(l) has the wrong number of parameters for \(layerSizes[l])x\(layerSizes[l + 1])")
            }
        }
        self.layerSizes = layerSizes
        self.weights = weights
        self.biases = biases
    }

    /// The input width.
    public var inputDimension: Int { layerSizes[0] }
    /// The output width (1 for latency predictors).
    public var outputDimension: Int { layerSizes[layerSizes.count - 1] }
    /// Number of weight layers.
    public var layerCount: Int { layerSizes.count - 1 }
    /// Total number of trainable parameters.
    public var parameterCount: Int { weights.reduce(0) { $0 + $1.count } + biases.reduce(0) { $0 + $1.count } }

    /// Batch forward pass: one output per row of `x` (first output when the network has several).
    /// Large batches run on up to two threads.
    public func predict(_ x: FloatMatrix) -> [Float] {
        precondition(x.cols == inputDimension, "MLP.predict: input has \(x.cols) columns, the network expects \(inputDimension)")
        var out = [Float](repeating: 0, count: x.rows)
        x.storage.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                predict(px, rows: x.rows, into: po)
            }
        }
        return out
    }

    /// Forward pass over `rows` rows of `x` (row-major, `inputDimension` wide) into `out`
    /// (`rows` values). Allocates only per-thread scratch; runs on up to `threads` threads.
    public func predict(_ x: UnsafeBufferPointer<Float>, rows: Int, into out: UnsafeMutableBufferPointer<Float>) {
        predict(x, rows: rows, into: out, threads: rows >= 2 * MLP.rowBlock ? Kernels.defaultThreads : 1)
    }

    /// Rows per block in the forward pass: activations of a block stay in the L2 cache.
    static let rowBlock = 192
    /// Granularity of the parts of a batch under two blocks.
    static let smallBatchPart = 8
    /// Multiply-adds a small batch needs before it is split across threads (~0.05 ms of work).
    static let splitWork = 2_000_000

    /// `predict` with an explicit thread count (1 = the calling thread only). Results do not
    /// depend on the thread count or on how many rows are predicted together.
    public func predict(_ x: UnsafeBufferPointer<Float>, rows: Int, into out: UnsafeMutableBufferPointer<Float>,
                        threads: Int) {
        precondition(x.count >= rows * inputDimension && out.count >= rows, "MLP.predict: buffers too small")
        guard rows > 0 else { return }
        let widest = layerSizes.dropFirst().max()!
        let block = MLP.rowBlock
        let xBase = x.baseAddress!, outBase = out.baseAddress!
        let packedWeights = packed.layers(of: self)
        // A small batch (an evolution's ~100 children) splits into smaller parts when its work
        // outweighs waking a second thread.
        let small = rows < 2 * block
        let worth = !small || rows * parameterCount >= MLP.splitWork
        Kernels.parallelChunks(count: rows, threads: worth ? threads : 1, granularity: small ? MLP.smallBatchPart : block) { range in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * block * widest)
            defer { scratch.deallocate() }
            var start = range.lowerBound
            while start < range.upperBound {
                let n = min(block, range.upperBound - start)
                forwardBlock(xBase + start * inputDimension, rows: n, scratch: scratch, stride: block * widest,
                             packed: packedWeights, out: outBase + start)
                start += n
            }
        }
    }

    /// Forward of up to `rowBlock` rows through ping-pong scratch buffers; `packed` holds each
    /// layer's packed weights.
    private func forwardBlock(_ x: UnsafePointer<Float>, rows: Int, scratch: UnsafeMutablePointer<Float>,
                              stride: Int, packed: [UnsafePointer<Float>], out: UnsafeMutablePointer<Float>) {
        var input = x
        let last = layerCount - 1
        for l in 0...last {
            let nIn = layerSizes[l], nOut = layerSizes[l + 1]
            let dst = scratch + (l % 2) * stride
            biases[l].withUnsafeBufferPointer { b in
                // One-hot input: the first layer sums the weight rows of the set columns (same bits).
                if l == 0 && sparseFirstLayer(input, rows: rows, into: dst, bias: b.baseAddress, relu: l != last) {
                    return
                }
                Kernels.sgemmPacked(m: rows, n: nOut, k: nIn, a: input, lda: nIn, packedB: packed[l],
                                    c: dst, ldc: nOut, bias: b.baseAddress, relu: l != last)
            }
            input = UnsafePointer(dst)
        }
        let width = layerSizes[layerCount]
        for r in 0..<rows { out[r] = input[r * width] }
    }

    /// The first layer by `Kernels.sparseInputGEMM` when the block's rows are mostly zeros
    /// (one-hot encodings); false when they are not (nothing written).
    private func sparseFirstLayer(_ x: UnsafePointer<Float>, rows: Int, into dst: UnsafeMutablePointer<Float>,
                                  bias: UnsafePointer<Float>?, relu: Bool) -> Bool {
        weights[0].withUnsafeBufferPointer { w in
            Kernels.sparseInputGEMM(m: rows, n: layerSizes[1], k: layerSizes[0], a: x, lda: layerSizes[0],
                                    b: w.baseAddress!, ldb: layerSizes[1], c: dst, ldc: layerSizes[1], bias: bias, relu: relu)
        }
    }
}
