/// An incrementally maintained 2-D Pareto front (minimize latency, maximize accuracy).
///
/// Points are kept sorted by increasing latency with strictly increasing accuracy, so an insert
/// is a binary search plus the removal of the points it dominates. Each point carries an `id`
/// (the caller's index). A point equal to a kept point in both objectives is not added.
public struct ParetoArchive: Sendable, Equatable {
    /// Latencies of the front, increasing.
    public private(set) var latency: [Double] = []
    /// Accuracies of the front, strictly increasing.
    public private(set) var accuracy: [Double] = []
    /// Caller ids of the front's points.
    public private(set) var ids: [Int] = []

    /// An empty archive.
    public init() {}

    /// Number of points on the front.
    public var count: Int { ids.count }

    /// Offers a point; returns whether it joined the front. Non-finite values are ignored.
    @discardableResult
    public mutating func insert(latency lat: Double, accuracy acc: Double, id: Int) -> Bool {
        guard lat.isFinite, acc.isFinite else { return false }
        // First index with latency >= lat.
        var lo = 0, hi = latency.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if latency[mid] < lat { lo = mid + 1 } else { hi = mid }
        }
        if lo > 0 && accuracy[lo - 1] >= acc { return false }
        if lo < latency.count && latency[lo] == lat && accuracy[lo] >= acc { return false }
        var end = lo
        while end < latency.count && accuracy[end] <= acc { end += 1 }
        latency.replaceSubrange(lo..<end, with: CollectionOfOne(lat))
        accuracy.replaceSubrange(lo..<end, with: CollectionOfOne(acc))
        ids.replaceSubrange(lo..<end, with: CollectionOfOne(id))
        return true
    }
}
