import NASCore

/// Space-generic "how many of each option" features: decisions that share the same list of
/// option labels are pooled, and each (pool, option) column counts the active decisions set to
/// that option. On NB201 these are the per-op counts of the cell; on OFA, how many active
/// layers use kernel 3/5/7 and expansion 3/4/6. Few columns, so they fit from 10 samples.
public struct OptionCountFeatures: Sendable, Equatable {
    /// Per decision, the column of its option 0.
    public let firstColumn: [Int]
    /// Number of columns.
    public let dimension: Int

    /// The features of a space.
    public init(space: any SearchSpace) {
        var pools: [[String]: Int] = [:]
        var first: [Int] = []
        var total = 0
        for i in 0..<space.decisionCount {
            let labels = space.optionLabels(ofDecision: i)
            if let c = pools[labels] {
                first.append(c)
            } else {
                pools[labels] = total
                first.append(total)
                total += labels.count
            }
        }
        firstColumn = first
        dimension = total
    }

    /// Adds the counts of the operations `arch` actually runs into `out`: a decision off every
    /// data path (`SearchSpace.dataPathDecisions`) counts as its option 0 (NB201's `none`).
    /// Spaces without dead operations: the same as `accumulate`.
    public func accumulateLive(_ arch: Architecture, space: any SearchSpace, into out: inout [Double]) {
        accumulate(arch, space: space, live: space.dataPathDecisions(arch), into: &out)
    }

    /// Adds the counts of `arch` into `out` (length `dimension`).
    public func accumulate(_ arch: Architecture, space: any SearchSpace, into out: inout [Double]) {
        accumulate(arch, space: space, live: nil, into: &out)
    }

    /// Counts each active decision's option, or option 0 where `live` says it is off every data path.
    private func accumulate(_ arch: Architecture, space: any SearchSpace, live: [Bool]?, into out: inout [Double]) {
        for i in 0..<firstColumn.count where space.isActive(decision: i, in: arch) {
            out[firstColumn[i] + (live?[i] ?? true ? Int(arch.genes[i]) : 0)] += 1
        }
    }
}
