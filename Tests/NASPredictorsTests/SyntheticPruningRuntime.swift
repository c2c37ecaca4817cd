import NASCore

/// Synthetic "pruning runtime" (TFLite-like): additive costs of the operations on a data path
/// only, plus a fixed overhead; a cell with no data path costs just the overhead. Shared by the
/// live-path tests of the pairwise model and the lookup table.
func syntheticPrunedLatency(_ a: Architecture, space: any SearchSpace) -> Double {
    let live = space.dataPathDecisions(a) ?? Array(repeating: true, count: a.genes.count)
    var y = 0.05
    for (i, g) in a.genes.enumerated() where live[i] { y += 0.2 + 0.2 * Double((i * 5 + Int(g) * 3) % 7) }
    return y
}
