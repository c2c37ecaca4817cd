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

    /// One update of `parameters[range]` from `gradients[range]` (parameters outside the range,
    /// e.g. frozen layers, are left alone).
    public mutating func update(_ parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
                                range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= m.count, "Adam: range out of bounds")
        step += 1
        guard !range.isEmpty else { return }
        let (lr, b1, b2, eps, wd, t) = (learningRate, beta1, beta2, epsilon, weightDecay, step)
        m.withUnsafeMutableBufferPointer { pm in
            v.withUnsafeMutableBufferPointer { pv in
                let o = range.lowerBound
                Kernels.adamStep(count: range.count, parameters: parameters + o, gradients: gradients + o,
                                 m: pm.baseAddress! + o, v: pv.baseAddress! + o, learningRate: lr, beta1: b1,
                                 beta2: b2, epsilon: eps, step: t, weightDecay: wd)
            }
        }
    }
}
