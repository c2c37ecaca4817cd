import JSONRPC
import NASCore
import NASPredictors
import NASSpaces

extension Server {
    /// Registers `suggestSamples`.
    public func registerSamplingHandlers(services: DomainServices) {
        register(SuggestSamplesRequest.self, kind: .long, dependencies: { p in
            (p.proxies ?? []).map { .read("predictor:\($0)") }
        }) { params, context in
            let space = try SpaceRegistry.space(params.space)
            guard (1...1000).contains(params.count) else {
                throw NASError(.invalidParams, "count must be 1...1000, got \(params.count)", field: "count")
            }
            let criterionName = params.criterion ?? SampleSuggester.defaultCriterion.rawValue
            guard let criterion = SampleCriterion(rawValue: criterionName) else {
                throw NASError(.invalidParams, "unknown criterion '\(criterionName)'; allowed: \(SampleCriterion.allCases.map(\.rawValue).joined(separator: ", "))", field: "criterion")
            }
            let seed = params.seed ?? 0
            let exclude = Set(try ArchitectureInput.resolve(params.exclude ?? [], in: space, field: "exclude"))
            let measured = try LatencySampleInput.resolve(params.measured ?? [], in: space, field: "measured")
            let given = try params.candidates.map { list throws(NASError) in
                SuggestionCandidates.distinct(try ArchitectureInput.resolve(list, in: space, field: "candidates"), exclude: exclude)
            }
            let proxies = try services.suggestionProxies(params.proxies, space: space.id)
            func suggest() throws(NASError) -> SampleSuggestion {
                let candidates = given ?? SuggestionCandidates.defaults(space: space, seed: seed, exclude: exclude)
                return try SampleSuggester.suggest(space: space, candidates: candidates, proxies: proxies, count: params.count,
                                                   measured: measured, criterion: criterion, seed: seed,
                                                   estimate: params.estimate ?? true, control: context.job)
            }
            // Proxies that are all fixture devices: the answer depends on the request alone, and a
            // repeat comes from memory (NB201, 20 archs: 293 ms computed; `Benchmarks/results/repeats.md`).
            let devices = Set(services.catalog.publishedDeviceNames(space: space.id))  // as suggestionProxies resolves them
            let fixtureOnly = (params.proxies ?? []).allSatisfy { devices.contains($0) }
            let s = fixtureOnly
                ? try services.remembered(SuggestionKey(space: space.id, count: params.count, proxies: params.proxies,
                                                        candidates: given, exclude: exclude, measured: measured.map(\.arch),
                                                        measuredMs: measured.map(\.latencyMs), criterion: criterion.rawValue,
                                                        estimate: params.estimate ?? true, seed: seed), compute: suggest)
                : try suggest()
            return SuggestSamplesResult(
                space: space.id, archs: s.archs.map { space.format($0) }, criterion: s.criterion.rawValue, reason: s.reason,
                expectedSRCC: s.expectedSRCC, estimate: s.estimate.map { .init(proxy: $0.proxy, srcc: $0.srcc) },
                proxies: s.proxies.map { .init(proxy: $0.name, weight: $0.weight) },
                bestProxy: s.bestProxy.map { .init(proxy: $0.name, srcc: $0.srcc) })
        }
    }
}

/// What a `suggestSamples` answer depends on, once its inputs are resolved (`candidates` nil:
/// the space's defaults for the seed, less `exclude`).
private struct SuggestionKey: Hashable, Sendable {
    var space: String
    var count: Int
    var proxies: [String]?
    var candidates: [Architecture]?
    var exclude: Set<Architecture>
    var measured: [Architecture]
    var measuredMs: [Double]
    var criterion: String
    var estimate: Bool
    var seed: UInt64
}
