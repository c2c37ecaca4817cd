import NASCore

/// What a fit on a few samples (`finetune`, `adaptProxy`, `adapt`) knows of its own error: the centre and
/// scale of its cross-validated log ratios log(measured/predicted), how many there were, how
/// widely its samples' measured latencies spread, and where the returned model's predictions of
/// its samples lie (the positions that cut the prediction range into bins).
///
/// Saved in the predictor's notes (`notes["fewSampleResiduals"]`) as
/// `<centre>;<scale>;<count>;<latencySpread>;<p1>,<p2>,...` so that a benchmark can calibrate and judge the
/// interval built from it (`FewSampleIntervalTable`).
public struct FewSampleResiduals: Sendable, Equatable {
    /// The notes key it is saved under.
    public static let notesKey = "fewSampleResiduals"

    /// Mean of the out-of-fold log ratios.
    public var centre: Double
    /// Their standard deviation (n − 1), floored at 1e-6.
    public var scale: Double
    /// How many usable out-of-fold pairs there were.
    public var count: Int
    /// Standard deviation of the log measured latencies of the samples: devices whose cells
    /// span a wide range (mobile phones, 0.8) err with heavier tails than GPUs (0.2–0.4).
    public var latencySpread: Double
    /// The returned model's predictions (ms) of its samples, ascending.
    public var positions: [Double]

    /// From out-of-fold `(predicted, actual)` pairs and the returned model's predictions of the
    /// same samples. Nil with fewer than 5 usable pairs.
    public init?(predicted: [Double], actual: [Double], positions: [Double]) {
        var logs: [Double] = [], logActual: [Double] = []
        for (p, a) in zip(predicted, actual) where p.isFinite && a.isFinite && p > 0 && a > 0 {
            logs.append(log(a / p))
            logActual.append(log(a))
        }
        let pos = positions.filter { $0.isFinite && $0 > 0 }.sorted()
        guard logs.count >= 5, !pos.isEmpty else { return nil }
        let n = Double(logs.count)
        centre = logs.reduce(0, +) / n
        scale = max(Self.standardDeviation(logs), 1e-6)
        count = logs.count
        latencySpread = Self.standardDeviation(logActual)
        self.positions = pos
    }

    /// Sample standard deviation (n − 1).
    static func standardDeviation(_ v: [Double]) -> Double {
        let mean = v.reduce(0, +) / Double(v.count)
        return (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)).squareRoot()
    }

    /// The position bin (of `bins`) of a prediction of `ms`: by the share of sample positions
    /// strictly below it. With `outer`, bin 0 is a prediction at or below the lowest position,
    /// bin `bins − 1` one above the highest (extrapolations), and the `bins − 2` between cut
    /// the rest by the share of positions below it.
    public func positionBin(_ ms: Double, bins: Int, outer: Bool = false) -> Int {
        var below = 0
        while below < positions.count && positions[below] < ms { below += 1 }
        guard outer else { return min(bins - 1, below * bins / positions.count) }
        let n = positions.count, inner = bins - 2
        if below == 0 { return 0 }
        if below == n { return bins - 1 }
        return 1 + min(inner - 1, (below - 1) * inner / max(n - 1, 1))
    }

    /// The largest prediction falling in each of `bins` position bins (the last also covers
    /// everything above): the `ErrorProfile` bin edges that reproduce `positionBin`.
    func binUppers(bins: Int, outer: Bool = false) -> [Double] {
        let n = positions.count
        guard outer else {
            return (0..<bins).map { b in
                b == bins - 1 ? positions[n - 1] : positions[max(0, ((b + 1) * n + bins - 1) / bins - 1)]
            }
        }
        // A prediction is at most positions[B] exactly when at most B positions lie below it.
        let inner = bins - 2
        return [positions[0]] + (0..<inner).map { b in positions[min(n - 1, ((b + 1) * (n - 1) + inner - 1) / inner)] } + [positions[n - 1]]
    }

    /// z = (log(actual/predicted) − centre) / scale and the position bin of each usable pair.
    public func normalized(predicted: [Double], actual: [Double], bins: Int, outer: Bool = false) -> [(z: Double, bin: Int)] {
        var out: [(z: Double, bin: Int)] = []
        for (p, a) in zip(predicted, actual) where p.isFinite && a.isFinite && p > 0 && a > 0 {
            out.append(((log(a / p) - centre) / scale, positionBin(p, bins: bins, outer: outer)))
        }
        return out
    }

    /// The text form saved in notes.
    public var encoded: String {
        "\(centre);\(scale);\(count);\(latencySpread);" + positions.map { String($0) }.joined(separator: ",")
    }

    /// Reads the text form; nil when it is not one.
    public init?(encoded: String) {
        let parts = encoded.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count == 5, let c = Double(parts[0]), let s = Double(parts[1]), let n = Int(parts[2]),
              let w = Double(parts[3]), c.isFinite, s.isFinite, s > 0, n >= 5, w.isFinite, w >= 0 else { return nil }
        let pos = parts[4].split(separator: ",").compactMap { Double($0) }
        guard !pos.isEmpty, pos.allSatisfy({ $0.isFinite && $0 > 0 }), zip(pos, pos.dropFirst()).allSatisfy({ $0 <= $1 }) else { return nil }
        centre = c
        scale = s
        count = n
        latencySpread = w
        positions = pos
    }
}

