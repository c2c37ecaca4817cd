import NASCore
import NASSearch
import NASSpaces

extension DomainServices {
    /// The accuracy source used when a request names none: measured CIFAR-10 on nb201, the
    /// OFA top-1 predictor on ofa_mbv3, the MACs proxy elsewhere.
    public static func defaultAccuracyName(space: any SearchSpace) -> String {
        switch space.id {
        case "nb201": "cifar10"
        case "ofa_mbv3": "ofa-top1"
        default: "macs"
        }
    }

    /// The accuracy objective a search (or generator) request asks for, with the space's default.
    public func accuracySource(_ objective: SearchObjectiveInput?, space: any SearchSpace,
                        control: JobControl) throws(NASError) -> AccuracySource {
        let name = objective?.accuracy ?? Self.defaultAccuracyName(space: space)
        switch name {
        case _ where AccuracySources.nb201Datasets.contains(name):
            guard space.id == "nb201" else {
                throw NASError(.invalidParams, "measured accuracy '\(name)' exists for nb201 only", field: "objective.accuracy")
            }
            return try AccuracySources.nb201(dataset: name, catalog: catalog, space: space)
        case "ofa-top1":
            guard space.id == "ofa_mbv3" else {
                throw NASError(.invalidParams, "ofa-top1 exists for ofa_mbv3 only", field: "objective.accuracy")
            }
            return try ofaAccuracyPredictor(control: control).source
        case "macs", "params":
            return AccuracySources.proxy(name == "macs" ? .macs : .params, space: space)
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
            throw NASError(.invalidParams, "unknown accuracy source '\(name)'; allowed: cifar10, cifar100, imagenet16_120 (nb201), ofa-top1 (ofa_mbv3), inline, macs, params", field: "objective.accuracy")
        }
    }
}
