import NASCore
import NASSpaces

/// What more samples would add, from the learning curve of a fit on a few samples: the
/// cross-validated SRCC of the same fitting procedure rerun on random subsets of n/2 and 3n/4
/// of the samples (mean over a few subsets) and on all n, fitted as ρ(t) = a − b/t in the
/// training-set size t (b ≥ 0), then read at t = n (the model just fitted) and at t = n + count;
/// the gain the curve predicts is then shrunk by `LearningCurve.gainShrinkage`.
public struct MoreSamplesEstimate: Sendable, Equatable {
    /// One point of the learning curve.
    public struct Point: Sendable, Equatable {
        /// Samples the procedure was run on (its folds train on about 4/5 of them).
        public var samples: Int
        /// Cross-validated SRCC (mean over the subsets drawn).
        public var srcc: Double
    }

    /// Additional samples the estimate is for (as many again as measured).
    public var count: Int
    /// Expected SRCC with n + `count` samples: `currentSRCC` plus the curve's gain times
    /// `LearningCurve.gainShrinkage`.
    public var expectedSRCC: Double
    /// The curve's own SRCC at n + `count` training samples (before the shrinkage).
    public var curveSRCC: Double
    /// The curve's SRCC at n training samples (what the model just fitted should reach).
    public var currentSRCC: Double
    /// The measured points, smallest first.
    public var points: [Point]
}

/// The learning-curve estimate behind `moreSamples`.
public enum LearningCurve {
    /// Fewest samples an estimate is made from (the n/2 subset then has 5).
    public static let minimumSamples = 10
    /// The share of the curve's extrapolated gain `expectedSRCC` keeps. The a − b/t fit on three
    /// noisy cross-validated points extrapolates too steeply: over the fixture devices held out
    /// in turn (`hwnas-bench suggest`, random picks, 10 → 20 and 20 → 40 samples) the gains it
    /// predicted were on average about twice those reached on NB201 and FBNet, and more on OFA.
    public static let gainShrinkage = 0.5

    /// The estimate for `n` samples whose full cross-validated SRCC is `fullSRCC`; `oof` gives
    /// the out-of-fold predictions of the procedure rerun on a subset of sample indices
    /// (aligned with the subset), `y` the measured values. nil below `minimumSamples` or when
    /// a subset cannot be cross-validated.
    public static func estimate(y: [Double], fullSRCC: Double, seed: UInt64, repeats: Int = 3,
                                oof: ([Int]) throws(NASError) -> [Double]?) throws(NASError) -> MoreSamplesEstimate? {
        let n = y.count
        guard n >= minimumSamples, fullSRCC.isFinite else { return nil }
        var rng = SeededGenerator(seed: seed ^ 0x1EA2_C0B7)
        var points: [MoreSamplesEstimate.Point] = []
        for m in [n / 2, (3 * n) / 4] where m >= 5 && m < n {
            var sum = 0.0, used = 0
            for _ in 0..<max(repeats, 1) {
                var order = Array(0..<n)
                order.seededShuffle(using: &rng)
                let subset = Array(order.prefix(m))
                guard let pred = try oof(subset), pred.count == m else { return nil }
                let s = RankCorrelation.spearman(pred, subset.map { y[$0] })
                if s.isFinite { sum += s; used += 1 }
            }
            guard used > 0 else { return nil }
            points.append(.init(samples: m, srcc: sum / Double(used)))
        }
        points.append(.init(samples: n, srcc: fullSRCC))
        let (a, b) = fit(points)
        let current = min(1, a - b / trainingSize(n))
        let curve = min(1, a - b / trainingSize(2 * n))
        return MoreSamplesEstimate(count: n, expectedSRCC: current + gainShrinkage * (curve - current), curveSRCC: curve,
                                   currentSRCC: current, points: points)
    }

