import NASCore

/// One file an export wrote.
public struct ExportedFile: Sendable {
    /// The architecture (canonical, at the exported resolution).
    public var arch: Architecture
    /// Absolute path of the file.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int
    /// MACs of one sample (cost-model convention; `SearchSpace.cost`'s, checked, unless pruned).
    public var macs: Double
    /// Parameters, folded batch norms counted as 2 per channel (equal to `SearchSpace.cost`
    /// unless pruned).
    public var params: Double
    /// Input resolution.
    public var resolution: Int
}

/// Exports a list of architectures to files: the long work behind the `export` method.
public enum ExportJob {
    /// Builds and writes each architecture in order (each file atomically: a reader never sees a
    /// partial file), reporting progress after each and stopping at cancellation. Everything
    /// that can be checked (the target, the resolution) is checked before the first file.
    public static func run(_ archs: [Architecture], in space: any SearchSpace, resolution: Int?, options: ExportOptions,
                           target: ExportTarget, control: JobControl) throws(NASError) -> [ExportedFile] {
        guard (1...NetworkExporter.maxBatch).contains(options.batch) else {
            throw NASError(.invalidParams, "batch must be in 1...\(NetworkExporter.maxBatch), got \(options.batch)", field: "batch")
        }
        _ = try NetworkExporter.builder(for: space)
        var resolved = archs
        if let r = resolution {
            for i in resolved.indices { resolved[i] = try NetworkExporter.architecture(resolved[i], in: space, resolution: r) }
        }
        let directory = try target.prepare()
        var files: [ExportedFile] = []
        files.reserveCapacity(resolved.count)
        for (i, a) in resolved.enumerated() {
            try control.checkCancelled()
            let net = try NetworkExporter.export(a, in: space, options: options)
            if !options.pruneDead {
                // The exported network is the one the cost model (predictors, the MACs proxy) prices.
                let cost = space.cost(of: a)
                guard abs(net.macs - cost.macs) <= 1e-9 * cost.macs, abs(net.params - cost.params) < 0.5 else {
                    throw NASError(.internal, "\(space.id) exporter and cost model disagree on \(space.format(a)): MACs \(net.macs) vs \(cost.macs), params \(net.params) vs \(cost.params)")
                }
            }
            let path = target.path(in: directory, name: NetworkExporter.fileName(a, in: space, options: options))
            do throws(NASError) { try AtomicFile.write(net.bytes, to: path) } catch { throw error.field == nil ? error.inField(target.field) : error }
            files.append(ExportedFile(arch: a, path: path, bytes: net.bytes.count, macs: net.macs, params: net.params,
                                      resolution: net.resolution))
            control.report(ProgressReport(step: i + 1, total: resolved.count, message: "exported",
                                          values: ["path": .string(path), "bytes": .int(net.bytes.count)]))
        }
        return files
    }
}
