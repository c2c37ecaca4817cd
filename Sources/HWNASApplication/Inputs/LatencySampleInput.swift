import NASCore
import NASPredictors

/// One measured latency on the wire: `{"arch": ..., "latency_ms": 3.2}`.
public struct LatencySampleInput: Codable, Sendable, Equatable {
    /// The architecture (string, index or object form).
    public var arch: ArchitectureInput
    /// Measured latency in milliseconds (finite, > 0).
    public var latencyMs: Double

    enum CodingKeys: String, CodingKey {
        case arch
        case latencyMs = "latency_ms"
    }

    /// Resolves a list in `space`, naming `field[i]` on error; rejects non-finite or non-positive latencies.
    public static func resolve(_ inputs: [LatencySampleInput], in space: any SearchSpace, field: String = "samples") throws(NASError) -> [LatencySample] {
        var out: [LatencySample] = []
        out.reserveCapacity(inputs.count)
        for (i, s) in inputs.enumerated() {
            let arch = try s.arch.resolve(in: space, field: "\(field)[\(i)].arch")
            guard s.latencyMs.isFinite, s.latencyMs > 0 else {
                throw NASError(.invalidParams, "latency_ms must be a finite number > 0, got \(s.latencyMs)", field: "\(field)[\(i)].latency_ms")
            }
            out.append(LatencySample(arch: arch, latencyMs: s.latencyMs))
        }
        return out
    }
}
