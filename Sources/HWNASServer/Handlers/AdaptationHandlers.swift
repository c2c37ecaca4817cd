import JSONRPC
import NASCore
import NASPredictors
import NASSpaces

extension Server {
    /// Registers `adapt` (issue 19: the one recommended few-shot path).
    public func registerAdaptationHandlers(services: DomainServices) {
        registerEncoded(AdaptRequest.self, kind: .long, dependencies: { p in
            [.write("predictor:\(p.target.name)")] + p.predictorsRead.map { .read("predictor:\($0)") }
        }) { params, context in
            // A repeat while no predictor changed is answered from memory (`rememberedFit`).
            return try services.rememberedFit(params, seed: params.seed, reads: params.predictorsRead.contains) { register throws(NASError) in
                guard TrainedPredictor.isValidID(params.target.name) else {
                    throw NASError(.invalidParams, "target name '\(params.target.name)' must be 1–128 letters, digits, '-', '_' or '.' (it names the adapted predictor)", field: "target.name")
                }
                let base = try params.base.map { b throws(NASError) in
                    try services.basePredictor(b, space: params.space, control: context.job)
                }
                guard let spaceID = base?.spaceID ?? params.space else {
                    throw NASError(.invalidParams, "give a space (or a base predictor id)", field: "space")
                }
                let space = try SpaceRegistry.space(spaceID)
                if let base, base.model.needsDeviceSpec {
                    throw NASError(.invalidParams, "base '\(base.id)' needs a device spec; give a per-device predictor or fixture device", field: "base")
                }
                let families = try params.families?.enumerated().map {
                    (i, name) throws(NASError) -> FewShotAdaptation.Family in
                    guard let f = FewShotAdaptation.Family(rawValue: name) else {
                        throw NASError(.invalidParams, "unknown family '\(name)'; allowed: \(FewShotAdaptation.Family.allCases.map(\.rawValue).joined(separator: ", "))", field: "families[\(i)]")
                    }
                    return f
                }
                let samples = try LatencySampleInput.resolve(params.target.samples, in: space, field: "target.samples")
                let eval = try params.evalSamples.map { s throws(NASError) in try LatencySampleInput.resolve(s, in: space, field: "evalSamples") }
                var pool: [ProxyLatencyModel]
                switch params.pool ?? .all(true) {
                case .all(false): pool = []
                case .all(true):
                    var excluded: Set<String> = [params.target.name]
                    if let d = base?.device { excluded.insert(d) }
                    pool = try services.fixturePool(space: space.id, excluding: excluded, samples: samples.map(\.arch))
                case .members(let names):
                    pool = try services.explicitPool(names, space: space.id, target: params.target.name, proxy: base, control: context.job)
                }
                if base == nil && pool.isEmpty {
                    throw NASError(.invalidParams, "without a base, adapt chooses it from the pool; give a base or a non-empty pool", field: "base")
                }
                let out = try FewShotAdaptation.adapt(base: base, pool: pool, samples: samples, targetName: params.target.name,
                                                      id: params.target.name, families: families, seed: params.seed ?? 0,
                                                      control: context.job)
                try context.job.checkCancelled()
                let path = try register(out.predictor, params.save ?? true)
                // Before/after: the raw base against the adapted predictor.
                var baseModel = out.predictor
                if let base {
                    baseModel = base
                } else if let member = pool.first(where: { $0.name == out.base }) {
                    baseModel = try member.asPredictor()
                }
                var ea = samples.map(\.arch), ey = samples.map(\.latencyMs)
                var evaluation = out.predictor.metrics.crossValidated == nil ? "inSample" : "crossValidated"
                if let eval {
                    ea = eval.map(\.arch)
                    ey = eval.map(\.latencyMs)
                    evaluation = "evalSamples"
                }
                // Before, judged as after is: on evalSamples the raw base; cross-validated, the base's own
                // latencies under the same outer folds (the base chosen afresh in each when the pool chose
                // it: its SRCC on the very samples that elected it would flatter it).
                let raw = RankCorrelation.spearman(try baseModel.predict(archs: ea), ey)
                let before = evaluation == "crossValidated" ? out.baseCrossValidatedSRCC ?? raw : raw
                let after = evaluation == "crossValidated" ? out.predictor.metrics.crossValidated!.spearman
                    : RankCorrelation.spearman(try out.predictor.predict(archs: ea), ey)
                return try encoded(AdaptResult(
                    predictor: out.predictor.id, target: params.target.name, base: out.base, family: out.family.rawValue,
                    variant: out.variant, scores: out.scores.map { .init(family: $0.family.rawValue, cvSRCC: $0.cvSRCC) },
                    pool: out.pool, weights: out.weights.map { MemberWeight(member: $0.member, weight: $0.weight) },
                    srccBefore: before, srccAfter: after, evaluation: evaluation,
                    crossValidated: out.predictor.metrics.crossValidated.map(MetricsResult.init),
                    outliers: OutlierMessage.list(out.predictor.metrics.outliers, spaceID: space.id),
                    warnings: out.predictor.metrics.warnings, path: path))
            }
        }
    }
}
