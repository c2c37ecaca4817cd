import NASCore
import NASData
import NASSpaces

/// The rank statistic a monotonicity matrix uses.
public enum RankMetric: String, Sendable, Equatable, CaseIterable, Codable {
    /// Spearman's rank correlation (SRCC), as OneProxy reports it.
    case spearman
    /// Kendall's tau-b.
    case kendall

    /// The statistic of two equally long vectors (ties handled).
    public func correlation(_ x: [Double], _ y: [Double]) -> Double {
        switch self {
        case .spearman: return RankCorrelation.spearman(x, y)
        case .kendall: return RankCorrelation.kendallTau(x, y)
        }
    }
}

/// Where the values of one cell of a monotonicity matrix come from.
public enum MonotonicitySource: String, Sendable, Equatable, Codable {
    /// Both devices measured on the same architectures (rows with a missing value skipped).
    case measured
    /// At least one side is a predictor's predictions (the device has no measurements).
    case predicted
    /// The diagonal.
    case identity
}

/// A device's latencies for the monotonicity analysis: measured data from the fixtures, or a
/// predictor (for devices nobody measured, e.g. one described by its spec).
public struct DeviceLatencySource: Sendable {
    /// Device name, as it appears in the matrix.
    public var name: String
    /// Predicts milliseconds for architectures; nil for measured devices.
    public var predict: (@Sendable ([Architecture]) throws(NASError) -> [Double])?

    /// A device whose measurements live in the fixtures.
    public static func measured(_ name: String) -> DeviceLatencySource {
        DeviceLatencySource(name: name, predict: nil)
    }

    /// A device known only through a predictor.
    public static func predicted(_ name: String, _ predict: @escaping @Sendable ([Architecture]) throws(NASError) -> [Double]) -> DeviceLatencySource {
        DeviceLatencySource(name: name, predict: predict)
    }
}

/// The pairwise rank-correlation matrix of device latencies ("latency monotonicity").
public struct MonotonicityMatrix: Sendable, Equatable {
    /// The statistic.
    public var metric: RankMetric
    /// Row/column device names.
    public var devices: [String]
    /// Row-major `devices.count²` correlations; symmetric with a unit diagonal.
    public var values: [Double]
    /// Per cell, where its values came from.
    public var sources: [MonotonicitySource]
    /// Per cell, the number of architectures compared.
    public var counts: [Int]

    /// The correlation of two devices by index.
    public subscript(_ i: Int, _ j: Int) -> Double { values[i * devices.count + j] }

    /// The correlation of two devices by name (nil when either is not in the matrix).
    public func value(_ a: String, _ b: String) -> Double? {
        guard let i = devices.firstIndex(of: a), let j = devices.firstIndex(of: b) else { return nil }
        return self[i, j]
    }

    /// Unordered device pairs with their correlation, weakest first; `below` filters.
    public func pairs(below threshold: Double = .infinity) -> [(a: String, b: String, value: Double)] {
        var out: [(a: String, b: String, value: Double)] = []
        let n = devices.count
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) where self[i, j] < threshold {
                out.append((devices[i], devices[j], self[i, j]))
            }
        }
        return out.sorted { $0.value < $1.value }
    }

    /// The best proxy for `target` among `candidates` (default: every other device): the one
    /// with the highest correlation. Nil when the target is unknown or no candidate remains.
    public func bestProxy(for target: String, among candidates: [String]? = nil) -> (device: String, value: Double)? {
        guard let t = devices.firstIndex(of: target) else { return nil }
        var best: (device: String, value: Double)?
        for (j, d) in devices.enumerated() where j != t && (candidates?.contains(d) ?? true) {
            let v = self[t, j]
            if v.isFinite, best == nil || v > best!.value { best = (d, v) }
        }
        return best
    }
}

/// Computes latency-monotonicity matrices from the fixtures' measured tables, joining devices of
/// different tables of the same space by canonical architecture, and from predictors where a
/// device has no measurement.
public struct MonotonicityAnalysis: Sendable {
    /// The data.
    public let catalog: DataCatalog

    /// An analysis over a catalog.
    public init(catalog: DataCatalog) {
        self.catalog = catalog
    }

