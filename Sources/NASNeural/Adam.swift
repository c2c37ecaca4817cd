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

    /// One update applied by `body` in parts: it gets the moments and constants of the step
    /// (counted as `update` counts it) and updates disjoint ranges through `AdamStep.apply`, from
    /// any threads (element-wise: the bits of `update` over the same ranges).
    public mutating func update(_ body: (AdamStep) -> Void) {
        step += 1
        let (lr, b1, b2, eps, wd, t) = (learningRate, beta1, beta2, epsilon, weightDecay, step)
        m.withUnsafeMutableBufferPointer { pm in
            v.withUnsafeMutableBufferPointer { pv in
                body(AdamStep(m: pm.baseAddress!, v: pv.baseAddress!, count: pm.count, learningRate: lr, beta1: b1, beta2: b2,
                              epsilon: eps, weightDecay: wd, step: t))
            }
        }
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

/// One Adam update in progress (`Adam.update(_:)`): its moments and constants. Valid only
/// inside that call; `apply` on disjoint ranges may run on several threads at once.
public struct AdamStep: @unchecked Sendable {
    let m: UnsafeMutablePointer<Float>
    let v: UnsafeMutablePointer<Float>
    let count: Int
    let learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    let step: Int

    /// Updates `parameters[range]` from `gradients[range]` (and the moments of that range).
    public func apply(_ parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "AdamStep: range out of bounds")
        guard !range.isEmpty else { return }
        let o = range.lowerBound
        Kernels.adamStep(count: range.count, parameters: parameters + o, gradients: gradients + o, m: m + o, v: v + o,
                         learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, step: step,
                         weightDecay: weightDecay)
    }
}