    /// Training samples per fold of k-fold cross-validation on m samples (5 folds, or leave-one-out below 5).
    static func trainingSize(_ m: Int) -> Double {
        let folds = min(5, m)
        return Double(m) - Double(m) / Double(max(folds, 1))
    }

    /// Least squares of ρ = a − b/t with b ≥ 0 (a flat curve at the mean when the points fall).
    static func fit(_ points: [MoreSamplesEstimate.Point]) -> (a: Double, b: Double) {
        let xs = points.map { 1 / trainingSize($0.samples) }, ys = points.map(\.srcc)
        let k = Double(points.count)
        let mx = xs.reduce(0, +) / k, my = ys.reduce(0, +) / k
        var sxy = 0.0, sxx = 0.0
        for (x, y) in zip(xs, ys) {
            sxy += (x - mx) * (y - my)
            sxx += (x - mx) * (x - mx)
        }
        let slope = sxx > 0 ? sxy / sxx : 0
        guard slope < 0 else { return (my, 0) }
        return (my - slope * mx, -slope)
    }
}

extension ProxyAdaptation {
    /// `moreSamples` of an adaptation: the chosen candidates (their mean, as the ensemble
    /// predicts) cross-validated again on subsets of the kept samples.
    static func moreSamples(_ chosen: [Candidate], archs: [Architecture], y: [Double], p: [Double],
                            memberValues: [[Double]], ctx: FeatureContext, fullSRCC: Double, seed: UInt64,
                            control: JobControl) throws(NASError) -> MoreSamplesEstimate? {
        try LearningCurve.estimate(y: y, fullSRCC: fullSRCC, seed: seed) { (subset: [Int]) throws(NASError) -> [Double]? in
            let folds = foldAssignment(count: subset.count, folds: min(5, subset.count), seed: seed)
                .map { $0.map { subset[$0] } }
            var sum = [Double](repeating: 0, count: archs.count)
            for c in chosen {
                try control.checkCancelled()
                let oof = try outOfFold(c, folds: folds, archs: archs, p: p, memberValues: memberValues, ctx: ctx)
                for i in subset { sum[i] += oof[i] / Double(chosen.count) }
            }
            return subset.map { sum[$0] }
        }
    }
}

extension FineTuner {
    /// `moreSamples` of a `finetune` result: the method it used (`predictor.metrics.variant`)
    /// cross-validated again on subsets of the samples it kept (an `affine` map: flat at its
    /// ranking's SRCC, `AffineRanking.moreSamples`); nil when it has no
    /// cross-validated metrics (fewer than `LearningCurve.minimumSamples` samples kept).
    public static func moreSamples(_ request: FineTuneRequest, predictor: TrainedPredictor,
                                   control: JobControl = .none) throws(NASError) -> MoreSamplesEstimate? {
        guard let cv = predictor.metrics.crossValidated else { return nil }
        let full = cv.spearman
        if predictor.metrics.variant == "affine" { return AffineRanking.moreSamples(srcc: full, count: cv.count) }
        let space = try SpaceRegistry.space(request.base.spaceID)
        let samples = try PredictorTrainer.validated(request.samples, space: space)
        let dropped = Set(predictor.metrics.outliers.map(\.index))
        let kept = samples.indices.filter { !dropped.contains($0) }
        let archs = kept.map { samples[$0].arch }, y = kept.map { samples[$0].latencyMs }
        let method: FineTuneMethod = switch predictor.metrics.variant {
        case "affine+finetune": .finetune
        case "affine+lut": .lutCorrection
        default: .affine
        }
        return try LearningCurve.estimate(y: y, fullSRCC: full, seed: request.seed) { (subset: [Int]) throws(NASError) -> [Double]? in
            try crossValidatedPredictions(base: request.base.model, archs: subset.map { archs[$0] }, latency: subset.map { y[$0] },
                                          space: space, spec: request.base.deviceSpec, method: method, epochs: request.epochs,
                                          freeze: request.freeze, seed: request.seed, control: control.muted())
        }
    }
}
