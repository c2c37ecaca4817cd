import NASCore
import NASSpaces
import Synchronization

/// The shipped data sets (fixtures/): latency tables, accuracies and device specs, parsed
/// into the search spaces on first use and cached. Thread-safe.
public final class DataCatalog: Sendable {
    /// Where the fixtures live.
    public let directory: String

    /// The latency tables the fixtures ship: name, space, architecture column, id column, as
    /// the spaces' profiles (`SpaceProfile.fixtureTables`) list them, in registry order. `<space>_onnxrt` hold this project's own measurements (`hwnas measure`,
    /// onnxruntime on one CPU core; see fixtures/README.md); a table whose file is absent has no devices.
    public static let tableLayouts: [(name: String, space: String, archColumn: String, idColumn: String)] =
        SpaceRegistry.entries.flatMap { entry in
            entry.profile.fixtureTables.map { (name: $0.name, space: entry.space.id, archColumn: $0.archColumn, idColumn: $0.idColumn) }
        }

    private let tables = Mutex<[String: LatencyTable]>([:])
    private let headers = Mutex<[String: [String]]>([:])
    private let counts = Mutex<[String: [String: Int]]>([:])
    /// `nb201Accuracy()`, parsed once (every `generate` with samples and every NB201 search reads it).
    private let nb201AccuracyRows = Mutex<[[Double]]?>(nil)
    /// `gpuSpec(named:)` answers by query: reading gpu_specs.csv was 60% of a repeated `predict {spec}`.
    private let gpuSpecs = Mutex<[String: DeviceSpec]>([:])
    /// `deviceSpecs()`, read once (every `predict {spec}` lists the GPUs).
    private let devices = Mutex<[DeviceSpec]?>(nil)
    /// Each fixture file's hash for `fileDigest`, by path, computed once: a catalog takes its
    /// files as fixed while it serves them, as it does the tables it parsed.
    let fileHashes = Mutex<[String: UInt64]>([:])

    /// A catalog over a fixtures directory (see `FixturesLocator`).
    public init(fixturesDirectory: String) {
        self.directory = fixturesDirectory
    }

    /// Names of the latency tables of a space.
    public func tableNames(space: String) -> [String] {
        Self.tableLayouts.filter { $0.space == space }.map(\.name)
    }

    /// A latency table, loaded once.
    public func latencyTable(_ name: String) throws(NASError) -> LatencyTable {
        if let t = tables.withLock({ $0[name] }) { return t }
        guard let layout = Self.tableLayouts.first(where: { $0.name == name }) else {
            throw NASError(.unknownDevice, "no latency table '\(name)'; tables: \(Self.tableLayouts.map(\.name).joined(separator: ", "))")
        }
        let csv = try CSVTable(path: "\(directory)/\(name)/latency.csv")
        let space = try SpaceRegistry.space(layout.space)
        let archColumn = try csv.columnIndex(layout.archColumn)
        let idColumn = try csv.columnIndex(layout.idColumn)
        let skip: Set<String> = Set(["row"] + Self.tableLayouts.flatMap { [$0.archColumn, $0.idColumn] })
        let deviceColumns = csv.header.enumerated().filter { !skip.contains($0.element) }
        var archs: [Architecture] = []
        archs.reserveCapacity(csv.rows.count)
        var ids: [Int] = []
        for (r, row) in csv.rows.enumerated() {
            do {
                archs.append(try space.parse(row[archColumn]))
            } catch {
                throw NASError(.internal, "fixture \(name)/latency.csv row \(r + 1): \(error.message)")
            }
            ids.append(Int(row[idColumn]) ?? r)
        }
        var lat: [[Double]] = []
        for (c, _) in deviceColumns {
            lat.append(csv.rows.map { row in
                guard let v = Double(row[c]), v >= 0, v.isFinite else { return .nan }
                return v
            })
        }
        let table = LatencyTable(name: name, spaceID: layout.space, archIDs: ids, archs: archs,
                                 devices: deviceColumns.map(\.element), latencies: lat)
        tables.withLock { $0[name] = table }
        return table
    }

