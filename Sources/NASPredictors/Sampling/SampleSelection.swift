import NASCore

/// How `SampleSelection` chooses the architectures to measure on a new device.
public enum SampleCriterion: String, Sendable, Equatable, CaseIterable {
    /// Seeded uniform choice among the candidates (the baseline).
    case random
    /// Farthest-first traversal (greedy k-center) in the proxies' log-latency space: each pick
    /// is the candidate farthest from every architecture chosen or measured so far.
    case kCenter = "k-center"
    /// Greedy Bayesian D-optimal design for a linear model on the proxies' standardized
    /// log-latencies and the one-hot option columns (the coefficients `adaptProxy`'s blends and
    /// per-op corrections fit): each pick has the largest posterior variance given the picks so far.
    case dOptimal = "d-optimal"
    /// Greedy facility location (k-medoids) in the proxies' log-latency space, on a subsample:
    /// the picks that best represent the candidates (the dense middle, not the edges).
    case representative
    /// Quantile strata of the proxies' mean log-latency (one pick per stratum, so the picks
    /// follow the latency distribution of the candidates); within each stratum, the candidate
    /// farthest (log-latency space) from the picks so far, where the proxies disagree most.
    case stratified
    /// Quantile strata of the mean log-latency as `stratified`, but within each stratum the
    /// most typical candidate (nearest the stratum's mean in log-latency space).
    case quantile
}

/// Which of a set of candidate architectures to measure on a new device, chosen from other
/// devices' (the proxies') predicted latencies only: the target is never seen. The input is a
/// member × candidate matrix of log-milliseconds, optional per-member weights, optional
/// one-hot rows (for `dOptimal`), and the candidates already measured (`fixed`).
public enum SampleSelection {
    /// `count` candidate indices (not in `fixed`, no repeats; fewer when the candidates run
    /// out), in the order they were picked.
    ///
    /// - Parameters:
    ///   - logValues: per member, the log-latency of every candidate (all the same length).
    ///   - weights: per member weight in the distance (default equal); zero drops a member.
    ///   - oneHot: per candidate, its active one-hot columns (`dOptimal`; ignored otherwise).
    ///   - oneHotWidth: number of one-hot columns.
    ///   - fixed: candidates already measured: distances and designs start from them.
    public static func select(count: Int, logValues: [[Double]], weights: [Double]? = nil,
                              oneHot: [[Int]]? = nil, oneHotWidth: Int = 0, fixed: [Int] = [],
                              criterion: SampleCriterion, seed: UInt64) -> [Int] {
        let n = logValues.first?.count ?? 0
        let fixedSet = Set(fixed)
        let free = n - fixedSet.count
        guard count > 0, free > 0 else { return [] }
        let k = min(count, free)
        let coords = Coordinates(logValues: logValues, weights: weights)
        switch criterion {
        case .random:
            var order = (0..<n).filter { !fixedSet.contains($0) }
            var rng = SeededGenerator(seed: seed ^ 0x5A3B_1E5)
            order.seededShuffle(using: &rng)
            return Array(order.prefix(k))
        case .kCenter:
            return farthestFirst(k, coords: coords, fixed: fixed, allowed: nil)
        case .dOptimal:
            return dOptimal(k, coords: coords, oneHot: oneHot, oneHotWidth: oneHotWidth, fixed: fixed)
        case .representative:
            return representative(k, coords: coords, fixed: fixed, seed: seed)
        case .stratified:
            return stratified(k, coords: coords, fixed: fixed, typical: false)
        case .quantile:
            return stratified(k, coords: coords, fixed: fixed, typical: true)
        }
    }

    /// Candidates as points: the weighted, per-member centered log-latencies, row-major.
    struct Coordinates {
        let n: Int
        let dims: Int
        var x: [Double]
        /// Per candidate, the weighted mean log-latency over members (the common "size" axis).
        var level: [Double]

        init(logValues: [[Double]], weights: [Double]?) {
            let members = logValues.indices.filter { (weights?[$0] ?? 1) > 0 }
            n = logValues.first?.count ?? 0
            dims = members.count
            let total = members.reduce(0.0) { $0 + (weights?[$1] ?? 1) }
            x = [Double](repeating: 0, count: n * max(dims, 1))
            level = [Double](repeating: 0, count: n)
            for (c, m) in members.enumerated() {
                let w = (weights?[m] ?? 1) / max(total, 1e-12)
                let v = logValues[m]
                let mean = v.reduce(0, +) / Double(max(n, 1))
                let s = w.squareRoot()
                for i in 0..<n {
                    x[i * dims + c] = s * (v[i] - mean)
                    level[i] += w * v[i]
                }
            }
        }

        func distance2(_ i: Int, _ j: Int) -> Double {
            var s = 0.0
            let a = i * dims, b = j * dims
            for c in 0..<dims {
                let d = x[a + c] - x[b + c]
                s += d * d
            }
            return s
        }

