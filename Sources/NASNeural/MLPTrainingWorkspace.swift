import NASCore

/// The trainer's scratch: flat parameters and gradients (per layer: weights then biases), each
/// layer's weights (from the second layer) packed transposed as the backward pass reads them and,
/// on CPUs without AVX-512F (whose GEMM reads them in place), packed as the forward pass reads
/// them, and the per-layer activations and deltas of one mini-batch.
///
/// A training step (`step`) runs in two parallel phases, two hand-offs between threads in all:
/// (A) each thread takes a range of the batch rows through the forward pass and back to every
/// layer's delta; (B) each thread takes a range of every layer's weight rows (its inputs): their
/// gradients (sums over all the batch rows, in row order), their Adam update and their part of the
/// packed copies. A row of a GEMM's result does not depend on the other rows of A, nor a weight
/// row's gradient on the other weight rows, so the weights are bit-identical for every thread
/// count, and to one GEMM per layer and step.
final class MLPTrainingWorkspace {
    let sizes: [Int]
    let layerCount: Int
    let batchCapacity: Int
    /// Threads a step is split across (may change between steps: results do not depend on it).
    var threads: Int
    let parameterCount: Int
    let weightOffsets: [Int]
    let biasOffsets: [Int]
    let parameters: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    /// activations[l]: batchCapacity x sizes[l]; activations[0] is the gathered input batch.
    let activations: [UnsafeMutablePointer<Float>]
    /// deltas[l]: batchCapacity x sizes[l + 1], the loss's gradient at layer l's output (before its ReLU).
    let deltas: [UnsafeMutablePointer<Float>]
    /// packed[l]: layer l's weights as `Kernels.sgemmPacked`'s B (k = sizes[l], n = sizes[l + 1]);
    /// empty on AVX-512F CPUs, whose `Kernels.sgemm` reads a row-major B in place.
    let packed: [UnsafeMutablePointer<Float>]
    /// packedT[l], l >= 1: their transpose (k = sizes[l + 1], n = sizes[l]), for the deltas of layer l - 1.
    let packedT: [UnsafeMutablePointer<Float>?]
    let targets: UnsafeMutablePointer<Float>

