import NASCore
import NASData
import NASSpaces

/// The pool `adaptProxy` may blend besides the proxy: one closed-form model per fixture device
/// of a space, fitted by least squares on every measurement of that device (well under a second
/// for all devices, so no default predictor has to be trained first).
public enum FixturePool {
    /// One model per published fixture device of `space` (not this project's own measurements,
    /// `DataCatalog.publishedDeviceNames`) except those in `excluding`: a `PairwiseModel`
    /// where the device has at least three samples per column of it (every NB201 device), else a
    /// `LUTModel`; devices too small even for a LUT are skipped. A device whose measurements
    /// show a runtime that prunes dead operations (`PairwiseModel.showsPrunedDeadPaths`: NB201's
    /// pixel3 and raspi4) gets the pairwise model's live-path copy unless `livePathCopies` is
    /// false (sample selection, the benches' comparison). A member of `reusing` (the same
    /// fixtures' models, fitted the other way) is taken as it is where this call would fit that
    /// device the same way: only the pruning devices are refitted.
    public static func models(catalog: DataCatalog, space: String, excluding: Set<String>,
                              livePathCopies: Bool = true, reusing: [ProxyLatencyModel] = []) throws(NASError) -> [ProxyLatencyModel] {
        let impl = try SpaceRegistry.space(space)
        let enc = ActiveOneHot(space: impl)
        let pairs = PairwiseModel.interactionPairs(cardinalities: enc.cardinalities)
        let pairwiseColumns = PairwiseModel.columnCount(cardinalities: enc.cardinalities, pairs: pairs) + 1
        var devices: [String] = []
        var seen = Set<String>()
        for device in catalog.publishedDeviceNames(space: space) where !excluding.contains(device) && seen.insert(device).inserted {
            devices.append(device)
        }
        // The tables are read once, in turn; then each device's fit, independent of the others,
        // runs side by side on the cores (the first pool request's wait): the same models, in order.
        var measured: [(archs: [Architecture], latency: [Double])] = []
        for device in devices { measured.append(try catalog.measurements(space: space, device: device)) }
        let reusable = Dictionary(reusing.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let fitted = try Kernels.concurrently(devices.count) { (i: Int) throws(NASError) -> ProxyLatencyModel? in
            let device = devices[i], m = measured[i]
            // The copy doubles the columns: only with three samples per column of both.
            let livePath = livePathCopies && m.archs.count >= 6 * pairwiseColumns
                && PairwiseModel.showsPrunedDeadPaths(archs: m.archs, latency: m.latency, space: impl)
            if let same = reusable[device], same.hasLivePathCopy == livePath { return same }
            if !pairs.isEmpty && m.archs.count >= 3 * pairwiseColumns,
               let model = try? PairwiseModel.fit(archs: m.archs, latency: m.latency, space: impl, encoding: enc, pairs: pairs,
                                                  livePathCopy: livePath) {
                return .model(.pairwise(model), name: device, space: impl)
            }
            guard m.archs.count >= 2 * enc.dimension,
                  let lut = try? LUTModel.fit(archs: m.archs, latency: m.latency, space: impl, encoding: enc) else { return nil }
            return .model(.lut(lut), name: device, space: impl)
        }
        // A table of under half an enumerable space that another device measured at least half of
        // is a part, its cells chosen by its study: its model extrapolates to the rest.
        // (A device's table lists each architecture once, so its row count is its cell count.)
        let fullest = measured.map(\.archs.count).max() ?? 0
        let half = impl.size / 2
        return zip(fitted, measured).compactMap { model, m in
            guard var model else { return nil }
            if Double(m.archs.count) < half && Double(fullest) >= half { model.partialTable = Set(m.archs) }
            return model
        }
    }

    /// The least share of the samples a member with a partial table must have measured to stay in
    /// a default pool (`matching(_:samples:)`).
    public static let partialTableShare = 0.5

    /// A default pool for these samples: every member but those with a partial table
    /// (`ProxyLatencyModel.partialTable`) that measured fewer than `partialTableShare` of the
    /// samples' architectures. Such a member's model was fitted on cells its study chose (NB201's
    /// OneProxy table: 17 % of them with an operation off every data path against 40 % of the
    /// space, none without a data path) and misleads a target sampled across the space, while for
    /// a target measured on the same cells it is among the closest devices
    /// (`Benchmarks/results/fewshot.md`, "The daemon's default pool").
    /// A pool of partial tables only (nothing measured in full is left in it) is returned whole.
    public static func matching(_ pool: [ProxyLatencyModel], samples: [Architecture]) -> [ProxyLatencyModel] {
        guard let space = pool.first?.space, !samples.isEmpty, pool.contains(where: { $0.partialTable == nil }) else { return pool }
        let canonical = samples.map { space.canonical($0) }
        return pool.filter { member in
            guard let cells = member.partialTable else { return true }
            let inTable = canonical.reduce(0) { $0 + (cells.contains($1) ? 1 : 0) }
            return Double(inTable) >= partialTableShare * Double(samples.count)
        }
    }
}

extension ProxyLatencyModel {
    /// Whether the model is a pairwise table with the live-path copy (`FixturePool.models`
    /// gives one to devices whose runtime prunes dead operations).
    public var hasLivePathCopy: Bool {
        if case .pairwise(let p)? = model { return p.hasLivePathCopy }
        return false
    }
}