    /// Device columns of a table, read from its header only (cheap).
    public func devices(ofTable name: String) -> [String] {
        if let h = headers.withLock({ $0[name] }) { return h }
        let skip: Set<String> = Set(["row"] + Self.tableLayouts.flatMap { [$0.archColumn, $0.idColumn] })
        guard let bytes = try? AtomicFile.readPrefix("\(directory)/\(name)/latency.csv", through: UInt8(ascii: "\n")),
              let nl = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return [] }
        let header = String(decoding: bytes[..<nl], as: UTF8.self)
            .split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !skip.contains($0) }
        headers.withLock { $0[name] = header }
        return header
    }

    /// All device names that have measurements for a space.
    public func deviceNames(space: String) -> [String] {
        tableNames(space: space).flatMap { devices(ofTable: $0) }
    }

    /// Whether a table holds this project's own measurements (`<space>_onnxrt`: one machine,
    /// re-measurable with scripts/measure_fixture_device.py) rather than a published benchmark's.
    public static func isMeasuredHere(table name: String) -> Bool {
        name.hasSuffix(measuredHereSuffix)
    }

    /// Table name suffix of this project's own measurements.
    public static let measuredHereSuffix = "_onnxrt"

    /// The devices of a space from published benchmarks only: `adaptProxy`'s fixture pool, whose
    /// results should not change when someone re-measures this project's own machine.
    public func publishedDeviceNames(space: String) -> [String] {
        tableNames(space: space).filter { !Self.isMeasuredHere(table: $0) }.flatMap { devices(ofTable: $0) }
    }

    /// The table that holds a (space, device) pair, or an unknownDevice error listing the devices.
    public func tableName(space: String, device: String) throws(NASError) -> String {
        _ = try SpaceRegistry.space(space)
        for t in tableNames(space: space) where devices(ofTable: t).contains(device) { return t }
        let names = deviceNames(space: space)
        throw NASError(.unknownDevice, "no measurements of device '\(device)' for space \(space)\(didYouMeanDevice(device, among: names)); devices: \(names.joined(separator: ", "))", field: "device")
    }

    /// `"; did you mean 'pixel3'?"` for a mistyped device among `names`, also matching the
    /// devices' names in `hardware/devices.csv` (`Google Pixel 3`), or "".
    public func didYouMeanDevice(_ query: String, among names: [String]) -> String {
        let specs = (try? deviceSpecs()) ?? []
        return NameSuggestion.didYouMean(query, among: names.map { name in
            (name, specs.first { $0.name == name }?.gpuName.map { [$0] } ?? [])
        })
    }

    /// How many architectures each device of a table has a measurement for (cached).
    public func measuredCounts(ofTable name: String) -> [String: Int] {
        if let c = counts.withLock({ $0[name] }) { return c }
        guard let csv = try? CSVTable(path: "\(directory)/\(name)/latency.csv") else { return [:] }
        let devices = Set(devices(ofTable: name))
        var out: [String: Int] = [:]
        for (c, device) in csv.header.enumerated() where devices.contains(device) {
            out[device] = csv.rows.reduce(0) { n, row in
                guard c < row.count, let v = Double(row[c]), v >= 0, v.isFinite else { return n }
                return n + 1
            }
        }
        counts.withLock { $0[name] = out }
        return out
    }

    /// The measured (architecture, latency) pairs of a device in a space; missing rows dropped.
    public func measurements(space: String, device: String) throws(NASError) -> (archs: [Architecture], latency: [Double]) {
        let table = try latencyTable(try tableName(space: space, device: device))
        let col = try table.column(device)
        var archs: [Architecture] = []
        var lat: [Double] = []
        for i in 0..<col.count where !col[i].isNaN {
            archs.append(table.archs[i])
            lat.append(col[i])
        }
        return (archs, lat)
    }

    /// Specs of every device in `hardware/devices.csv`.
    public func deviceSpecs() throws(NASError) -> [DeviceSpec] {
        if let known = devices.withLock({ $0 }) { return known }
        let specs = try readDeviceSpecs()
        devices.withLock { $0 = specs }
        return specs
    }

    /// `deviceSpecs()` from the file.
    private func readDeviceSpecs() throws(NASError) -> [DeviceSpec] {
        let csv = try CSVTable(path: "\(directory)/\(Self.deviceSpecsFile)")
        let h = csv.header
        func col(_ n: String) throws(NASError) -> Int { try csv.columnIndex(n) }
        let name = try col("device"), spaces = try col("space_columns"), kind = try col("kind")
        let batch = try col("batch"), gpu = try col("name"), arch = try col("architecture")
        let source = h.firstIndex(of: "source")
        var out: [DeviceSpec] = []
        for row in csv.rows {
            var values: [String: Double] = [:]
            for c in DeviceSpec.specColumns {
                if let i = h.firstIndex(of: c), let v = Double(row[i]) { values[c] = v }
            }
            out.append(DeviceSpec(
                name: row[name], kind: row[kind], batch: Int(row[batch]),
                spaces: row[spaces].split(separator: ";").map(String.init),
                gpuName: row[gpu].isEmpty ? nil : row[gpu],
                architecture: row[arch].isEmpty ? nil : row[arch], values: values,
                source: source.flatMap { row[$0].isEmpty ? nil : row[$0] }))
        }
        return out
    }

    /// A GPU from `hardware/gpu_specs.csv` by name, compared case-insensitively and without a
    /// vendor prefix (`NVIDIA GeForce RTX 3090` finds `GeForce RTX 3090`): an exact match wins,
    /// then a unique match at the end of a name (`RTX 3090`; a query without a digit only when it
    /// lies in no other name: `RTX` is ambiguous), then a unique substring match.
    public func gpuSpec(named query: String) throws(NASError) -> DeviceSpec {
        if let known = gpuSpecs.withLock({ $0[query] }) { return known }
        let spec = try readGPUSpec(named: query)
        gpuSpecs.withLock { $0[query] = spec }
        return spec
    }

    /// `gpuSpec(named:)` from the file (errors are not cached: they name what to fix).
    private func readGPUSpec(named query: String) throws(NASError) -> DeviceSpec {
        let csv = try CSVTable(path: "\(directory)/hardware/gpu_specs.csv")
        let nameCol = try csv.columnIndex("name")
        let q = Self.gpuKey(query)
        let keys = csv.rows.map { Self.gpuKey($0[nameCol]) }
        var matches: [Int] = []
        var matchedBy = 0
        let rules: [(String) -> Bool] = [{ $0 == q }, { $0.hasSuffix(" " + q) }, { $0.contains(q) }]
        for r in rules.indices where matches.isEmpty && !q.isEmpty {
            matches = keys.indices.filter { rules[r](keys[$0]) }
            matchedBy = r
        }
        // A family word without a model number ("RTX", "Titan") that ends one name but lies in
        // many is ambiguous, not that one name ("RTX" answered as the TITAN RTX, "Titan" as the
        // GeForce GTX TITAN); "3090" or "V100" still finds the one name ending in it.
        if matchedBy == 1, !q.contains(where: \.isNumber) {
            let anywhere = keys.indices.filter { keys[$0].contains(q) && !matches.contains($0) }
            if !anywhere.isEmpty { matches += anywhere }  // the name ending in it listed first
        }
        guard let first = matches.first else {
            let hint = NameSuggestion.didYouMean(query, among: csv.rows.map { $0[nameCol] })
            throw NASError(.unknownDevice, "no GPU named '\(query)' in hardware/gpu_specs.csv\(hint)", field: "spec")
        }
        if matches.count > 1 {
            let names = matches.prefix(8).map { csv.rows[$0][nameCol] }.joined(separator: "; ")
            let more = matches.count > 8 ? " and \(matches.count - 8) more" : ""
            throw NASError(.unknownDevice, "GPU name '\(query)' is ambiguous: \(names)\(more); give the full name as in hardware/gpu_specs.csv", field: "spec")
        }
        let row = csv.rows[first]
        let mapping: [(String, String)] = [
            ("sm_count", "streaming_multiprocessors"), ("cuda_cores", "shading_units"),
            ("base_clock_mhz", "base_clock_mhz"), ("boost_clock_mhz", "boost_clock_mhz"),
            ("memory_gb", "memory_size_gb"), ("memory_bus_bits", "memory_bus_bits"),
            ("memory_bandwidth_gb_s", "memory_bandwidth_gb_s"), ("l2_cache_mb", "l2_cache_mb"),
            ("tdp_w", "thermal_design_power_w"), ("fp32_gflops", "single_float_performance_gflop_s"),
        ]
        var values: [String: Double] = [:]
        for (ours, theirs) in mapping {
            if let i = csv.header.firstIndex(of: theirs), let v = Double(row[i]), v > 0 { values[ours] = v }
        }
        let archCol = csv.header.firstIndex(of: "architecture")
        return DeviceSpec(name: row[nameCol], kind: "gpu", batch: nil, spaces: [], gpuName: row[nameCol],
                          architecture: archCol.map { row[$0] }, values: values)
    }

    /// Vendors a GPU name may start with, which gpu_specs.csv leaves out.
    static let gpuVendors = ["nvidia", "amd", "ati", "intel"]

    /// A GPU name lower-cased, its words single-spaced, without a leading vendor.
    static func gpuKey(_ name: String) -> String {
        var words = name.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if let first = words.first, gpuVendors.contains(first), words.count > 1 { words.removeFirst() }
        return words.joined(separator: " ")
    }

    /// NAS-Bench-201 test accuracies (%) per official index: [cifar10, cifar100, imagenet16-120].
    public func nb201Accuracy() throws(NASError) -> [[Double]] {
        if let rows = nb201AccuracyRows.withLock({ $0 }) { return rows }
        let rows = try parseNB201Accuracy()
        nb201AccuracyRows.withLock { $0 = rows }
        return rows
    }

    private func parseNB201Accuracy() throws(NASError) -> [[Double]] {
        let csv = try CSVTable(path: "\(directory)/nb201/accuracy.csv")
        let ids = try csv.strings("arch_id").map { Int($0) ?? -1 }
        let c10 = try csv.doubles("cifar10_test_acc_pct")
        let c100 = try csv.doubles("cifar100_test_acc_pct")
        let inet = try csv.doubles("imagenet16_120_test_acc_pct")
        var out = [[Double]](repeating: [.nan, .nan, .nan], count: 15_625)
        for (r, id) in ids.enumerated() where id >= 0 && id < out.count {
            out[id] = [c10[r], c100[r], inet[r]]
        }
        return out
    }

    /// The file of `ofaAccuracy()`, relative to the fixtures directory.
    public static let ofaAccuracyFile = "ofa_mbv3/accuracy_imagenet_top1.csv"

    /// OFA MobileNetV3 ImageNet top-1 measurements (2,223 subnets at r=224) with MACs and params.
    public func ofaAccuracy() throws(NASError) -> (archs: [Architecture], top1: [Double], macs: [Double], params: [Double]) {
        let csv = try CSVTable(path: "\(directory)/\(Self.ofaAccuracyFile)")
        let space = try SpaceRegistry.space(OFAMobileNetV3Space().id)
        var archs: [Architecture] = []
        for (r, s) in try csv.strings("arch_str").enumerated() {
            do { archs.append(try space.parse(s)) } catch {
                throw NASError(.internal, "fixture \(Self.ofaAccuracyFile) row \(r + 1): \(error.message)")
            }
        }
        return (archs, try csv.doubles("top1_acc_pct_mean"), try csv.doubles("macs"), try csv.doubles("params"))
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\r" || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\r" || l == "\t" { s.removeLast() }
        return String(s)
    }
}
