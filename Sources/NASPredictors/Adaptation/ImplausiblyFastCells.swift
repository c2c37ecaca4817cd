import NASCore

/// A warning for a model fitted on a few samples that prices architectures with a data path far
/// below the fastest such sample. It happens on devices whose runtime prunes dead operations
/// (NB201 on pixel3 and raspi4): a correction fitted in milliseconds takes some live cells down
/// toward 0 ms (the prediction floor), while no live pixel3 cell measures under 1.05 ms. `search`
/// would take such cells for the fastest, so the fit says so. Checked where the space can be
/// enumerated (NB201: one prediction of each of its 15,625 cells); elsewhere nothing is said.
public enum ImplausiblyFastCells {
    /// A cell counts when predicted below this share of the fastest sample with a data path.
    public static let ratio = 0.1
    /// The largest space checked (every cell is predicted once).
    public static let maxCells = 100_000

    /// The warning for a model with predictions `predict` fitted on `samples`, or nil when no
    /// cell with a data path is predicted below `ratio` × the fastest such sample (or the space
    /// cannot be enumerated or priced whole, or no sample has a data path).
    public static func warning(space: any SearchSpace, samples: [LatencySample],
                               predict: ([Architecture]) throws(NASError) -> [Double]) -> String? {
        let live = samples.filter { !space.hasNoDataPath(space.canonical($0.arch)) && $0.latencyMs.isFinite && $0.latencyMs > 0 }
        guard let fastest = live.map(\.latencyMs).min(), space.size <= Double(maxCells),
              let all = space.enumerateAll() else { return nil }
        let cells = space.dataPathPartition(all).withPath.map { all[$0] }
        // A model that cannot price every cell (a measured proxy's lookup) is not checked.
        guard let predicted = try? predict(cells) else { return nil }
        let limit = ratio * fastest
        let low = predicted.indices.filter { !(predicted[$0] >= limit) }
        guard let worst = low.min(by: { predicted[$0] < predicted[$1] }) else { return nil }
        return "\(low.count) architectures with a data path are predicted below \(Int(ratio * 100)) % of the fastest such sample (\(FineTuner.format(fastest)) ms), down to \(String(format: "%.3g", predicted[worst])) ms (\(space.format(cells[worst]))): this model prices some architectures far below anything measured, so do not trust its near-0 ms answers (measure a few of the fastest it proposes before you rely on them)"
    }
}