    /// Every architecture measured on any device of `space` (union over its tables, first seen
    /// order) and, per measured device, its latency aligned to that list (NaN where missing).
    public func alignedMeasurements(space: String, devices: [String]) throws(NASError)
        -> (archs: [Architecture], latency: [String: [Double]]) {
        var index: [Architecture: Int] = [:]
        var archs: [Architecture] = []
        var perDevice: [String: [(Int, Double)]] = [:]
        let wanted = Set(devices)
        for tableName in catalog.tableNames(space: space) {
            let header = catalog.devices(ofTable: tableName)
            guard header.contains(where: { wanted.contains($0) && perDevice[$0] == nil }) else { continue }
            let table = try catalog.latencyTable(tableName)
            var rows = [Int](repeating: 0, count: table.archs.count)
            for (r, a) in table.archs.enumerated() {
                if let k = index[a] {
                    rows[r] = k
                } else {
                    index[a] = archs.count
                    rows[r] = archs.count
                    archs.append(a)
                }
            }
            for d in table.devices where wanted.contains(d) && perDevice[d] == nil {
                let col = try table.column(d)
                perDevice[d] = col.indices.compactMap { col[$0].isNaN ? nil : (rows[$0], col[$0]) }
            }
        }
        var out: [String: [Double]] = [:]
        for (d, pairs) in perDevice {
            var v = [Double](repeating: .nan, count: archs.count)
            for (k, x) in pairs { v[k] = x }
            out[d] = v
        }
        return (archs, out)
    }