/// How held-out log ratios of fits on a few samples spread relative to their own
/// cross-validated centre and scale, by the prediction's position among the samples'
/// predictions: per position bin, quantiles of z = (log(measured/predicted) − centre) / scale at
/// `ErrorProfile.levels`.
///
/// Computed offline by `hwnas-bench intervals` from the fixture devices (each device standing in
/// for a user's, its other cells held out; several sample draws each) and shipped in
/// `FewSampleIntervalTables.swift`, so a fit pays nothing for it at run time. It corrects what
/// 20 residuals cannot show: the uncertainty of their own scale, the shape of the tails, and how
/// the error grows toward the ends of the range the samples cover.
public struct FewSampleIntervalTable: Sendable, Equatable {
    /// The classes of `FewSampleResiduals.latencySpread` tables may be kept for: a fit whose
    /// samples spread less than the first edge takes the first class's table, else the next. A
    /// kind may keep fewer (`spreadEdges(space:kind:)`): `finetune` keeps one table, as its
    /// outlier screen leaves the phones' samples at a spread of 0.58 and two phone devices are
    /// too few to calibrate a class of their own (`Benchmarks/results/intervals.md`). The
    /// pool-based kinds keep two, and their upper class is widened to cover the table of every
    /// spread (`envelopedKinds`, `envelope(with:)`): calibrated on one phone, it was narrower
    /// than the other phone's errors need.
    public static let spreadEdges: [Double] = [0.5]

    /// The sample count the table was calibrated at.
    public var sampleCount: Int
    /// Per position bin, z quantiles at `ErrorProfile.levels`.
    public var z: [[Double]]
    /// Whether the first and last bins are the predictions outside the samples' predictions
    /// (`FewSampleResiduals.positionBin(_:bins:outer:)`).
    public var outerBins: Bool

    /// Makes one.
    public init(sampleCount: Int, z: [[Double]], outerBins: Bool = false) {
        self.sampleCount = sampleCount
        self.z = z
        self.outerBins = outerBins
    }

    /// Pools normalized held-out residuals (`FewSampleResiduals.normalized`) into a table of
    /// `bins` position bins; each group (one fit's residuals) weighs the same in every bin. Nil
    /// when a bin gets no residuals.
    public init?(groups: [[(z: Double, bin: Int)]], bins: Int, sampleCount: Int, outerBins: Bool = false) {
        var table: [[Double]] = []
        for b in 0..<bins {
            // Equal weight per group: each group's residuals in the bin, resampled to the same count.
            let per = groups.map { $0.filter { $0.bin == b }.map(\.z).sorted() }.filter { !$0.isEmpty }
            guard !per.isEmpty else { return nil }
            let m = 200
            var pooled: [Double] = []
            pooled.reserveCapacity(per.count * m)
            for g in per { for k in 0..<m { pooled.append(ErrorProfile.empiricalQuantile(g, (Double(k) + 0.5) / Double(m))) } }
            pooled.sort()
            table.append(ErrorProfile.levels.map { ErrorProfile.empiricalQuantile(pooled, $0) })
        }
        self.init(sampleCount: sampleCount, z: table, outerBins: outerBins)
    }

