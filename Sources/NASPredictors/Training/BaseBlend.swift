import NASCore
import NASSpaces

extension FineTuner {
    /// Several bases made one: a non-negative least-squares blend of their predictions fitted to
    /// the samples (ms, free intercept, weights ≥ 0; members with zero weight dropped). More
    /// stable than picking one base by a handful of samples; `fineTune` then calibrates it.
    /// Returns the blended base and the members it kept with their weights (ms of the target per
    /// ms of the member; what `finetune`'s result reports). `spareFastDeadPaths`: as
    /// `FineTuneRequest`'s, for the screen before the blend.
    public static func blendedBaseWithWeights(_ bases: [TrainedPredictor], samples: [LatencySample], id: String? = nil,
                                              spareFastDeadPaths: Bool = false)
        throws(NASError) -> (base: TrainedPredictor, weights: [(member: String, weight: Double)]) {
        guard let first = bases.first else { throw NASError(.invalidParams, "no base predictors to blend", field: "base") }
        let space = try SpaceRegistry.space(first.spaceID)
        for (i, b) in bases.enumerated() where b.spaceID != first.spaceID {
            throw NASError(.invalidParams, "base predictors must share a space: '\(b.id)' is \(b.spaceID), '\(first.id)' is \(first.spaceID)", field: "blendWith[\(max(i - 1, 0))]")
        }
        if let b = bases.first(where: { $0.model.needsDeviceSpec }) {
            throw NASError(.invalidParams, "'\(b.id)' needs a device spec and cannot be blended", field: "blendWith")
        }
        if bases.count == 1 { return (first, []) }
        let valid = try PredictorTrainer.validated(samples, space: space)
        guard valid.count >= 3 else {
            throw NASError(.insufficientSamples, "blending bases needs at least 3 samples, got \(valid.count)", field: "samples")
        }
        let archs = valid.map(\.arch), y = valid.map(\.latencyMs)
        let values = try bases.map { (b) throws(NASError) -> [Double] in try b.predict(archs: archs) }
        // Gross outliers (against the first base) would pull the least-squares blend: leave them out.
        let spared = spareFastDeadPaths ? OutlierScreen.fastDeadPathsSpared(archs, space: space) : []
        let flagged = Set(OutlierScreen.grossOutliers(reference: values[0], measured: y, spared: spared))
        let blend = PoolBlend.fit(values, y: y, rows: valid.indices.filter { !flagged.contains($0) })
        let model = LatencyModel.blend(blend.members.map { bases[$0].model }, weights: blend.weights, intercept: blend.intercept,
                                       knee: blend.knee)
        let weights = zip(blend.members, blend.weights).map { (member: bases[$0.0].id, weight: $0.1) }
        let label = weights.map { "\($0.member)×\(String(format: "%.3g", $0.weight))" }.joined(separator: " + ")
        let base = TrainedPredictor(id: id ?? "blend", spaceID: first.spaceID, device: nil, deviceSpec: nil, model: model,
                                    metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil, trainCount: valid.count, testCount: 0,
                                                              variant: "blend"),
                                    notes: ["blend": label])
        return (base, weights)
    }
}