        /// Among `subset`, the candidate nearest the subset's mean point (nil when empty).
        func nearestToMean(of subset: [Int]) -> Int? {
            guard !subset.isEmpty else { return nil }
            var mean = [Double](repeating: 0, count: dims)
            for i in subset { for c in 0..<dims { mean[c] += x[i * dims + c] / Double(subset.count) } }
            var best = (i: subset[0], d: Double.infinity)
            for i in subset {
                var s = 0.0
                for c in 0..<dims { s += (x[i * dims + c] - mean[c]) * (x[i * dims + c] - mean[c]) }
                if s < best.d { best = (i, s) }
            }
            return best.i
        }

        /// The candidate nearest the centroid (a start for farthest-first without fixed points).
        func medoidLike() -> Int {
            var best = (i: 0, d: Double.infinity)
            for i in 0..<n {
                var s = 0.0
                for c in 0..<dims { s += x[i * dims + c] * x[i * dims + c] }
                if s < best.d { best = (i, s) }
            }
            return best.i
        }
    }

    /// Greedy k-center: from the fixed points (else the most central candidate), repeatedly the
    /// candidate (among `allowed`, default all) farthest from everything chosen.
    static func farthestFirst(_ k: Int, coords: Coordinates, fixed: [Int], allowed: [Int]?) -> [Int] {
        var nearest = [Double](repeating: .infinity, count: coords.n)
        var taken = [Bool](repeating: false, count: coords.n)
        func add(_ s: Int) {
            taken[s] = true
            for i in 0..<coords.n { nearest[i] = min(nearest[i], coords.distance2(i, s)) }
        }
        for f in fixed { add(f) }
        var out: [Int] = []
        let pool = allowed ?? Array(0..<coords.n)
        if fixed.isEmpty {
            let start = coords.medoidLike()
            out.append(start)
            add(start)
        }
        while out.count < k {
            var best = (i: -1, d: -1.0)
            for i in pool where !taken[i] && nearest[i] > best.d { best = (i, nearest[i]) }
            guard best.i >= 0 else { break }
            out.append(best.i)
            add(best.i)
        }
        return out
    }

    /// Greedy sequential D-optimal design with a unit ridge prior: features are the candidate's
    /// coordinates rescaled to unit total variance, an intercept, and its one-hot columns
    /// (scaled to the same total weight as the coordinates); each pick maximizes xᵀA⁻¹x, the
    /// posterior variance, and A⁻¹ is updated by Sherman–Morrison.
    static func dOptimal(_ k: Int, coords: Coordinates, oneHot: [[Int]]?, oneHotWidth: Int, fixed: [Int]) -> [Int] {
        let n = coords.n
        let useOneHot = oneHot != nil && oneHotWidth > 0
        let width = 1 + coords.dims + (useOneHot ? oneHotWidth : 0)
        var totalVar = 0.0
        for v in coords.x { totalVar += v * v }
        totalVar /= Double(max(n, 1))
        let coordScale = 1 / max(totalVar.squareRoot(), 1e-9)
        let activePerRow = useOneHot ? Double(oneHot!.reduce(0) { $0 + $1.count }) / Double(max(n, 1)) : 1
        let hotScale = 1 / max(activePerRow.squareRoot(), 1e-9)
        func feature(_ i: Int) -> [Double] {
            var f = [Double](repeating: 0, count: width)
            f[0] = 1
            for c in 0..<coords.dims { f[1 + c] = coords.x[i * coords.dims + c] * coordScale }
            if useOneHot { for col in oneHot![i] { f[1 + coords.dims + col] = hotScale } }
            return f
        }
        // A⁻¹ starts as the identity (prior λ = 1); v[i] = xᵢᵀA⁻¹xᵢ.
        var ainv = [Double](repeating: 0, count: width * width)
        for d in 0..<width { ainv[d * width + d] = 1 }
        var variance = (0..<n).map { i in feature(i).reduce(0) { $0 + $1 * $1 } }
        var taken = [Bool](repeating: false, count: n)
        func add(_ s: Int) {
            taken[s] = true
            let xs = feature(s)
            var u = [Double](repeating: 0, count: width)
            for r in 0..<width {
                var t = 0.0
                for c in 0..<width { t += ainv[r * width + c] * xs[c] }
                u[r] = t
            }
            let denom = 1 + zip(xs, u).reduce(0) { $0 + $1.0 * $1.1 }
            for r in 0..<width { for c in 0..<width { ainv[r * width + c] -= u[r] * u[c] / denom } }
            for i in 0..<n where !taken[i] {
                var dot = u[0]
                for c in 0..<coords.dims { dot += coords.x[i * coords.dims + c] * coordScale * u[1 + c] }
                if useOneHot { for col in oneHot![i] { dot += hotScale * u[1 + coords.dims + col] } }
                variance[i] -= dot * dot / denom
            }
        }
        for f in fixed { add(f) }
        var out: [Int] = []
        while out.count < k {
            var best = (i: -1, v: -Double.infinity)
            for i in 0..<n where !taken[i] && variance[i] > best.v { best = (i, variance[i]) }
            guard best.i >= 0 else { break }
            out.append(best.i)
            add(best.i)
        }
        return out
    }

