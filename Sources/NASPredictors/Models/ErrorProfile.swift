import NASCore

/// How far measured latencies sit from a predictor's predictions on cells it did not train on,
/// by predicted latency: the held-out cells sorted by prediction, cut into equal-count bins, each
/// with quantiles of measured/predicted − 1. `search` turns it into a safety margin for a
/// budget and a confidence, so a chosen architecture stays within the budget on the device;
/// `predict` turns it into a prediction interval.
///
/// Saved in a predictor's notes (`notes["errorProfile"]`) as text:
/// `v2;<upper>:<q0.005>,<q0.01>,...,<q0.995>;...` (the 13 `levels`), one group per bin, where
/// `upper` is the largest prediction in the bin (the last bin also covers everything above).
/// `v1` profiles (levels 0.5…0.99 only, recipe 3) still read; they give margins, not intervals.
public struct ErrorProfile: Sendable, Equatable {
    /// The levels each bin of a new profile holds a quantile for: both tails, so that central
    /// intervals at 0.5…0.99 come from two stored quantiles.
    public static let levels: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995]
    /// The levels of a version-1 profile.
    public static let levelsV1: [Double] = [0.5, 0.8, 0.9, 0.95, 0.99]
    /// The notes key it is saved under.
    public static let notesKey = "errorProfile"

    /// The levels this profile holds (`levels`, or `levelsV1` for an old one).
    public var levels: [Double]
    /// Largest prediction (ms) of each bin, ascending.
    public var upper: [Double]
    /// Per bin, the quantiles of measured/predicted − 1 at `levels`.
    public var quantiles: [[Double]]

    /// Bins held-out `(predicted, actual)` pairs: at most `maxBins` bins of at least
    /// `minimumPerBin` cells each (fewer cells: one bin). Nil with fewer than 20 usable pairs.
    public init?(predicted: [Double], actual: [Double], minimumPerBin: Int = 200, maxBins: Int = 32) {
        let pairs = Self.ratios(predicted: predicted, actual: actual)
        guard pairs.count >= 20 else { return nil }
        let bins = max(1, min(maxBins, pairs.count / max(1, minimumPerBin)))
        var upper: [Double] = [], quantiles: [[Double]] = []
        for b in 0..<bins {
            let lo = pairs.count * b / bins, hi = pairs.count * (b + 1) / bins
            let ratios = pairs[lo..<hi].map(\.r).sorted()
            upper.append(pairs[hi - 1].p)
            quantiles.append(Self.levels.map { Self.empiricalQuantile(ratios, $0) })
        }
        self.levels = Self.levels
        self.upper = upper
        self.quantiles = quantiles
    }

    /// A one-bin profile from a handful of cross-validated `(predicted, actual)` pairs (a
    /// fine-tuned or adapted predictor's out-of-fold predictions on its k samples): the log
    /// ratios' mean and standard deviation, and Student-t quantiles with k − 1 degrees of
    /// freedom widened by √(1 + 1/k) (a prediction interval for one new cell). Empirical
    /// quantiles of 20 values cannot reach 0.99; this can. Nil with fewer than 5 usable pairs.
    public init?(fewSamplesPredicted predicted: [Double], actual: [Double]) {
        guard let r = FewSampleResiduals(predicted: predicted, actual: actual, positions: predicted) else { return nil }
        self.init(fewSamples: r, table: nil)
    }

    /// Usable pairs sorted by prediction, with r = actual/predicted − 1.
    private static func ratios(predicted: [Double], actual: [Double]) -> [(p: Double, r: Double)] {
        var pairs: [(p: Double, r: Double)] = []
        for (p, a) in zip(predicted, actual) where p.isFinite && a.isFinite && p > 0 && a > 0 {
            pairs.append((p, a / p - 1))
        }
        return pairs.sorted { $0.p < $1.p }
    }

    /// The value at `level` of sorted values (linear between order statistics).
    public static func empiricalQuantile(_ sorted: [Double], _ level: Double) -> Double {
        let x = level * Double(sorted.count - 1)
        let i = Int(x.rounded(.down)), t = x - Double(i)
        return i + 1 < sorted.count ? sorted[i] + t * (sorted[i + 1] - sorted[i]) : sorted[sorted.count - 1]
    }

    /// The bin answering for a prediction (or a budget) of `ms`.
    func bin(for ms: Double) -> Int {
        upper.firstIndex { ms <= $0 } ?? (upper.count - 1)
    }

    /// The quantile of measured/predicted − 1 at `level` in `bin`, linear between the stored
    /// levels and clamped to the outermost ones.
    public func ratioQuantile(bin: Int, level: Double) -> Double {
        let q = quantiles[bin]
        if level <= levels[0] { return q[0] }
        for i in 0..<(levels.count - 1) where level <= levels[i + 1] {
            let t = (level - levels[i]) / (levels[i + 1] - levels[i])
            return q[i] + t * (q[i + 1] - q[i])
        }
        return q[levels.count - 1]
    }

    /// The safety margin for `budget` (ms) at `confidence` ∈ [0.5, 0.99]: the bin whose
    /// predictions reach the budget, its quantile at `confidence` (linear between levels), capped
    /// to [0, 0.5]. A search that keeps predictions ≤ budget × (1 − margin) then stays within
    /// the budget on about `confidence` of the device's cells near it.
    public func margin(budget: Double, confidence: Double) -> Double {
        let c = min(max(confidence, 0.5), 0.99)
        return min(max(ratioQuantile(bin: bin(for: budget), level: c), 0), 0.5)
    }

    /// Whether this profile holds both tails (a v2 profile), as `interval` needs.
    public var hasIntervals: Bool { levels.first.map { $0 < 0.5 } ?? false }

    /// The central prediction interval at `level` ∈ [0.5, 0.99] for a prediction of `ms`:
    /// `ms × (1 + q((1 − level)/2))` to `ms × (1 + q((1 + level)/2))` from the prediction's bin.
    /// Nil for a v1 profile (no lower tail).
    public func interval(prediction ms: Double, level: Double) -> (lower: Double, upper: Double)? {
        guard hasIntervals else { return nil }
        let b = bin(for: ms)
        let lo = ratioQuantile(bin: b, level: (1 - level) / 2), hi = ratioQuantile(bin: b, level: (1 + level) / 2)
        return (max(ms * (1 + lo), 0), max(ms * (1 + hi), 0))
    }

    /// The text form saved in notes.
    public var encoded: String {
        (levels == Self.levelsV1 ? "v1;" : "v2;") + zip(upper, quantiles).map { u, q in
            "\(u):" + q.map { String($0) }.joined(separator: ",")
        }.joined(separator: ";")
    }

    /// Reads the text form; nil when it is not one.
    public init?(encoded: String) {
        // Parsed on bytes: `predict {interval}` decodes the profile on every call, and splitting
        // the text by Character cost ~0.7 ms of a 1 ms answer (`Benchmarks/results/repeats.md`).
        let bytes = Array(encoded.utf8)
        let groups = bytes.split(separator: UInt8(ascii: ";"))
        guard groups.count >= 2 else { return nil }
        switch String(decoding: groups[0], as: UTF8.self) {
        case "v1": levels = Self.levelsV1
        case "v2": levels = Self.levels
        default: return nil
        }
        func number(_ b: ArraySlice<UInt8>) -> Double? {
            guard let v = Double(String(decoding: b, as: UTF8.self)), v.isFinite else { return nil }
            return v
        }
        var upper: [Double] = [], quantiles: [[Double]] = []
        for group in groups.dropFirst() {
            let halves = group.split(separator: UInt8(ascii: ":"))
            guard halves.count == 2, let u = number(halves[0]) else { return nil }
            var q: [Double] = []
            q.reserveCapacity(levels.count)
            for field in halves[1].split(separator: UInt8(ascii: ",")) {
                guard let v = number(field) else { return nil }
                q.append(v)
            }
            guard q.count == levels.count else { return nil }
            if let last = upper.last, u < last { return nil }
            upper.append(u)
            quantiles.append(q)
        }
        self.upper = upper
        self.quantiles = quantiles
    }
}