    /// This table widened to cover `other` too: per bin, the lower of the two quantiles at every
    /// level below 0.5 and the higher at every level above (the median stays this table's). Used
    /// for a spread class held by few calibration devices: a fit whose samples spread more than
    /// most never gets a narrower interval than the table of every spread (`hwnas-bench intervals
    /// --spread-envelope yes`). Nil when the two differ in bins.
    public func envelope(with other: FewSampleIntervalTable) -> FewSampleIntervalTable? {
        guard z.count == other.z.count, outerBins == other.outerBins else { return nil }
        let levels = ErrorProfile.levels
        let wide = zip(z, other.z).map { mine, theirs in
            mine.indices.map { i in
                guard i < theirs.count, i < levels.count else { return mine[i] }
                return levels[i] < 0.5 ? min(mine[i], theirs[i]) : levels[i] > 0.5 ? max(mine[i], theirs[i]) : mine[i]
            }
        }
        return FewSampleIntervalTable(sampleCount: sampleCount, z: wide, outerBins: outerBins)
    }

    /// The spread class (index into `edges` + 1 classes) of a fit's residuals.
    public static func spreadClass(_ r: FewSampleResiduals, edges: [Double] = spreadEdges) -> Int {
        edges.firstIndex { r.latencySpread < $0 } ?? edges.count
    }

    /// The key of a shipped table: space, kind (`finetune`, `adaptProxy`, `adapt`) and spread class.
    public static func key(space: String, kind: String, spreadClass: Int) -> String {
        "\(space)/\(kind)/\(spreadClass)"
    }

    /// Every shipped table by key (`key(space:kind:spreadClass:)`): what a benchmark regenerating
    /// some kinds' tables keeps of the others.
    public static var allShipped: [String: FewSampleIntervalTable] { shippedTables }

    /// The spread classes the tables of `kind` in `space` were kept for: the first edges of
    /// `spreadEdges`, one fewer than the classes shipped (none: one table for every spread).
    public static func spreadEdges(space: String, kind: String) -> [Double] {
        let classes = (0...spreadEdges.count).prefix { shippedTables[key(space: space, kind: kind, spreadClass: $0)] != nil }.count
        return Array(spreadEdges.prefix(max(classes - 1, 0)))
    }

    /// The shipped table for a fit of `kind` in `space` with residuals `r`, if one was calibrated.
    public static func shipped(space: String, kind: String, for r: FewSampleResiduals) -> FewSampleIntervalTable? {
        shippedTables[key(space: space, kind: kind, spreadClass: spreadClass(r, edges: spreadEdges(space: space, kind: kind)))]
    }
}

extension FewSampleResiduals {
    /// The interval profile of a fit of `kind` (`FineTuner.intervalKind`,
    /// `ProxyAdaptation.intervalKind`, `FewShotAdaptation.intervalKind`) in `space`: calibrated
    /// by the table shipped for it, else the one-bin Student-t profile.
    public func profile(space: String, kind: String) -> ErrorProfile {
        ErrorProfile(fewSamples: self, table: .shipped(space: space, kind: kind, for: self))
    }
}

extension ErrorProfile {
    /// The profile of a fit on a few samples: with a table, per position bin, quantiles
    /// centre + scale × z (z widened by the Student-t ratio t(n − 1)/t(N − 1) at 0.975 when the
    /// fit has n usable samples and the table was calibrated at N); without one, the one-bin
    /// Student-t profile (`init(fewSamplesPredicted:actual:)`).
    public init(fewSamples r: FewSampleResiduals, table: FewSampleIntervalTable?) {
        guard let table, !table.z.isEmpty else {
            let q = Self.levels.map { expm1(r.centre + StudentT.quantile($0, degreesOfFreedom: Double(r.count - 1)) * r.scale * (1 + 1 / Double(r.count)).squareRoot()) }
            self.init(levels: Self.levels, upper: [r.positions[r.positions.count - 1]], quantiles: [q])
            return
        }
        let widen = r.count == table.sampleCount ? 1
            : StudentT.quantile(0.975, degreesOfFreedom: Double(r.count - 1)) / StudentT.quantile(0.975, degreesOfFreedom: Double(table.sampleCount - 1))
        self.init(levels: Self.levels, upper: r.binUppers(bins: table.z.count, outer: table.outerBins),
                  quantiles: table.z.map { zb in zb.map { expm1(r.centre + r.scale * widen * $0) } })
    }

    /// A profile from its parts.
    init(levels: [Double], upper: [Double], quantiles: [[Double]]) {
        self.levels = levels
        self.upper = upper
        self.quantiles = quantiles
    }
}

extension TrainedPredictor {
    /// The cross-validated residual summary of a fit on a few samples, if it saved one.
    public var fewSampleResiduals: FewSampleResiduals? {
        notes[FewSampleResiduals.notesKey].flatMap { FewSampleResiduals(encoded: $0) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