    /// Greedy facility location on a seeded subsample of at most 1,500 candidates (both the
    /// sites and the points to represent): each pick most reduces the summed distance of the
    /// points to their nearest pick (fixed points count as picks).
    static func representative(_ k: Int, coords: Coordinates, fixed: [Int], seed: UInt64) -> [Int] {
        let fixedSet = Set(fixed)
        var sites = (0..<coords.n).filter { !fixedSet.contains($0) }
        if sites.count > 1500 {
            var rng = SeededGenerator(seed: seed ^ 0xFAC1_17E)
            sites.seededShuffle(using: &rng)
            sites = Array(sites.prefix(1500))
        }
        let m = sites.count
        var dist = [Double](repeating: 0, count: m * m)
        for a in 0..<m { for b in 0..<a {
            let d = coords.distance2(sites[a], sites[b]).squareRoot()
            dist[a * m + b] = d
            dist[b * m + a] = d
        } }
        var nearest = [Double](repeating: .infinity, count: m)
        for f in fixed { for a in 0..<m { nearest[a] = min(nearest[a], coords.distance2(sites[a], f).squareRoot()) } }
        var taken = [Bool](repeating: false, count: m)
        var out: [Int] = []
        while out.count < k {
            var best = (s: -1, cost: Double.infinity)
            for s in 0..<m where !taken[s] {
                var cost = 0.0
                for a in 0..<m { cost += min(nearest[a], dist[s * m + a]) }
                if cost < best.cost { best = (s, cost) }
            }
            guard best.s >= 0 else { break }
            taken[best.s] = true
            out.append(sites[best.s])
            for a in 0..<m { nearest[a] = min(nearest[a], dist[best.s * m + a]) }
        }
        return out
    }

    /// One pick per quantile stratum of the mean log-latency (strata of equal candidate
    /// count, counting the fixed points' strata as filled first), the pick within a stratum
    /// being the candidate farthest from all picks so far; strata are visited middle-out
    /// alternately so a short list still spans the range.
    static func stratified(_ k: Int, coords: Coordinates, fixed: [Int], typical: Bool) -> [Int] {
        let order = (0..<coords.n).sorted { coords.level[$0] < coords.level[$1] }
        let strata = k + fixed.count
        var stratumOf = [Int](repeating: 0, count: coords.n)
        for (r, i) in order.enumerated() { stratumOf[i] = min(strata - 1, r * strata / coords.n) }
        var members = [[Int]](repeating: [], count: strata)
        for i in order { members[stratumOf[i]].append(i) }
        var filled = [Bool](repeating: false, count: strata)
        var nearest = [Double](repeating: .infinity, count: coords.n)
        var taken = [Bool](repeating: false, count: coords.n)
        func add(_ s: Int) {
            taken[s] = true
            filled[stratumOf[s]] = true
            for i in 0..<coords.n { nearest[i] = min(nearest[i], coords.distance2(i, s)) }
        }
        for f in fixed { add(f) }
        // Visit strata from the extremes inwards, alternating ends: 0, last, 1, last-1, ...
        var visit: [Int] = []
        var lo = 0, hi = strata - 1
        while lo <= hi {
            visit.append(lo)
            if hi != lo { visit.append(hi) }
            lo += 1
            hi -= 1
        }
        var out: [Int] = []
        for s in visit where out.count < k && !filled[s] {
            guard !members[s].isEmpty else { continue }
            // With nothing chosen yet, the stratum's median candidate.
            var best = (i: members[s][members[s].count / 2], d: -1.0)
            if typical {
                best = (coords.nearestToMean(of: members[s].filter { !taken[$0] }) ?? best.i, 0)
            } else if !(fixed.isEmpty && out.isEmpty) {
                // Among the middle half of the stratum by level: the tails of the first and last
                // strata are the space's most extreme networks, where a device is least like
                // the rest of its own space.
                let m = members[s].count
                let core = members[s][(m / 4)..<max(m / 4 + 1, (3 * m) / 4)]
                for i in core where !taken[i] && nearest[i] > best.d { best = (i, nearest[i]) }
            }
            out.append(best.i)
            add(best.i)
        }
        // Strata already filled by fixed points leave slots: fill them farthest-first.
        if out.count < k {
            let more = farthestFirst(k - out.count, coords: coords, fixed: fixed + out, allowed: nil)
            out += more.filter { !taken[$0] }.prefix(k - out.count)
        }
        return out
    }
}
