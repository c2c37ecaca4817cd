import NASCore
import NASData

/// The device half of a hardware-generalized predictor's input: the GPU's specs (devices.csv
/// column names) and the batch size, log-transformed and standardized over the training devices.
public struct DeviceSpecVector: Sendable, Equatable {
    /// Input names in order: `DeviceSpec.specColumns` then `batch`.
    public static let featureNames: [String] = DeviceSpec.specColumns + ["batch"]

    /// Mean of each log feature over the training devices.
    public var mean: [Double]
    /// Standard deviation of each log feature over the training devices (floored at 0.5).
    public var std: [Double]

    /// Wraps fitted statistics.
    public init(mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }

    /// Raw log features of a spec. `values` must hold every spec column (missing ones are
    /// named in an `.invalidParams` error); `batch` defaults to 1 when absent.
    public static func logFeatures(_ values: [String: Double]) throws(NASError) -> [Double] {
        let missing = DeviceSpec.specColumns.filter { values[$0] == nil }
        if !missing.isEmpty {
            throw NASError(.invalidParams, "device spec is missing \(missing.joined(separator: ", ")); required: \(DeviceSpec.specColumns.joined(separator: ", ")) (and optionally batch, default 1)", field: "spec")
        }
        var out: [Double] = []
        for name in featureNames {
            let v = values[name] ?? 1
            guard v.isFinite, v > 0 else {
                throw NASError(.invalidParams, "device spec field \(name) must be a positive number, got \(v)", field: "spec.\(name)")
            }
            out.append(log(v))
        }
        return out
    }

    /// Fits the standardization on the log features of the training devices.
    public static func fit(_ specs: [[String: Double]]) throws(NASError) -> DeviceSpecVector {
        let rows = try specs.map { (s) throws(NASError) -> [Double] in try logFeatures(s) }
        let k = featureNames.count
        var mean = [Double](repeating: 0, count: k), std = [Double](repeating: 0, count: k)
        let n = Double(max(rows.count, 1))
        for r in rows { for j in 0..<k { mean[j] += r[j] / n } }
        for r in rows { for j in 0..<k { std[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n } }
        // Floor of 0.5 log units: a column that barely varies among the few training GPUs (memory
        // size of three 11–12 GB cards) must not turn a 24 GB card into a 15-sigma input.
        return DeviceSpecVector(mean: mean, std: std.map { max($0.squareRoot(), 0.5) })
    }

    /// Standardized features of a spec, ready to append to an architecture encoding.
    public func features(_ values: [String: Double]) throws(NASError) -> [Float] {
        let raw = try Self.logFeatures(values)
        // Clipped to ±3: the network is not asked to extrapolate far outside the training GPUs.
        return (0..<raw.count).map { Float(min(max((raw[$0] - mean[$0]) / std[$0], -3), 3)) }
    }

    /// Distance between two specs in standardized log units, batch excluded (used to find the
    /// nearest measured GPU).
    public func distance(_ a: [String: Double], _ b: [String: Double]) throws(NASError) -> Double {
        let fa = try features(a), fb = try features(b)
        var s = 0.0
        for j in 0..<DeviceSpec.specColumns.count { s += Double((fa[j] - fb[j]) * (fa[j] - fb[j])) }
        return s.squareRoot()
    }

    /// Whether two spec-value maps name the same GPU setting: every spec column and the batch
    /// present in both and equal up to rounding (1e-9 relative).
    public static func sameSpec(_ a: [String: Double], _ b: [String: Double]) -> Bool {
        (DeviceSpec.specColumns + ["batch"]).allSatisfy { key in
            guard let x = a[key], let y = b[key] else { return false }
            return abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1)
        }
    }

    /// The spec values of a catalog device (specs plus its batch size).
    public static func values(of spec: DeviceSpec) -> [String: Double] {
        var v = spec.values
        if let b = spec.batch { v["batch"] = Double(b) }
        return v
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
