import NASCore
import NASPredictors
import NASSpaces

extension DomainServices {
    /// `suggestSamples`'s proxies: each name a fixture device of `space` (its `FixturePool`
    /// model, closed form) or a predictor id of that space; nil = every published fixture device
    /// of the space. Errors (`.invalidParams`, field `proxies[i]`): an unknown name, a duplicate,
    /// a predictor of another space or one that needs a spec.
    ///
    /// The fixture models here are fitted without the live-path copy: the criteria spread picks
    /// by distances in the proxies' log-latencies, and the copy lets the pruning phones predict
    /// cells with dead operations down to near 0 ms, which then dominates those distances
    /// (`hwnas-bench suggest`, NB201, 36 devices: stratified picks 0.946 / 0.966 at k = 5 / 10
    /// with plain proxies, 0.937 / 0.961 with the copy; `Benchmarks/results/suggest.md`).
    public func suggestionProxies(_ names: [String]?, space: String) throws(NASError) -> [ProxyLatencyModel] {
        guard let names else { return try fixturePool(space: space, excluding: [], livePathCopies: false) }
        guard !names.isEmpty else { throw NASError(.invalidParams, "proxies is empty; leave it out for every fixture device", field: "proxies") }
        // One validation with the pool lists (`poolMembers`), over the published devices.
        let published = catalog.publishedDeviceNames(space: space)
        let members = try poolMembers(names, space: space, target: nil, base: nil, field: "proxies", role: "proxy",
                                      devices: published)
        // Only the named fixture devices are fitted (a few seconds in a debug build for all of NB201's).
        let named = Set(members.compactMap { if case .device(let d) = $0 { d } else { nil } })
        let fixtures = try FixturePool.models(catalog: catalog, space: space, excluding: Set(published).subtracting(named),
                                              livePathCopies: false)
        return try proxyModels(members, fixtures: fixtures, space: space, field: "proxies")
    }
}

/// The architectures `suggestSamples` chooses among when the request names none.
public enum SuggestionCandidates {
    /// Candidates sampled from a space too large to enumerate.
    public static let sampledCount = 5000

    /// Every architecture of an enumerable space (NB201), else `sampledCount` distinct seeded
    /// samples; degenerate ones (no data path) left out, and those in `exclude`.
    public static func defaults(space: any SearchSpace, seed: UInt64, exclude: Set<Architecture>) -> [Architecture] {
        var out: [Architecture] = []
        var seen = exclude
        let enumerated = space.enumerateAll()
        let pool = enumerated ?? space.sample(count: sampledCount * 2, seed: seed ^ 0xCA4D)
        for a in pool {
            let c = space.canonical(a)
            guard !space.isDegenerate(c), seen.insert(c).inserted else { continue }
            out.append(c)
            if enumerated == nil && out.count == sampledCount { break }
        }
        return out
    }

    /// The request's own candidates, resolved and de-duplicated, minus `exclude`.
    public static func distinct(_ archs: [Architecture], exclude: Set<Architecture>) -> [Architecture] {
        var seen = exclude
        return archs.filter { seen.insert($0).inserted }
    }
}
