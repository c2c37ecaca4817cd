import NASCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The budget-conditioned policy: normalized budget b → radial-basis embedding φ(b) (K bumps
/// over [0, 1]) → tanh hidden layer (H) → one linear head of Σ cardinalities logits, read as one
/// independent categorical distribution per decision (factorized given the budget).
///
/// Parameters live in one contiguous `[Float]`: W1 (H×K), b1 (H), W2 (D×H), b2 (D), row-major.
/// The head starts at zero, so a fresh policy is uniform over the space.
public struct PolicyNetwork: Sendable, Equatable {
    /// Number of options of each decision.
    public let cardinalities: [Int]
    /// Embedding size K.
    public let embeddingSize: Int
    /// Hidden size H.
    public let hiddenSize: Int
    /// All parameters, flat.
    public var parameters: [Float]
    /// Offset of each decision's logits in the head (prefix sums of `cardinalities`).
    public let logitOffsets: [Int]

    /// Total logits D = Σ cardinalities.
    public var logitCount: Int { logitOffsets.last! }
    var w1Offset: Int { 0 }
    var b1Offset: Int { hiddenSize * embeddingSize }
    var w2Offset: Int { b1Offset + hiddenSize }
    var b2Offset: Int { w2Offset + logitCount * hiddenSize }

    /// Number of parameters for a shape.
    static func parameterCount(cardinalities: [Int], embeddingSize k: Int, hiddenSize h: Int) -> Int {
        let d = cardinalities.reduce(0, +)
        return h * k + h + d * h + d
    }

    /// A fresh network: W1 Gaussian (std 1/√K), everything else zero (uniform policy).
    public init(cardinalities: [Int], embeddingSize: Int, hiddenSize: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let count = Self.parameterCount(cardinalities: cardinalities, embeddingSize: embeddingSize, hiddenSize: hiddenSize)
        var p = [Float](repeating: 0, count: count)
        let std = 1 / Double(embeddingSize).squareRoot() * 2
        for i in 0..<(hiddenSize * embeddingSize) { p[i] = Float(rng.nextGaussian() * std) }
        // Spread the hidden units' biases so different budgets activate different units.
        for j in 0..<hiddenSize { p[hiddenSize * embeddingSize + j] = Float(rng.nextGaussian() * 0.5) }
        try! self.init(cardinalities: cardinalities, embeddingSize: embeddingSize, hiddenSize: hiddenSize, parameters: p)
    }

    /// A network from stored parameters (sizes must match the shape).
    public init(cardinalities: [Int], embeddingSize: Int, hiddenSize: Int, parameters: [Float]) throws(NASError) {
        guard parameters.count == Self.parameterCount(cardinalities: cardinalities, embeddingSize: embeddingSize,
                                                      hiddenSize: hiddenSize) else {
            throw NASError(.corruptFile, "generator parameter count \(parameters.count) does not match its shape")
        }
        self.cardinalities = cardinalities
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.parameters = parameters
        var offsets = [0]
        for c in cardinalities { offsets.append(offsets.last! + c) }
        self.logitOffsets = offsets
    }

    /// The radial-basis embedding of a normalized budget, written into `out` (K values).
    @inline(__always)
    func embed(_ b: Double, into out: UnsafeMutablePointer<Float>) {
        let k = embeddingSize
        let width = 1 / Double(k - 1)
        for i in 0..<k {
            let z = (b - Double(i) * width) / width
            out[i] = Float(exp(-0.5 * z * z))
        }
    }

    /// Forward pass of one budget: fills `phi` (K), `hidden` (H) and `logits` (D).
    func forward(_ b: Double, phi: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>,
                 logits: UnsafeMutablePointer<Float>) {
        embed(b, into: phi)
        let (k, h, d) = (embeddingSize, hiddenSize, logitCount)
        parameters.withUnsafeBufferPointer { pp in
            let p = pp.baseAddress!
            let w1 = p + w1Offset, b1 = p + b1Offset, w2 = p + w2Offset, b2 = p + b2Offset
            for j in 0..<h {
                var s = b1[j]
                let row = w1 + j * k
                for i in 0..<k { s += row[i] * phi[i] }
                hidden[j] = tanhf(s)
            }
            for o in 0..<d {
                var s = b2[o]
                let row = w2 + o * h
                for j in 0..<h { s += row[j] * hidden[j] }
                logits[o] = s
            }
        }
    }

    /// The logits of one budget (allocating; for inspection and tests).
    public func logits(budget b: Double) -> [Float] {
        var phi = [Float](repeating: 0, count: embeddingSize)
        var hidden = [Float](repeating: 0, count: hiddenSize)
        var out = [Float](repeating: 0, count: logitCount)
        phi.withUnsafeMutableBufferPointer { ph in
            hidden.withUnsafeMutableBufferPointer { hd in
                out.withUnsafeMutableBufferPointer { lo in
                    forward(b, phi: ph.baseAddress!, hidden: hd.baseAddress!, logits: lo.baseAddress!)
                }
            }
        }
        return out
    }

    /// Accumulates into `grad` the gradient of Σ_o dLogits[o]·logit_o for one budget, given its
    /// forward activations. (Back-propagation through the head and the tanh layer.)
    func accumulateGradient(dLogits: UnsafePointer<Float>, phi: UnsafePointer<Float>, hidden: UnsafePointer<Float>,
                            into grad: UnsafeMutablePointer<Float>, scratch dHidden: UnsafeMutablePointer<Float>) {
        let (k, h, d) = (embeddingSize, hiddenSize, logitCount)
        parameters.withUnsafeBufferPointer { pp in
            let w2 = pp.baseAddress! + w2Offset
            let gw1 = grad + w1Offset, gb1 = grad + b1Offset, gw2 = grad + w2Offset, gb2 = grad + b2Offset
            for j in 0..<h { dHidden[j] = 0 }
            for o in 0..<d {
                let g = dLogits[o]
                if g == 0 { continue }
                gb2[o] += g
                let row = w2 + o * h, grow = gw2 + o * h
                for j in 0..<h {
                    grow[j] += g * hidden[j]
                    dHidden[j] += g * row[j]
                }
            }
            for j in 0..<h {
                let da = dHidden[j] * (1 - hidden[j] * hidden[j])
                if da == 0 { continue }
                gb1[j] += da
                let grow = gw1 + j * k
                for i in 0..<k { grow[i] += da * phi[i] }
            }
        }
    }
}

