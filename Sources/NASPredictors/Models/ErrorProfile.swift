import NASCore

/// How far measured latencies sit above a predictor's predictions on cells it did not train on,
/// by predicted latency: the held-out cells sorted by prediction, cut into equal-count bins, each
/// with quantiles of measured/predicted − 1. `search` turns it into a safety margin for a
/// budget and a confidence, so a chosen architecture stays within the budget on the device.
///
/// Saved in a predictor's notes (`notes["errorProfile"]`) as text:
/// `v1;<upper>:<q0.5>,<q0.8>,<q0.9>,<q0.95>,<q0.99>;...`, one group per bin, where `upper` is the
/// largest prediction in the bin (the last bin also covers everything above).
public struct ErrorProfile: Sendable, Equatable {
    /// The confidence levels each bin holds a quantile for.
    public static let levels: [Double] = [0.5, 0.8, 0.9, 0.95, 0.99]
    /// The notes key it is saved under.
    public static let notesKey = "errorProfile"

    /// Largest prediction (ms) of each bin, ascending.
    public var upper: [Double]
    /// Per bin, the quantiles of measured/predicted − 1 at `levels`.
    public var quantiles: [[Double]]

    /// Bins held-out `(predicted, actual)` pairs: at most `maxBins` bins of at least
    /// `minimumPerBin` cells each (fewer cells: one bin). Nil with fewer than 20 usable pairs.
    public init?(predicted: [Double], actual: [Double], minimumPerBin: Int = 200, maxBins: Int = 32) {
        var pairs: [(p: Double, r: Double)] = []
        for (p, a) in zip(predicted, actual) where p.isFinite && a.isFinite && p > 0 && a > 0 {
            pairs.append((p, a / p - 1))
        }
        guard pairs.count >= 20 else { return nil }
        pairs.sort { $0.p < $1.p }
        let bins = max(1, min(maxBins, pairs.count / max(1, minimumPerBin)))
        var upper: [Double] = [], quantiles: [[Double]] = []
        for b in 0..<bins {
            let lo = pairs.count * b / bins, hi = pairs.count * (b + 1) / bins
            let ratios = pairs[lo..<hi].map(\.r).sorted()
            upper.append(pairs[hi - 1].p)
            quantiles.append(Self.levels.map { ratios[min(ratios.count - 1, Int(Double(ratios.count) * $0))] })
        }
        self.upper = upper
        self.quantiles = quantiles
    }

    /// The safety margin for `budget` (ms) at `confidence` ∈ [0.5, 0.99]: the bin whose
    /// predictions reach the budget, its quantile at `confidence` (linear between levels), capped
    /// to [0, 0.5]. A search that keeps predictions ≤ budget × (1 − margin) then stays within
    /// the budget on about `confidence` of the device's cells near it.
    public func margin(budget: Double, confidence: Double) -> Double {
        let bin = upper.firstIndex { budget <= $0 } ?? (upper.count - 1)
        let q = quantiles[bin], levels = Self.levels
        let c = min(max(confidence, levels[0]), levels[levels.count - 1])
        var value = q[levels.count - 1]
        for i in 0..<(levels.count - 1) where c <= levels[i + 1] {
            let t = (c - levels[i]) / (levels[i + 1] - levels[i])
            value = q[i] + t * (q[i + 1] - q[i])
            break
        }
        return min(max(value, 0), 0.5)
    }

    /// The text form saved in notes.
    public var encoded: String {
        "v1;" + zip(upper, quantiles).map { u, q in
            "\(u):" + q.map { String($0) }.joined(separator: ",")
        }.joined(separator: ";")
    }

    /// Reads the text form; nil when it is not one.
    public init?(encoded: String) {
        var parts = encoded.split(separator: ";")
        guard parts.first == "v1", parts.count >= 2 else { return nil }
        parts.removeFirst()
        var upper: [Double] = [], quantiles: [[Double]] = []
        for part in parts {
            let halves = part.split(separator: ":")
            guard halves.count == 2, let u = Double(halves[0]), u.isFinite else { return nil }
            let q = halves[1].split(separator: ",").compactMap { Double($0) }
            guard q.count == Self.levels.count, q.allSatisfy(\.isFinite) else { return nil }
            if let last = upper.last, u < last { return nil }
            upper.append(u)
            quantiles.append(q)
        }
        self.upper = upper
        self.quantiles = quantiles
    }
}

extension TrainedPredictor {
    /// The held-out error profile saved with the predictor, if its training kept one.
    public var errorProfile: ErrorProfile? {
        notes[ErrorProfile.notesKey].flatMap { ErrorProfile(encoded: $0) }
    }
}
