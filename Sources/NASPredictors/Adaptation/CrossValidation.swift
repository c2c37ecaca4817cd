import NASCore

extension ProxyAdaptation {
    /// Every candidate fitted and predicted on the same seeded folds: its cross-validated SRCC,
    /// its out-of-fold predictions, and the index of the best (an earlier, simpler candidate
    /// wins unless a later one is better by more than 0.005).
    static func crossValidate(_ candidates: [Candidate], archs: [Architecture], y: [Double], p: [Double],
                              memberValues: [[Double]], ctx: FeatureContext, seed: UInt64,
                              control: JobControl) throws(NASError)
        -> (scored: [(variant: String, cvSRCC: Double)], oofs: [[Double]], bestIndex: Int) {
        // Cross-validate every candidate on the same folds.
        let folds = foldAssignment(count: y.count, folds: min(5, y.count), seed: seed)
        var scored: [(variant: String, cvSRCC: Double)] = []
        var oofs: [[Double]] = []
        var bestIndex = 0
        for (ci, c) in candidates.enumerated() {
            try control.checkCancelled()
            let oof = try outOfFold(c, folds: folds, archs: archs, p: p, memberValues: memberValues, ctx: ctx)
            let s = RankCorrelation.spearman(oof, y)
            scored.append((c.variant, s.isFinite ? s : -1))
            oofs.append(oof)
            // Prefer the earlier (simpler) candidate unless clearly better.
            if scored[ci].cvSRCC > scored[bestIndex].cvSRCC + 0.005 { bestIndex = ci }
            control.report(ProgressReport(step: ci + 1, total: candidates.count, message: "cross-validating adaptations",
                                          values: ["variant": .string(c.variant), "cvSRCC": .double(scored[ci].cvSRCC)]))
        }
        return (scored, oofs, bestIndex)
    }

    /// A candidate's out-of-fold predictions (indexed like the samples; 0 outside the folds):
    /// fitted on all folds but one, predicted on that one, in turn.
    static func outOfFold(_ c: Candidate, folds: [[Int]], archs: [Architecture], p: [Double],
                          memberValues: [[Double]], ctx: FeatureContext) throws(NASError) -> [Double] {
        var oof = [Double](repeating: 0, count: archs.count)
        for f in 0..<folds.count {
            let test = folds[f]
            let train = (0..<folds.count).filter { $0 != f }.flatMap { folds[$0] }
            let model = try c.fit(train)
            let values: [Double]
            if case .pooled(let b, _) = model {
                values = test.map { i in b.value { memberValues[$0][i] } }
            } else {
                values = test.map { p[$0] }
            }
            let pred = try predict(model, archs: test.map { archs[$0] }, proxyValues: values, ctx: ctx)
            for (k, i) in test.enumerated() { oof[i] = pred[k] }
        }
        return oof
    }

    /// `count` indices split into `folds` seeded, near-equal groups.
    static func foldAssignment(count: Int, folds: Int, seed: UInt64) -> [[Int]] {
        var order = Array(0..<count)
        var rng = SeededGenerator(seed: seed ^ 0x5EED_F01D)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(i + 1)) }
        var out = [[Int]](repeating: [], count: max(folds, 1))
        for (k, i) in order.enumerated() { out[k % out.count].append(i) }
        return out
    }
}
