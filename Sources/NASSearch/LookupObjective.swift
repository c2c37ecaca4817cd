import NASCore

/// Objectives answered from a table of known values (measurements, client-supplied values).
public enum LookupObjective {
    /// Looks architectures up in `values` (keys canonicalized in `space`). Architectures not in
    /// the table get NaN, which the search treats as "excluded": they never become the best
    /// result nor join the front (but they do count as queries).
    public static func table(_ values: [Architecture: Double], space: any SearchSpace) -> BatchObjective {
        var canonical: [Architecture: Double] = [:]
        canonical.reserveCapacity(values.count)
        for (a, v) in values { canonical[space.canonical(a)] = v }
        let table = canonical
        return { archs throws(NASError) in archs.map { table[$0] ?? .nan } }
    }

    /// Looks architectures up by the space's official index (`values[officialIndex]`), e.g. the
    /// 15,625 NB201 measurements; NaN for an architecture without an index or a value.
    public static func officialIndex(_ values: [Double], space: any SearchSpace) -> BatchObjective {
        { archs throws(NASError) in
            archs.map { a in
                guard let i = space.officialIndex(of: a), i >= 0, i < values.count else { return .nan }
                return values[i]
            }
        }
    }

    /// Pairs `archs[i]` with `values[i]` (later duplicates win); `NaN` values are left out.
    public static func table(archs: [Architecture], values: [Double], space: any SearchSpace) throws(NASError) -> BatchObjective {
        guard archs.count == values.count else {
            throw NASError(.invalidParams, "\(archs.count) architectures but \(values.count) values")
        }
        var t: [Architecture: Double] = [:]
        for (a, v) in zip(archs, values) where !v.isNaN { t[a] = v }
        return table(t, space: space)
    }
}
