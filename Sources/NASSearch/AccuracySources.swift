import NASCore
import NASData

/// The accuracy sources of the `search` method.
///
/// - `nb201`: the real NAS-Bench-201 test accuracies, looked up exactly by official index.
/// - `ofa_mbv3`: an MLP accuracy predictor trained on the 2,223 real ImageNet top-1
///   measurements (`OFAAccuracyPredictor`).
/// - client-supplied values for any space (`inline`); architectures without a value are excluded.
/// - a MACs or parameter-count proxy for spaces without accuracies, labelled as a proxy.
public enum AccuracySources {
    /// NB201 datasets with measured accuracies, as `DataCatalog.nb201Accuracy()` orders them.
    public static let nb201Datasets = ["cifar10", "cifar100", "imagenet16_120"]

    /// Measured NB201 test accuracy (%) of `dataset` (`cifar10`, `cifar100`, `imagenet16_120`).
    public static func nb201(dataset: String = "cifar10", catalog: DataCatalog,
                             space: any SearchSpace) throws(NASError) -> AccuracySource {
        guard let column = nb201Datasets.firstIndex(of: dataset) else {
            throw NASError(.invalidParams, "unknown NB201 dataset \(dataset); allowed: \(nb201Datasets.joined(separator: ", "))",
                           field: "objective.accuracy")
        }
        let values = try catalog.nb201Accuracy().map { $0[column] }
        return AccuracySource(objective: LookupObjective.officialIndex(values, space: space),
                              label: "\(dataset) test accuracy % (measured, NAS-Bench-201)")
    }

    /// Which cost a proxy objective uses.
    public enum ProxyKind: String, Sendable, CaseIterable {
        /// Multiply-accumulates of one forward pass.
        case macs
        /// Parameter count.
        case params
    }

    /// A proxy for spaces without accuracies, in millions and labelled as not an accuracy.
    /// `maximize: true` (the default objective `max-macs`): +MACs, the most computation that
    /// fits the latency budget. Within one space accuracy rises with MACs (OFA's 2,223 measured
    /// subnets: Spearman 0.95 between MACs and top-1, `hwnas-bench trust`), so this picks the
    /// network that uses its budget instead of the emptiest one. `maximize: false` (`macs`,
    /// `params`): −MACs or −params, the smallest network.
    public static func proxy(_ kind: ProxyKind = .macs, maximize: Bool = false, space: any SearchSpace) -> AccuracySource {
        let sign = maximize ? 1.0 : -1.0
        let objective: BatchObjective = { archs throws(NASError) in
            archs.map { a in
                let c = space.cost(of: a)
                return sign * (kind == .macs ? c.macs : c.params) / 1e6
            }
        }
        let name = kind == .macs ? "MACs" : "params"
        return AccuracySource(objective: objective,
                              label: maximize ? "+\(name) in millions (proxy, not an accuracy: the most computation within the budget)"
                                              : "-\(name) in millions (proxy, not an accuracy: the smallest network)",
                              isProxy: true)
    }

    /// Client-supplied accuracy values. Keys are canonicalized; architectures the table does not
    /// hold are excluded from the result (NaN), so a search over a sparse table mostly explores
    /// architectures it cannot rank; supply many values or use a client-trained predictor.
    public static func inline(_ values: [Architecture: Double], space: any SearchSpace,
                              label: String = "accuracy (client-supplied)") -> AccuracySource {
        AccuracySource(objective: LookupObjective.table(values, space: space), label: label)
    }
}
