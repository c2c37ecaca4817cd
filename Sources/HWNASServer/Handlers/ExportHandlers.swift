import JSONRPC
import NASCore
import NASExport
import NASSpaces

extension Server {
    /// Registers `export` (needs no fixtures).
    public func registerExportHandlers() {
        register(ExportRequest.self, kind: .long) { params, context in
            let space = try SpaceRegistry.space(params.space)
            let format = params.format ?? "onnx"
            guard format == "onnx" else {
                throw NASError(.invalidParams, "unknown format '\(format)'; allowed: onnx", field: "format")
            }
            guard (1...10_000).contains(params.archs.count) else {
                throw NASError(.invalidParams, "give 1...10000 architectures, got \(params.archs.count)", field: "archs")
            }
            let weightsName = params.weights ?? WeightFill.random.rawValue
            guard let weights = WeightFill(rawValue: weightsName) else {
                throw NASError(.invalidParams, "unknown weights '\(weightsName)'; allowed: \(WeightFill.allCases.map(\.rawValue).joined(separator: ", "))", field: "weights")
            }
            let archs = try ArchitectureInput.resolve(params.archs, in: space)
            let target = try ExportTarget.from(dir: params.dir, path: params.path, count: archs.count)
            let options = ExportOptions(batch: params.batch ?? 1, seed: params.seed ?? 0, weights: weights,
                                        pruneDead: params.pruneDead ?? false)
            let files = try ExportJob.run(archs, in: space, resolution: params.resolution, options: options,
                                          target: target, control: context.job)
            return ExportRequest.Response(
                files: files.map { .init(arch: space.format($0.arch), path: $0.path, bytes: $0.bytes, macs: $0.macs,
                                         params: $0.params, resolution: $0.resolution) },
                opset: ONNXSerializer.opsetVersion)
        }
    }
}
