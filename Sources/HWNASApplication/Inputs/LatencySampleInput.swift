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

    /// The largest latency a sample may carry (ms). Above it no measurement is plausible, and a
    /// value such as 1e300 overflowed the metrics: `evaluate` answered `rmse: null`.
    public static let maximumMs = 1e7

    /// Resolves a list in `space`, naming `field[i]` on error; rejects non-finite or non-positive
    /// latencies and latencies above `maximumMs`.
    public static func resolve(_ inputs: [LatencySampleInput], in space: any SearchSpace, field: String = "samples") throws(NASError) -> [LatencySample] {
        var out: [LatencySample] = []
        out.reserveCapacity(inputs.count)
        for (i, s) in inputs.enumerated() {
            let arch = try s.arch.resolve(in: space, field: "\(field)[\(i)].arch")
            guard s.latencyMs.isFinite, s.latencyMs > 0 else {
                throw NASError(.invalidParams, "latency_ms must be a finite number > 0, got \(s.latencyMs)", field: "\(field)[\(i)].latency_ms")
            }
            guard s.latencyMs <= Self.maximumMs else {
                throw NASError(.invalidParams, "latency_ms must be at most \(Int(Self.maximumMs)) ms (2.8 hours per inference), got "
                               + "\(s.latencyMs): latencies are in milliseconds", field: "\(field)[\(i)].latency_ms")
            }
            out.append(LatencySample(arch: arch, latencyMs: s.latencyMs))
        }
        return out
    }
}