    /// `packForward`: keep the forward pass's packed weights (what CPUs without AVX-512F need).
    init(network: MLP, batchCapacity: Int, threads: Int, packForward: Bool = !Kernels.hasAVX512F) {
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
        func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            return p
        }
        activations = sizes.map { zeros(batchCapacity * $0) }
        deltas = sizes.dropFirst().map { zeros(batchCapacity * $0) }
        let sizes = sizes
        packed = !packForward ? [] : (0..<layerCount).map { l in zeros(Kernels.packedSize(k: sizes[l], n: sizes[l + 1])) }
        packedT = (0..<layerCount).map { l in l == 0 ? nil : zeros(Kernels.packedSize(k: sizes[l + 1], n: sizes[l])) }
        targets = .allocate(capacity: batchCapacity)
        load(network)
    }

    deinit {
        parameters.deallocate()
        gradients.deallocate()
        for p in activations + deltas + packed { p.deallocate() }
        for p in packedT { p?.deallocate() }
        targets.deallocate()
    }

    /// Copies a network's parameters into the flat vector.
    func load(_ network: MLP) {
        for l in 0..<layerCount {
            network.weights[l].withUnsafeBufferPointer { (parameters + weightOffsets[l]).update(from: $0.baseAddress!, count: $0.count) }
            network.biases[l].withUnsafeBufferPointer { (parameters + biasOffsets[l]).update(from: $0.baseAddress!, count: $0.count) }
            pack(layer: l, rows: 0..<sizes[l])
        }
    }

    /// Packs weight rows `rows` (inputs) of layer l into `packed[l]` and `packedT[l]`.
    private func pack(layer l: Int, rows: Range<Int>) {
        let (nIn, nOut, w) = (sizes[l], sizes[l + 1], UnsafePointer(parameters + weightOffsets[l]))
        if !packed.isEmpty {
            Kernels.packBPart(k: nIn, n: nOut, b: w, ldb: nOut, into: packed[l], rows: rows, cols: 0..<nOut)
        }
        if let t = packedT[l] {
            Kernels.packBPart(transB: true, k: nOut, n: nIn, b: w, ldb: nOut, into: t, rows: 0..<nOut, cols: rows)
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

    /// Multiply-adds (batch rows x parameters) from which a step is split across threads.
    static let parallelWork = 1 << 20

    /// Threads for `rows` rows: 1 below `parallelWork`.
    private func parts(rows: Int) -> Int {
        rows >= 2 && rows * parameterCount >= Self.parallelWork ? max(1, min(threads, rows)) : 1
    }

    /// One training step on rows `indices` of (x, y): forward, backward, and Adam's update of
    /// layers `frozen...` (their weights and biases). Returns the batch's sum of squared errors.
    func step(x: UnsafePointer<Float>, y: UnsafePointer<Float>, indices: ArraySlice<Int>, frozen: Int,
              adam: inout Adam) -> Double {
        let rows = indices.count
        let parts = parts(rows: rows)
        let width = sizes[0], first = indices.startIndex
        nonisolated(unsafe) let (px, py) = (x, y)
        // (A) Each thread: its batch rows gathered, forward, and back to every layer's delta.
        Kernels.parallelChunks(count: rows, threads: parts) { range in
            for r in range {
                let i = indices[first + r]
                (activations[0] + r * width).update(from: px + i * width, count: width)
                targets[r] = py[i]
            }
            forward(range)
            backward(range, rows: rows, frozen: frozen)
        }
        var sse = 0.0
        let out = activations[layerCount]
        for r in 0..<rows {
            let e = out[r] - targets[r]
            sse += Double(e) * Double(e)
        }
        // (B) Each thread: its weight rows of every trained layer (gradient, update, packing).
        adam.update { step in
            Kernels.parallelChunks(count: parts, threads: parts) { range in
                for p in range { updateWeights(part: p, of: parts, rows: rows, frozen: frozen, step: step) }
            }
        }
        return sse
    }

    /// Forward of batch rows `range` (their inputs already in `activations[0]`). The first layer
    /// sums only the weight rows of non-zero inputs when the rows are mostly zeros (one-hot
    /// encodings; the same bits as the GEMM).
    private func forward(_ range: Range<Int>) {
        let m = range.count, r0 = range.lowerBound
        for l in 0..<layerCount {
            let nIn = sizes[l], nOut = sizes[l + 1]
            let a = UnsafePointer(activations[l] + r0 * nIn), c = activations[l + 1] + r0 * nOut
            let bias = UnsafePointer(parameters + biasOffsets[l]), relu = l != layerCount - 1
            if l == 0 && Kernels.sparseInputGEMM(m: m, n: nOut, k: nIn, a: a, lda: nIn, b: parameters + weightOffsets[0],
                                                 ldb: nOut, c: c, ldc: nOut, bias: bias, relu: relu) {
                continue
            }
            if packed.isEmpty {
                Kernels.sgemm(m: m, n: nOut, k: nIn, a: a, lda: nIn, b: parameters + weightOffsets[l], ldb: nOut, c: c, ldc: nOut,
                              bias: bias, relu: relu)
            } else {
                Kernels.sgemmPacked(m: m, n: nOut, k: nIn, a: a, lda: nIn, packedB: packed[l], c: c, ldc: nOut, bias: bias, relu: relu)
            }
        }
    }

    /// The deltas of batch rows `range` of a batch of `rows` rows, from the MSE loss back to layer
    /// `frozen`'s output: delta of layer l - 1 = (delta of layer l) · W_lᵀ through layer l - 1's ReLU.
    private func backward(_ range: Range<Int>, rows: Int, frozen: Int) {
        let m = range.count, r0 = range.lowerBound
        let out = activations[layerCount], last = deltas[layerCount - 1]
        let scale = 2 / Float(rows)
        for r in range {
            let e = out[r] - targets[r]
            last[r] = scale * e
        }
        var l = layerCount - 1
        while l > frozen {
            let nIn = sizes[l], nOut = sizes[l + 1], dst = deltas[l - 1] + r0 * nIn
            Kernels.sgemmPacked(m: m, n: nIn, k: nOut, a: deltas[l] + r0 * nOut, lda: nOut, packedB: packedT[l]!,
                                c: dst, ldc: nIn)
            Kernels.reluBackward(count: m * nIn, activation: activations[l] + r0 * nIn, gradient: dst)
            l -= 1
        }
    }

    /// Part `p` of `parts` of phase (B): for every layer from `frozen`, its chunk of the weight
    /// rows: dW = A_lᵀ · delta over all `rows` batch rows (the first layer's over the non-zero
    /// inputs only when the batch is mostly zeros: the same bits), Adam's update, packing; and the
    /// bias (column sums of delta, then Adam) of the layers whose index is p modulo `parts`.
    private func updateWeights(part p: Int, of parts: Int, rows: Int, frozen: Int, step: AdamStep) {
        for l in frozen..<layerCount {
            let nIn = sizes[l], nOut = sizes[l + 1]
            let ir = Kernels.chunk(p, of: parts, count: nIn, granularity: 16)
            if !ir.isEmpty {
                let a = UnsafePointer(activations[l] + ir.lowerBound), d = UnsafePointer(deltas[l])
                let g = gradients + weightOffsets[l] + ir.lowerBound * nOut
                if l > 0 || !Kernels.sparseInputWeightGradient(m: rows, k: ir.count, n: nOut, x: a, ldx: nIn, d: d, ldd: nOut,
                                                                 g: g, ldg: nOut) {
                    Kernels.sgemm(transA: true, m: ir.count, n: nOut, k: rows, a: a, lda: nIn, b: d, ldb: nOut, c: g, ldc: nOut)
                }
                // Updated and packed 16 rows at a time: the packing reads what the update just wrote, from L1.
                let o = weightOffsets[l]
                for lo in stride(from: ir.lowerBound, to: ir.upperBound, by: 16) {
                    let block = lo..<min(lo + 16, ir.upperBound)
                    step.apply(parameters, gradients: gradients, range: (o + block.lowerBound * nOut)..<(o + block.upperBound * nOut))
                    pack(layer: l, rows: block)
                }
            }
            if l % parts == p {
                Kernels.columnSums(m: rows, n: nOut, x: deltas[l], ldx: nOut, into: gradients + biasOffsets[l])
                step.apply(parameters, gradients: gradients, range: biasOffsets[l]..<(biasOffsets[l] + nOut))
            }
        }
    }

    /// Mean squared error of the network over all rows of (x, y), in batches; the outputs are
    /// copied to `outputs` (count floats) when it is given.
    func meanSquaredError(x: UnsafePointer<Float>, y: UnsafePointer<Float>, count: Int,
                          outputs: UnsafeMutablePointer<Float>? = nil) -> Double {
        guard count > 0 else { return .nan }
        let width = sizes[0]
        var sse = 0.0
        var start = 0
        while start < count {
            let n = min(batchCapacity, count - start)
            activations[0].update(from: x + start * width, count: n * width)
            Kernels.parallelChunks(count: n, threads: parts(rows: n)) { forward($0) }
            let out = activations[layerCount]
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
