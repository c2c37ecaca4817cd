import Foundation
import JSONRPC
import NASCore
import NASSpaces

extension Server {
    /// Registers `encode`, `hwnas/sample` and `hwnas/spaceInfo`.
    public func registerSpaceHandlers() {
        register(EncodeRequest.self) { params, context in
            let space = try SpaceRegistry.space(params.space)
            let encoding = params.encoding ?? space.defaultEncoding
            let dim = try space.encodingDimension(encoding)  // an unknown name is -32602 at params.encoding
            let archs = try ArchitectureInput.resolve(params.archs, in: space)
            try context.job.checkCancelled()
            let m = try space.encode(archs, encoding: encoding)
            let dims = try params.includeDimensions == true
                ? space.encodingInfo(encoding).map { DimensionInfo(index: $0.index, name: $0.name, kind: $0.kind, description: $0.description) }
                : nil
            switch params.output ?? "json" {
            case "json":
                var vectors: [[Float]] = []
                vectors.reserveCapacity(m.rows)
                for r in 0..<m.rows { vectors.append(m.row(r)) }
                return EncodeResult(encoding: encoding, dimension: dim, vectors: vectors, vectorsF32: nil, count: m.rows, dimensions: dims,
                                    degenerate: space.degenerateMarks(archs))
            case "f32-base64":
                let packed = m.storage.withUnsafeBytes { Data($0) }.base64EncodedString()
                return EncodeResult(encoding: encoding, dimension: dim, vectors: nil, vectorsF32: packed, count: m.rows, dimensions: dims,
                                    degenerate: space.degenerateMarks(archs))
            case let other:
                throw NASError(.invalidParams, "unknown output '\(other)'; allowed: json, f32-base64", field: "output")
            }
        }
        register(SampleRequest.self) { params, _ in
            let space = try SpaceRegistry.space(params.space)
            let count = params.count ?? 1
            guard (1...100_000).contains(count) else {
                throw NASError(.invalidParams, "must be in 1...100000, got \(count)", field: "count")
            }
            return SampleResult(archs: space.sample(count: count, seed: params.seed ?? 0).map(space.format))
        }
        register(SpaceInfoRequest.self) { params, _ in
            let space = try SpaceRegistry.space(params.space)
            return SpaceInfoResult(
                id: space.id, summary: space.summary, size: space.size, inputDescription: space.inputDescription,
                decisions: (0..<space.decisionCount).map { .init(name: space.decisionNames[$0], options: space.optionLabels(ofDecision: $0)) },
                encodings: space.encodings.map { .init(name: $0, dimension: (try? space.encodingDimension($0)) ?? 0) })
        }
    }
}