    /// The monotonicity matrix of `devices` (default: every measured device of the space) in
    /// `space`. Measured pairs use every architecture both devices have (optionally restricted
    /// to `archs`); pairs with a predicted device use the other device's measured architectures
    /// (or a seeded sample of the space), at most `sampleSize` of them. Cancelled through
    /// `control` between two pairs.
    public func matrix(space: String, devices: [DeviceLatencySource]? = nil, archs restrict: [Architecture]? = nil,
                       metric: RankMetric = .spearman, sampleSize: Int = 2_000, seed: UInt64 = 0,
                       control: JobControl = .none) throws(NASError) -> MonotonicityMatrix {
        let spaceImpl = try SpaceRegistry.space(space)
        let list = devices ?? catalog.deviceNames(space: space).map { DeviceLatencySource.measured($0) }
        guard !list.isEmpty else { throw NASError(.invalidParams, "no devices to compare", field: "devices") }
        var seen = Set<String>()
        for (i, d) in list.enumerated() where !seen.insert(d.name).inserted {
            throw NASError(.invalidParams, "device '\(d.name)' is listed twice", field: "devices[\(i)]")
        }
        let measuredNames = list.filter { $0.predict == nil }.map(\.name)
        let known = Set(catalog.deviceNames(space: space))
        for name in measuredNames where !known.contains(name) {
            throw NASError(.unknownDevice, "no measurements of device '\(name)' for space \(space); devices: \(catalog.deviceNames(space: space).joined(separator: ", "))", field: "devices")
        }
        var (archs, lat) = try alignedMeasurements(space: space, devices: measuredNames)
        if let restrict {
            let keep = Set(restrict.map { spaceImpl.canonical($0) })
            let rows = archs.indices.filter { keep.contains(archs[$0]) }
            archs = rows.map { archs[$0] }
            for (d, v) in lat { lat[d] = rows.map { v[$0] } }
        }
        let n = list.count
        var values = [Double](repeating: 1, count: n * n)
        var sources = [MonotonicitySource](repeating: .identity, count: n * n)
        var counts = [Int](repeating: 0, count: n * n)
        var predictionCache: [String: (archs: [Architecture], values: [Double])] = [:]
        // Spearman of measured pairs from ranks computed once per (device, rows compared): devices
        // of one table share their rows (NB201's 20 HELP devices: 190 pairs, 20 rankings instead of
        // 380), and a pair across tables compares the rows of the smaller table when its rows lie
        // within the other's. The values are the same as ranking each pair's vectors afresh.
        // (Kendall pairs are computed below as before: no masks for them.)
        let masks = metric == .spearman ? lat.mapValues { v in v.map { !$0.isNaN } } : [:]
        var maskIDs: [String: Int] = [:], distinctMasks: [[Bool]] = []
        for (name, m) in masks.sorted(by: { $0.key < $1.key }) {
            if let id = distinctMasks.firstIndex(of: m) { maskIDs[name] = id } else {
                maskIDs[name] = distinctMasks.count
                distinctMasks.append(m)
            }
        }
        let inside = distinctMasks.map { a in distinctMasks.map { b in zip(a, b).allSatisfy { !$0.0 || $0.1 } } }
        func within(_ a: Int, _ b: Int) -> Bool { inside[a][b] }  // mask a's rows all in mask b's
        var rankCache: [String: [Double]] = [:]
        func ranks(_ device: String, rowsOf mask: Int) -> [Double] {
            let key = "\(device)\u{0}\(mask)"
            if let r = rankCache[key] { return r }
            let v = lat[device]!, keep = distinctMasks[mask]
            let r = RankCorrelation.averageRanks(v.indices.filter { keep[$0] }.map { v[$0] })
            rankCache[key] = r
            return r
        }
        var rng = SeededGenerator(seed: seed)
        let fallbackArchs = restrict.map { Array($0.prefix(sampleSize)) } ?? spaceImpl.sample(count: sampleSize, seed: seed)
        for i in 0..<n {
            counts[i * n + i] = lat[list[i].name]?.filter { !$0.isNaN }.count ?? fallbackArchs.count
            for j in (i + 1)..<max(n, i + 1) {
                try control.checkCancelled()
                let a = list[i], b = list[j]
                var x: [Double] = [], y: [Double] = []
                let source: MonotonicitySource
                if metric == .spearman, let ma = maskIDs[a.name], let mb = maskIDs[b.name],
                   let rows = ma == mb || within(ma, mb) ? ma : within(mb, ma) ? mb : nil {
                    let rx = ranks(a.name, rowsOf: rows), ry = ranks(b.name, rowsOf: rows)
                    let v = rx.count > 1 ? RankCorrelation.pearson(rx, ry) : .nan
                    values[i * n + j] = v
                    values[j * n + i] = v
                    sources[i * n + j] = .measured
                    sources[j * n + i] = .measured
                    counts[i * n + j] = rx.count
                    counts[j * n + i] = rx.count
                    continue
                }
                if let la = lat[a.name], let lb = lat[b.name] {
                    source = .measured
                    x.reserveCapacity(la.count)
                    y.reserveCapacity(la.count)
                    for k in 0..<la.count where !la[k].isNaN && !lb[k].isNaN {
                        x.append(la[k])
                        y.append(lb[k])
                    }
                } else {
                    source = .predicted
                    // Architectures: the measured side's (sampled), else the space sample.
                    var pool = fallbackArchs
                    var measured: [Double]?
                    if let m = lat[a.name] ?? lat[b.name] {
                        var rows = m.indices.filter { !m[$0].isNaN }
                        if rows.count > sampleSize {
                            for t in 0..<sampleSize { rows.swapAt(t, t + rng.nextInt(rows.count - t)) }
                            rows = Array(rows.prefix(sampleSize))
                        }
                        pool = rows.map { archs[$0] }
                        measured = rows.map { m[$0] }
                    }
                    func values(_ d: DeviceLatencySource) throws(NASError) -> [Double] {
                        if let m = measured, d.predict == nil { return m }
                        if let c = predictionCache[d.name], c.archs == pool { return c.values }
                        let v = try d.predict!(pool)
                        guard v.count == pool.count else {
                            throw NASError(.internal, "predictor of '\(d.name)' returned \(v.count) values for \(pool.count) archs")
                        }
                        predictionCache[d.name] = (pool, v)
                        return v
                    }
                    x = try values(a)
                    y = try values(b)
                }
                let v = x.count > 1 ? metric.correlation(x, y) : .nan
                values[i * n + j] = v
                values[j * n + i] = v
                sources[i * n + j] = source
                sources[j * n + i] = source
                counts[i * n + j] = x.count
                counts[j * n + i] = x.count
            }
        }
        return MonotonicityMatrix(metric: metric, devices: list.map(\.name), values: values, sources: sources, counts: counts)
    }

    /// The matrix of one fixtures table's devices only (e.g. `nb201_oneproxy`).
    public func matrix(table: String, metric: RankMetric = .spearman) throws(NASError) -> MonotonicityMatrix {
        let t = try catalog.latencyTable(table)
        return try matrix(space: t.spaceID, devices: t.devices.map { .measured($0) }, metric: metric)
    }
}
