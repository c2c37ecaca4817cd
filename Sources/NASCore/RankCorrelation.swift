/// Rank statistics used to compare latency orderings across devices.
public enum RankCorrelation {
    /// Ranks (1-based) with ties given their average rank, as scipy's `rankdata`.
    public static func averageRanks(_ x: [Double]) -> [Double] {
        let n = x.count
        let order = (0..<n).sorted { x[$0] < x[$1] }
        var ranks = [Double](repeating: 0, count: n)
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && x[order[j + 1]] == x[order[i]] { j += 1 }
            let r = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = r }
            i = j + 1
        }
        return ranks
    }

    /// Pearson correlation; 0 when either side is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        let n = Double(x.count)
        guard x.count > 1 else { return 0 }
        let mx = x.reduce(0, +) / n
        let my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in 0..<x.count {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return 0 }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Spearman's rank correlation (Pearson of average ranks, handles ties).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        pearson(averageRanks(x), averageRanks(y))
    }

    /// Kendall's tau-b (tie-corrected), O(n log n) by Knight's algorithm.
    public static func kendallTau(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        let n = x.count
        guard n > 1 else { return 0 }
        // Sort by x then y.
        var idx = Array(0..<n)
        idx.sort { x[$0] != x[$1] ? x[$0] < x[$1] : y[$0] < y[$1] }
        let n0 = Double(n) * Double(n - 1) / 2
        // Ties in x (n1) and joint ties (n3).
        var n1 = 0.0, n3 = 0.0
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && x[idx[j + 1]] == x[idx[i]] { j += 1 }
            let t = Double(j - i + 1)
            n1 += t * (t - 1) / 2
            // joint ties inside this x-group (sorted by y)
            var a = i
            while a <= j {
                var b = a
                while b + 1 <= j && y[idx[b + 1]] == y[idx[a]] { b += 1 }
                let u = Double(b - a + 1)
                n3 += u * (u - 1) / 2
                a = b + 1
            }
            i = j + 1
        }
        // Count discordant pairs by merge sort on y, counting swaps.
        var ys = idx.map { y[$0] }
        var buf = ys
        func mergeCount(_ lo: Int, _ hi: Int) -> Double {
            if hi - lo < 2 { return 0 }
            let mid = (lo + hi) / 2
            var swaps = mergeCount(lo, mid) + mergeCount(mid, hi)
            var a = lo, b = mid, k = lo
            while a < mid && b < hi {
                if ys[b] < ys[a] {
                    buf[k] = ys[b]; b += 1
                    swaps += Double(mid - a)
                } else {
                    buf[k] = ys[a]; a += 1
                }
                k += 1
            }
            while a < mid { buf[k] = ys[a]; a += 1; k += 1 }
            while b < hi { buf[k] = ys[b]; b += 1; k += 1 }
            for t in lo..<hi { ys[t] = buf[t] }
            return swaps
        }
        let swaps = mergeCount(0, n)
        // Ties in y (n2), ys now sorted.
        var n2 = 0.0
        i = 0
        while i < n {
            var j = i
            while j + 1 < n && ys[j + 1] == ys[i] { j += 1 }
            let t = Double(j - i + 1)
            n2 += t * (t - 1) / 2
            i = j + 1
        }
        let num = n0 - n1 - n2 + n3 - 2 * swaps
        let den = ((n0 - n1) * (n0 - n2)).squareRoot()
        guard den > 0 else { return 0 }
        return num / den
    }
}
