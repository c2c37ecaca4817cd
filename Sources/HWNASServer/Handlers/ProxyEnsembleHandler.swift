import JSONRPC
import NASCore
import NASPredictors
import NASSpaces

/// `adaptProxy` without a proxy: the ensemble of the pool members closest to the samples
/// (`ProxyEnsemble`), saved under the target's name.
/// `register` registers the ensemble (`DomainServices.rememberedFit`'s).
func adaptProxyEnsemble(_ params: AdaptProxyRequest, services: DomainServices, context: RequestContext,
                        register: (TrainedPredictor, _ persist: Bool) throws(NASError) -> String?) throws(NASError) -> AdaptProxyResult {
    guard let spaceID = params.space else {
        throw NASError(.invalidParams, "without a proxy, give the space (the proxies are chosen from its pool)", field: "space")
    }
    let space = try SpaceRegistry.space(spaceID)
    guard TrainedPredictor.isValidID(params.target.name) else {
        throw NASError(.invalidParams, "target name '\(params.target.name)' must be 1–128 letters, digits, '-', '_' or '.' (it names the adapted predictor)", field: "target.name")
    }
    let methodName = params.method ?? "auto"
    guard methodName == AdaptationMethod.auto.rawValue else {
        throw NASError(.invalidParams, "without a proxy, adaptProxy averages method auto over the closest pool members; method '\(methodName)' needs a proxy", field: "method")
    }
    let count = params.proxies ?? ProxyEnsemble.defaultMembers
    guard count >= 1 else { throw NASError(.invalidParams, "proxies must be ≥ 1, got \(count)", field: "proxies") }
    let samples = try LatencySampleInput.resolve(params.target.samples, in: space, field: "target.samples")
    let eval = try params.evalSamples.map { s throws(NASError) in try LatencySampleInput.resolve(s, in: space, field: "evalSamples") }
    let pool: [ProxyLatencyModel]
    switch params.pool ?? .all(true) {
    case .all(false):
        throw NASError(.invalidParams, "without a proxy, the proxies are chosen from the pool; give pool true or a list, or give a proxy", field: "pool")
    case .all(true): pool = try services.fixturePool(space: space.id, excluding: [params.target.name], samples: samples.map(\.arch))
    case .members(let names):
        pool = try services.explicitPool(names, space: space.id, target: params.target.name, proxy: nil, control: context.job)
    }
    guard pool.count >= count else {
        throw NASError(.invalidParams, "proxies \(count) needs a pool of at least \(count) members; the pool has \(pool.count)", field: "proxies")
    }
    let r = try ProxyEnsemble.adapt(pool: pool, samples: samples, members: count, targetName: params.target.name,
                                    id: params.target.name, evalSamples: eval, seed: params.seed ?? 0, control: context.job)
    try context.job.checkCancelled()
    guard let predictor = r.predictor else { throw NASError(.internal, "a pool member has no savable latency model") }
    let path = try register(predictor, params.save ?? true)
    let share = 1 / Double(r.members.count)
    return AdaptProxyResult(
        predictor: predictor.id, target: params.target.name, proxy: r.members[0].proxy.name,
        method: "ensemble", variant: r.variant,
        srccBefore: r.srccBefore, srccAfter: r.srccAfter, evaluation: r.evaluation,
        candidates: r.members.flatMap { m in
            m.result.candidates.map { .init(variant: "\(m.proxy.name): \($0.variant)", cvSRCC: $0.cvSRCC) }
        },
        crossValidated: r.crossValidated.map(MetricsResult.init),
        outliers: OutlierMessage.list(r.outliers, spaceID: space.id), warnings: r.warnings,
        pool: pool.map(\.name),
        weights: r.weights.map { .init(member: $0.member, weight: $0.weight) },
        path: path, moreSamples: r.moreSamples.map(MoreSamplesMessage.init),
        ensemble: r.members.map { m in
            .init(proxy: m.proxy.name, weight: share, method: m.result.predictor.method.rawValue,
                  variant: m.result.predictor.variant, cvSRCC: m.result.crossValidated?.spearman)
        })
}
