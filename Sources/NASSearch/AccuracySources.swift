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

    /// A proxy for spaces without accuracies: −MACs or −params in millions (higher is better, so
    /// the search prefers smaller networks). It is not an accuracy and is labelled so.
    public static func proxy(_ kind: ProxyKind = .macs, space: any SearchSpace) -> AccuracySource {
        let objective: BatchObjective = { archs throws(NASError) in
            archs.map { a in
                let c = space.cost(of: a)
                return -(kind == .macs ? c.macs : c.params) / 1e6
            }
        }
        return AccuracySource(objective: objective,
                              label: "-\(kind == .macs ? "MACs" : "params") in millions (proxy, not an accuracy)",
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
