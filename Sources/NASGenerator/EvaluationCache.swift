import NASCore
import NASSearch

/// Memoized evaluations of the two objectives: each distinct canonical architecture is queried
/// once (one batch per call of `evaluate`), and `queries` counts the distinct evaluations.
/// Every evaluated point is also offered to a Pareto archive (latency ↓, accuracy ↑).
struct EvaluationCache {
    let problem: SearchProblem
    private(set) var index: [Architecture: Int] = [:]
    private(set) var archs: [Architecture] = []
    private(set) var latency: [Double] = []
    private(set) var accuracy: [Double] = []
    private(set) var front = ParetoArchive()

    init(problem: SearchProblem) {
        self.problem = problem
    }

    /// Distinct architectures evaluated so far (predictor queries).
    var queries: Int { archs.count }

    /// Evaluates the architectures not seen before in one batch per objective; returns the
    /// cache slot of each input.
    mutating func evaluate(_ batch: [Architecture]) throws(NASError) -> [Int] {
        var fresh: [Architecture] = []
        var slots = [Int](repeating: -1, count: batch.count)
        var pending: [Architecture: Int] = [:]
        for (i, a) in batch.enumerated() {
            if let s = index[a] {
                slots[i] = s
            } else if let s = pending[a] {
                slots[i] = s
            } else {
                let s = archs.count + fresh.count
                pending[a] = s
                fresh.append(a)
                slots[i] = s
            }
        }
        if !fresh.isEmpty {
            // Excluded (degenerate) architectures get NaN: no reward, never on the front.
            let lat = try problem.values(of: fresh, problem.latency)
            let acc = try problem.values(of: fresh, problem.accuracy)
            guard lat.count == fresh.count, acc.count == fresh.count else {
                throw NASError(.internal, "an objective returned \(lat.count)/\(acc.count) values for \(fresh.count) architectures")
            }
            for (k, a) in fresh.enumerated() {
                let s = archs.count
                index[a] = s
                archs.append(a)
                latency.append(lat[k])
                accuracy.append(acc[k])
                front.insert(latency: lat[k], accuracy: acc[k], id: s)
            }
        }
        return slots
    }

    /// The cache slot of the most accurate evaluated architecture with latency ≤ `budgetMs`.
    func bestFeasible(budgetMs: Double) -> Int? {
        // Front latencies increase with accuracy: the last point within the budget is the best.
        var lo = 0, hi = front.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if front.latency[mid] <= budgetMs { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : front.ids[lo - 1]
    }
}
