/// Adam (or AdamW, with decoupled weight decay) over a flat parameter vector.
public struct Adam: Sendable {
    /// Step size.
    public var learningRate: Float
    /// First-moment decay.
    public var beta1: Float = 0.9
    /// Second-moment decay.
    public var beta2: Float = 0.999
    /// Denominator guard.
    public var epsilon: Float = 1e-8
    /// Decoupled weight decay (0 = plain Adam).
    public var weightDecay: Float
    /// Updates done so far.
    public private(set) var step = 0
    private var m: [Float]
    private var v: [Float]

    /// Zero moments for `parameterCount` parameters.
    public init(parameterCount: Int, learningRate: Float, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        m = [Float](repeating: 0, count: parameterCount)
        v = [Float](repeating: 0, count: parameterCount)
    }

    /// Parameters from which an update is split across threads (below, a split costs more than it saves).
    public static let parallelCount = 1 << 16

    /// One update of `parameters[range]` from `gradients[range]` (parameters outside the range,
    /// e.g. frozen layers, are left alone), split across at most `threads` threads when the range
    /// is large (element-wise: the result does not depend on the split).
    public mutating func update(_ parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
                                range: Range<Int>, threads: Int = 1) {
        precondition(range.lowerBound >= 0 && range.upperBound <= m.count, "Adam: range out of bounds")
        step += 1
        guard !range.isEmpty else { return }
        let (lr, b1, b2, eps, wd, t) = (learningRate, beta1, beta2, epsilon, weightDecay, step)
        m.withUnsafeMutableBufferPointer { pm in
            v.withUnsafeMutableBufferPointer { pv in
                nonisolated(unsafe) let (pp, pg, mm, vv) = (parameters, gradients, pm.baseAddress!, pv.baseAddress!)
                Kernels.parallelChunks(count: range.count, threads: range.count >= Self.parallelCount ? threads : 1,
                                       granularity: 1024) { chunk in
                    let o = range.lowerBound + chunk.lowerBound
                    Kernels.adamStep(count: chunk.count, parameters: pp + o, gradients: pg + o, m: mm + o, v: vv + o,
                                     learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, step: t, weightDecay: wd)
                }
            }
        }
    }
}
