import NASCore

/// Fixture devices that are one device's measurements under two names, found from the data:
/// two devices of a space are twins when they measured at least `minimumShared` architectures in
/// common and give the same latency (to `relativeTolerance`) on every one of them. NB201's
/// `rice_pixel3`, `rice_raspi4` and `rice_eyeriss` (`nb201_oneproxy`, OneProxy's copy of
/// HW-NAS-Bench) are `pixel3`'s, `raspi4`'s and `eyeriss`'s latencies on 1,999 of their cells;
/// no other pair of the fixtures is (`eagle_gtx`/`eagle_i7` rank alike, SRCC 0.998, but differ).
/// A pool that holds out a device must hold out its twins too, or the device's own data answers
/// for it.
public enum MeasurementTwins {
    /// Shared architectures needed before equal latencies count as the same device.
    public static let minimumShared = 100
    /// |a − b| ≤ this × max(a, b) counts as the same latency (the tables' decimal text).
    public static let relativeTolerance = 1e-9

    /// Every device of `space` with twins, mapped to them (symmetric; devices without twins are
    /// absent). Reads every latency table of the space.
    public static func twins(catalog: DataCatalog, space: String) throws(NASError) -> [String: Set<String>] {
        let names = catalog.deviceNames(space: space)
        var measured: [(archs: [Architecture], latency: [Double])] = []
        for name in names { measured.append(try catalog.measurements(space: space, device: name)) }
        var lookups: [Int: [Architecture: Double]] = [:]
        func lookup(_ k: Int) -> [Architecture: Double] {
            if let known = lookups[k] { return known }
            var out: [Architecture: Double] = [:]
            for (a, l) in zip(measured[k].archs, measured[k].latency) { out[a] = l }
            lookups[k] = out
            return out
        }
        var out: [String: Set<String>] = [:]
        for i in names.indices {
            for j in names.indices where j > i {
                let (small, large) = measured[i].archs.count <= measured[j].archs.count ? (i, j) : (j, i)
                if same(measured[small], measured[large], lookup: measured[small].archs == measured[large].archs ? nil : lookup(large)) {
                    out[names[i], default: []].insert(names[j])
                    out[names[j], default: []].insert(names[i])
                }
            }
        }
        return out
    }

    /// Whether `a`'s latencies equal `b`'s on every architecture both measured (at least
    /// `minimumShared`); `bLookup`: `b` by architecture, nil when both list the same architectures.
    /// Stops at the first difference.
    static func same(_ a: (archs: [Architecture], latency: [Double]), _ b: (archs: [Architecture], latency: [Double]),
                     lookup bLookup: [Architecture: Double]?) -> Bool {
        var shared = 0
        for (k, arch) in a.archs.enumerated() {
            guard let y = bLookup == nil ? b.latency[k] : bLookup![arch] else { continue }
            let x = a.latency[k]
            guard x.isFinite, y.isFinite, x > 0, y > 0 else { continue }
            guard abs(x - y) <= relativeTolerance * max(x, y) else { return false }
            shared += 1
        }
        return shared >= minimumShared
    }

    /// The copies among twins: of each set of twins, every device but the one with the most measured
    /// architectures (ties: the first name). A pool keeps one device of each set, or the ensemble's
    /// "3 closest members" can be one device twice (`pixel3` and `rice_pixel3`). NB201:
    /// `rice_pixel3`, `rice_raspi4`, `rice_eyeriss` (1,999 cells against 15,625).
    public static func copies(twins: [String: Set<String>], measuredCount: (String) throws(NASError) -> Int) throws(NASError) -> Set<String> {
        var out: Set<String> = []
        for (device, others) in twins {
            let group = others.union([device]).sorted()
            var keep = group[0], most = try measuredCount(keep)
            for name in group.dropFirst() {
                let n = try measuredCount(name)
                if n > most { (keep, most) = (name, n) }
            }
            out.formUnion(group.filter { $0 != keep })
        }
        return out
    }

    /// `copies(twins:measuredCount:)` with the counts of `catalog`'s tables of `space`.
    public static func copies(catalog: DataCatalog, space: String, twins: [String: Set<String>]) throws(NASError) -> Set<String> {
        try copies(twins: twins) { name throws(NASError) in try catalog.measurements(space: space, device: name).archs.count }
    }

    /// `names` with every twin of each (what a pool that holds out `names` must leave out).
    public static func withTwins(_ names: Set<String>, twins: [String: Set<String>]) -> Set<String> {
        names.reduce(into: names) { $0.formUnion(twins[$1] ?? []) }
    }
}
