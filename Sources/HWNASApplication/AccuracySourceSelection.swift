import NASCore
import NASSearch
import NASSpaces

extension DomainServices {
    /// The accuracy source used when a request names none: the space profile's
    /// (`SpaceProfile.defaultAccuracySource`: measured CIFAR-10 on nb201, the OFA top-1
    /// predictor on ofa_mbv3, elsewhere (no measured accuracy) the `max-macs` proxy: the most
    /// computation within the budget, protocol/search.md says why).
    public static func defaultAccuracyName(space: any SearchSpace) -> String {
        (try? SpaceRegistry.profile(space.id))?.defaultAccuracySource ?? "max-macs"
    }

    /// The accuracy objective a search (or generator) request asks for, with the space's default.
    public func accuracySource(_ objective: SearchObjectiveInput?, space: any SearchSpace,
                        control: JobControl) throws(NASError) -> AccuracySource {
        let name = objective?.accuracy ?? Self.defaultAccuracyName(space: space)
        // Sources some spaces have (their profiles list them) are refused elsewhere by name.
        let owners = SpaceRegistry.spaces(withAccuracySource: name)
        if !owners.isEmpty && !owners.contains(space.id) {
            let what = AccuracySources.nb201Datasets.contains(name) ? "measured accuracy '\(name)'" : name
            throw NASError(.invalidParams, "\(what) exists for \(owners.joined(separator: ", ")) only", field: "objective.accuracy")
        }
        switch name {
        case _ where AccuracySources.nb201Datasets.contains(name):
            return try AccuracySources.nb201(dataset: name, catalog: catalog, space: space)
        case "ofa-top1":
            return try ofaAccuracyPredictor(control: control).source
        case "macs", "params":
            return AccuracySources.proxy(name == "macs" ? .macs : .params, space: space)
        case "max-macs", "max-params":
            return AccuracySources.proxy(name == "max-macs" ? .macs : .params, maximize: true, space: space)
        case "inline":
            guard let values = objective?.accuracyValues, !values.isEmpty else {
                throw NASError(.insufficientSamples, "accuracy: inline needs accuracyValues [{arch, accuracy}]", field: "objective.accuracyValues")
            }
            var table: [Architecture: Double] = [:]
            for (i, v) in values.enumerated() {
                let a = try v.arch.resolve(in: space, field: "objective.accuracyValues[\(i)].arch")
                guard v.accuracy.isFinite else {
                    throw NASError(.invalidParams, "accuracy must be finite", field: "objective.accuracyValues[\(i)].accuracy")
                }
                table[a] = v.accuracy
            }
            return AccuracySources.inline(table, space: space)
        default:
            throw NASError(.invalidParams, "unknown accuracy source '\(name)'; allowed: cifar10, cifar100, imagenet16_120 (nb201), ofa-top1 (ofa_mbv3), inline, max-macs, max-params, macs, params", field: "objective.accuracy")
        }
    }
}
