import NASCore
import NASPredictors
import NASSpaces

extension DomainServices {
    /// `adaptProxy`'s explicit pool (issue 19): each name is a fixture device of `space` (its
    /// `FixturePool` model) or a predictor id of that space. Errors (`.invalidParams`, field
    /// `pool[i]`): an unknown name (the allowed devices are listed), the held-out `target`
    /// itself, the proxy, a duplicate, a predictor of another space or one that needs a spec.
    public func explicitPool(_ names: [String], space: String, target: String, proxy: TrainedPredictor,
                             control: JobControl) throws(NASError) -> [ProxyLatencyModel] {
        let devices = catalog.deviceNames(space: space)
        let fixtures = try fixturePool(space: space, excluding: [])
        let impl = try SpaceRegistry.space(space)
        var seen = Set<String>(), out: [ProxyLatencyModel] = []
        for (i, name) in names.enumerated() {
            let field = "pool[\(i)]"
            guard seen.insert(name).inserted else {
                throw NASError(.invalidParams, "pool member '\(name)' is listed twice", field: field)
            }
            if name == target {
                throw NASError(.invalidParams, "pool member '\(name)' is the target itself; a held-out target must not be in its own pool (remove it, or rename the target)", field: field)
            }
            if name == proxy.id || name == proxy.device {
                throw NASError(.invalidParams, "pool member '\(name)' is the proxy, which is always used; remove it from pool", field: field)
            }
            if devices.contains(name) {
                guard let m = fixtures.first(where: { $0.name == name }) else {
                    throw NASError(.invalidParams, "fixture device '\(name)' has too few measurements of \(space) to fit a pool model", field: field)
                }
                out.append(m)
                continue
            }
            guard let p = try? predictors.predictor(name) else {
                throw NASError(.invalidParams, "unknown pool member '\(name)'; allowed: a fixture device of \(space) (\(devices.joined(separator: ", "))) or a predictor id of that space (listPredictors)", field: field)
            }
            guard p.spaceID == space else {
                throw NASError(.invalidParams, "pool member '\(name)' is a predictor for space \(p.spaceID), not \(space)", field: field)
            }
            guard !p.model.needsDeviceSpec else {
                throw NASError(.invalidParams, "pool member '\(name)' needs a device spec; give a per-device predictor", field: field)
            }
            out.append(.predictor(p, space: impl))
        }
        return out
    }
}
