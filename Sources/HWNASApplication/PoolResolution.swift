import NASCore
import NASPredictors
import NASSpaces

/// One member a request names in a pool list (`adaptProxy`'s and `adapt`'s `pool`, `finetune`'s
/// `blendWith`): a fixture device of the space or a per-device predictor of that space.
public enum PoolMember: Sendable {
    /// A fixture device of the space (by name).
    case device(String)
    /// A stored predictor (id), validated for the space.
    case predictor(TrainedPredictor)

    /// The name the request gave.
    public var name: String {
        switch self {
        case .device(let d): d
        case .predictor(let p): p.id
        }
    }
}

extension DomainServices {
    /// The one validation of a pool list (issue 19), shared by `adaptProxy`, `adapt` and
    /// `finetune`'s `blendWith`: each name is a fixture device of `space` or a predictor id of
    /// that space. Errors (`.invalidParams`, field `<field>[i]`): an unknown name (the allowed
    /// devices are listed), the held-out `target` itself or its twin (`measurementTwins`: the
    /// target's own measurements under another name), the base/proxy (always used; `baseRole`
    /// names it in the message: "the base", or "the proxy" for `adaptProxy`), a duplicate, a
    /// predictor of another space or one that needs a spec.
    /// An unknown name is `unknown` (`finetune`'s `blendWith` has always answered
    /// `unknownPredictor` there). `role` names a member in messages (default "pool member" or
    /// "<field> member"); `devices` are the fixture devices allowed (default every one of the space).
    public func poolMembers(_ names: [String], space: String, target: String?, base: TrainedPredictor?,
                            field: String = "pool", role: String? = nil, baseRole: String = "the base",
                            devices: [String]? = nil,
                            unknown: NASError.Kind = .invalidParams) throws(NASError) -> [PoolMember] {
        let devices = devices ?? catalog.deviceNames(space: space)
        var seen = Set<String>(), out: [PoolMember] = []
        let role = role ?? (field == "pool" ? "pool member" : "\(field) member")
        for (i, name) in names.enumerated() {
            let f = "\(field)[\(i)]"
            guard seen.insert(name).inserted else {
                throw NASError(.invalidParams, "\(role) '\(name)' is listed twice", field: f)
            }
            if let target, name == target {
                throw NASError(.invalidParams, "\(role) '\(name)' is the target itself; a held-out target must not be in its own pool (remove it, or rename the target)", field: f)
            }
            if let base, name == base.id || name == base.device {
                throw NASError(.invalidParams, "\(role) '\(name)' is \(baseRole), which is always used; remove it from \(field)", field: f)
            }
            // A fixture device wins over a stored predictor of the same name (an adapted
            // predictor saved under a device's name): fixture data never change.
            if devices.contains(name) {
                if let target, try measurementTwins(space: space)[target]?.contains(name) == true {
                    throw NASError(.invalidParams, "\(role) '\(name)' holds the target's own measurements (the same latencies as fixture device '\(target)' on every architecture both measured); a held-out target must not be in its own pool", field: f)
                }
                out.append(.device(name))
                continue
            }
            guard let p = try? predictors.predictor(name) else {
                throw NASError(unknown, "unknown \(role) '\(name)'; allowed: a fixture device of \(space) (\(devices.joined(separator: ", "))) or a predictor id of that space (listPredictors)", field: f)
            }
            guard p.spaceID == space else {
                throw NASError(.invalidParams, "\(role) '\(name)' is a predictor for space \(p.spaceID), not \(space)", field: f)
            }
            guard !p.model.needsDeviceSpec else {
                throw NASError(.invalidParams, "\(role) '\(name)' needs a device spec; give a per-device predictor", field: f)
            }
            out.append(.predictor(p))
        }
        return out
    }

    /// `adaptProxy`'s and `adapt`'s explicit pool: `poolMembers`, each device as its
    /// `FixturePool` model (a pairwise LUT fitted on all its measurements). `proxyRole` names
    /// `proxy` in errors ("the base" for `adapt`, "the proxy" for `adaptProxy`).
    public func explicitPool(_ names: [String], space: String, target: String, proxy: TrainedPredictor?,
                             proxyRole: String = "the base", control: JobControl) throws(NASError) -> [ProxyLatencyModel] {
        let members = try poolMembers(names, space: space, target: target, base: proxy, baseRole: proxyRole)
        // A device of this project's own measurements is refused before any fitting.
        let published = Set(catalog.publishedDeviceNames(space: space))
        for (i, m) in members.enumerated() {
            if case .device(let name) = m, !published.contains(name) {
                throw NASError(.invalidParams, "fixture device '\(name)' holds this project's own measurements, not published ones, and pool models are fitted on published devices only; train a predictor on it (train) and name that predictor's id instead", field: "pool[\(i)]")
            }
        }
        // The fixture models are fitted (once per space) only when a device is named.
        let fixtures = members.contains { if case .device = $0 { true } else { false } }
            ? try fixtureModels(space: space) : []
        return try proxyModels(members, fixtures: fixtures, space: space, field: "pool")
    }

    /// Pool members as proxy latency models: a predictor as itself, a device as its model among
    /// `fixtures` (an error at `<field>[i]` when it has none: one too thinly measured to fit;
    /// callers refuse devices of this project's own measurements, which `FixturePool` leaves
    /// out, before fitting).
    func proxyModels(_ members: [PoolMember], fixtures: [ProxyLatencyModel], space: String,
                     field: String) throws(NASError) -> [ProxyLatencyModel] {
        let impl = try SpaceRegistry.space(space)
        var out: [ProxyLatencyModel] = []
        for (i, m) in members.enumerated() {
            switch m {
            case .predictor(let p): out.append(.predictor(p, space: impl))
            case .device(let name):
                guard let model = fixtures.first(where: { $0.name == name }) else {
                    throw NASError(.invalidParams, "fixture device '\(name)' has too few measurements of \(space) to fit a pool model", field: "\(field)[\(i)]")
                }
                out.append(model)
            }
        }
        return out
    }

    /// `finetune`'s `blendWith`: `poolMembers` (field `blendWith`), each device as its default
    /// predictor (what `finetune` has always blended).
    public func blendMembers(_ names: [String], space: String, target: String?, base: TrainedPredictor,
                             control: JobControl) throws(NASError) -> [TrainedPredictor] {
        let members = try poolMembers(names, space: space, target: target, base: base, field: "blendWith",
                                      unknown: .unknownPredictor)
        var out: [TrainedPredictor] = []
        for m in members {
            switch m {
            case .predictor(let p): out.append(p)
            case .device(let name): out.append(try predictors.defaultPredictor(space: space, device: name, control: control))
            }
        }
        return out
    }
}