extension TrainedPredictor {
    /// The held-out (or, for a fit on a few samples, cross-validated) error profile saved with
    /// the predictor, if its training kept one.
    public var errorProfile: ErrorProfile? {
        notes[ErrorProfile.notesKey].flatMap { ErrorProfile(encoded: $0) }
    }

    /// The profile answering for a spec given to a hardware-generalized predictor: a training
    /// GPU's own held-out profile when the spec is that GPU's (`device`,
    /// `HardwareGeneralizedTrainer.trainingDevice(matching:of:)`); for any other spec (`device`
    /// nil) the errors of models on GPU chips they never saw, shipped per space
    /// (`HardwareGeneralizedTrainer.shippedUnseenGPUProfile(space:)`); else, as for every other
    /// predictor, `errorProfile`; `unseenGPUFallback` when that answered an unseen spec (no shipped profile).
    public func errorProfile(device: String?) -> (profile: ErrorProfile?, unseenGPUFallback: Bool) {
        if let device, let own = notes[HardwareGeneralizedTrainer.deviceProfilePrefix + device].flatMap({ ErrorProfile(encoded: $0) }) {
            return (own, false)
        }
        guard device == nil, case .hardware = model else { return (errorProfile, false) }
        if let shipped = HardwareGeneralizedTrainer.shippedUnseenGPUProfile(space: spaceID) { return (shipped, false) }
        return (errorProfile, true)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
