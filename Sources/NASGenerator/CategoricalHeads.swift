#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NASCore

/// The per-decision categorical distributions read from a logit vector: softmax, sampling,
/// argmax and entropy, each over the slice `offsets[d]..<offsets[d + 1]` of decision d.
enum CategoricalHeads {
    /// Softmax of every decision's slice of `logits` into `probs` (both D long).
    static func softmax(_ logits: UnsafePointer<Float>, offsets: [Int], into probs: UnsafeMutablePointer<Float>) {
        for d in 0..<(offsets.count - 1) {
            let lo = offsets[d], hi = offsets[d + 1]
            var m = -Float.infinity
            for o in lo..<hi { m = max(m, logits[o]) }
            var s: Float = 0
            for o in lo..<hi {
                let e = expf(logits[o] - m)
                probs[o] = e
                s += e
            }
            let inv = 1 / s
            for o in lo..<hi { probs[o] *= inv }
        }
    }

    /// One option per decision drawn from `probs`.
    static func sample(_ probs: UnsafePointer<Float>, offsets: [Int], using rng: inout SeededGenerator) -> [UInt8] {
        var genes = [UInt8](repeating: 0, count: offsets.count - 1)
        for d in 0..<genes.count {
            let lo = offsets[d], hi = offsets[d + 1]
            let u = rng.nextFloat()
            var acc: Float = 0
            var pick = hi - 1
            for o in lo..<hi {
                acc += probs[o]
                if u < acc { pick = o; break }
            }
            genes[d] = UInt8(pick - lo)
        }
        return genes
    }

    /// The most likely option of each decision (ties: the lowest option).
    static func argmax(_ logits: UnsafePointer<Float>, offsets: [Int]) -> [UInt8] {
        var genes = [UInt8](repeating: 0, count: offsets.count - 1)
        for d in 0..<genes.count {
            let lo = offsets[d], hi = offsets[d + 1]
            var best = lo
            for o in (lo + 1)..<max(hi, lo + 1) where logits[o] > logits[best] { best = o }
            genes[d] = UInt8(best - lo)
        }
        return genes
    }

    /// Adds `weight · ∂H_d/∂logits` of decision d's entropy to `dLogits`; returns H_d.
    @discardableResult
    static func addEntropyGradient(_ probs: UnsafePointer<Float>, decision d: Int, offsets: [Int], weight: Float,
                                   into dLogits: UnsafeMutablePointer<Float>) -> Float {
        let lo = offsets[d], hi = offsets[d + 1]
        var h: Float = 0
        for o in lo..<hi where probs[o] > 0 { h -= probs[o] * logf(probs[o]) }
        guard weight != 0 else { return h }
        for o in lo..<hi where probs[o] > 0 {
            dLogits[o] -= weight * probs[o] * (logf(probs[o]) + h)
        }
        return h
    }

    /// Adds `weight · ∂ log π(option | budget)/∂logits` of decision d to `dLogits`.
    @inline(__always)
    static func addLogLikelihoodGradient(_ probs: UnsafePointer<Float>, decision d: Int, option: Int, offsets: [Int],
                                         weight: Float, into dLogits: UnsafeMutablePointer<Float>) {
        let lo = offsets[d], hi = offsets[d + 1]
        for o in lo..<hi { dLogits[o] -= weight * probs[o] }
        dLogits[lo + option] += weight
    }
}
