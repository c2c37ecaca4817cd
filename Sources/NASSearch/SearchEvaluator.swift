import NASCore

/// The memo of one search: every distinct (canonical) architecture evaluated, its objectives,
/// the best feasible one, the fastest one and the front of feasible ones.
///
/// `queries` counts distinct architectures sent to the latency objective; a repeated
/// architecture is answered from the memo and costs nothing. In budget mode the accuracy
/// objective is only asked about architectures within the limit (infeasible ones keep NaN).
final class SearchEvaluator {
    let problem: SearchProblem
    /// Feasibility limit on the latency objective (infinity in Pareto mode).
    let limit: Double
    let maxQueries: Int
    private(set) var archs: [Architecture] = []
    private(set) var latency: [Double] = []
    private(set) var accuracy: [Double] = []
    private var index: [Architecture: Int] = [:]
    private(set) var archive = ParetoArchive()
    private(set) var bestIndex: Int?
    private(set) var fastestIndex: Int?
    /// The slowest finite latency evaluated.
    private(set) var slowestLatency: Double?
    private(set) var feasibleCount = 0

    init(problem: SearchProblem, config: SearchConfig) {
        self.problem = problem
        self.limit = config.effectiveLimit
        self.maxQueries = config.maxQueries ?? Int.max
        // Room for the queries the search will likely make, so that the memo does not rehash as it grows.
        let expected = min(maxQueries, config.populationSize * (config.generations + 1), 1 << 18)
        index.reserveCapacity(expected)
    }

    var queries: Int { archs.count }
    var exhausted: Bool { archs.count >= maxQueries }

    func isKnown(_ arch: Architecture) -> Bool { index[arch] != nil }

    /// Within the limit and with a known accuracy.
    func isFeasible(_ i: Int) -> Bool { latency[i] <= limit && accuracy[i].isFinite }

    /// Evaluates the candidates not yet in the memo in one batch per objective (up to the query
    /// budget), and returns the memo indices of all candidates that have values, distinct, in
    /// first-seen order.
    func evaluate(_ candidates: [Architecture]) throws(NASError) -> [Int] {
        var fresh: [Architecture] = []
        var freshSet = Set<Architecture>()
        let room = maxQueries - archs.count
        for a in candidates where index[a] == nil && fresh.count < room {
            if freshSet.insert(a).inserted { fresh.append(a) }
        }
        if !fresh.isEmpty {
            let lat = try problem.values(of: fresh, problem.latency)  // NaN for excluded (degenerate) ones
            guard lat.count == fresh.count else {
                throw NASError(.internal, "latency objective returned \(lat.count) values for \(fresh.count) architectures")
            }
            var accuracyOf = [Double](repeating: .nan, count: fresh.count)
            let ask = (0..<fresh.count).filter { lat[$0] <= limit }
            if !ask.isEmpty {
                let acc = try problem.accuracy(ask.map { fresh[$0] })
                guard acc.count == ask.count else {
                    throw NASError(.internal, "accuracy objective returned \(acc.count) values for \(ask.count) architectures")
                }
                for (k, j) in ask.enumerated() { accuracyOf[j] = acc[k] }
            }
            for j in 0..<fresh.count { record(fresh[j], latency: lat[j], accuracy: accuracyOf[j]) }
        }
        var out: [Int] = []
        out.reserveCapacity(candidates.count)
        var seen = Set<Int>()
        for a in candidates {
            if let i = index[a], seen.insert(i).inserted { out.append(i) }
        }
        return out
    }

    private func record(_ arch: Architecture, latency lat: Double, accuracy acc: Double) {
        let i = archs.count
        archs.append(arch)
        latency.append(lat)
        accuracy.append(acc)
        index[arch] = i
        if lat.isFinite, fastestIndex.map({ lat < latency[$0] }) ?? true { fastestIndex = i }
        if lat.isFinite, slowestLatency.map({ lat > $0 }) ?? true { slowestLatency = lat }
        guard isFeasible(i) else { return }
        feasibleCount += 1
        archive.insert(latency: lat, accuracy: acc, id: i)
        if let b = bestIndex {
            if acc > accuracy[b] || (acc == accuracy[b] && lat < latency[b]) { bestIndex = i }
        } else {
            bestIndex = i
        }
    }

    func candidate(_ i: Int) -> SearchCandidate {
        SearchCandidate(arch: archs[i], latencyMs: latency[i], accuracy: accuracy[i])
    }

    /// Selection order of budget mode (constrained domination): feasible by accuracy (higher
    /// first, then lower latency), then infeasible by latency (lower first), then architectures
    /// with unknown values. Ties by memo index, so the order is deterministic.
    func ranksBefore(_ a: Int, _ b: Int) -> Bool {
        let ca = rankClass(a), cb = rankClass(b)
        if ca != cb { return ca < cb }
        if ca == 0 {
            if accuracy[a] != accuracy[b] { return accuracy[a] > accuracy[b] }
            if latency[a] != latency[b] { return latency[a] < latency[b] }
        } else if ca == 1, latency[a] != latency[b] {
            return latency[a] < latency[b]
        }
        return a < b
    }

    private func rankClass(_ i: Int) -> Int {
        if isFeasible(i) { return 0 }
        if latency[i].isFinite && latency[i] > limit { return 1 }
        return 2
    }
}
