import NASCore
import NASData

/// The default spec-only GPU model of `predict {spec}` (issue 19): the latencies of the measured
/// GPU of the space nearest to the spec (standardized log-spec distance, batch excluded) at the
/// same batch size — its measurement where the architecture was measured, else its default
/// predictor's estimate.
///
/// On the leave-one-GPU-out benchmark (`Benchmarks/results/predictors.md` §3) this neighbour is
/// at least as good as the hardware-generalized MLP on most GPUs, and rescaling it from relative
/// specs (FP32 GFLOP/s ratio, elasticity fitted leave-one-GPU-out on the training GPUs) loses
/// more often than it wins (`Benchmarks/spec_scale_loo.py`), so no rescaling is applied.
public enum NearestGPUModel {
    /// The measured GPU among `devices` nearest to `spec` at `spec["batch"]` (default 1), or nil
    /// when none of them was measured at that batch size. The standardization is fitted on
    /// `devices` themselves.
    public static func nearest(to spec: [String: Double], among devices: [DeviceSpec]) throws(NASError) -> DeviceSpec? {
        let batch = Int((spec["batch"] ?? 1).rounded())
        let candidates = devices.filter { $0.batch == batch }
        guard !candidates.isEmpty else { return nil }
        let vector = try DeviceSpecVector.fit(devices.map { DeviceSpecVector.values(of: $0) })
        var best: (device: DeviceSpec, distance: Double)?
        for d in candidates {
            let dist = try vector.distance(DeviceSpecVector.values(of: d), spec)
            if best == nil || dist < best!.distance { best = (d, dist) }
        }
        return best?.device
    }

    /// Whether `spec` is `device`'s own (every spec column and the batch equal): the nearest GPU
    /// then answers for itself, and its own error profile applies.
    public static func isSpec(_ spec: [String: Double], of device: DeviceSpec) -> Bool {
        DeviceSpecVector.sameSpec(spec, DeviceSpecVector.values(of: device))
    }

    /// `predicted` with every architecture that `device` measured replaced by its measurement.
    public static func overlayMeasurements(_ predicted: [Double], archs: [Architecture],
                                           measured: (archs: [Architecture], latency: [Double])) -> [Double] {
        var out = predicted
        overlay(&out, archs: archs, lookup: measurementLookup(measured))
        return out
    }

    /// A device's finite measurements by architecture, for `overlay`.
    public static func measurementLookup(_ measured: (archs: [Architecture], latency: [Double])) -> [Architecture: Double] {
        var lookup: [Architecture: Double] = [:]
        for (i, a) in measured.archs.enumerated() where measured.latency[i].isFinite { lookup[a] = measured.latency[i] }
        return lookup
    }

    /// Replaces `predicted[i]` by the measurement of `archs[i]` where `lookup` has one (a big
    /// request overlays each chunk as it is predicted).
    public static func overlay(_ predicted: inout [Double], archs: [Architecture], lookup: [Architecture: Double]) {
        guard !lookup.isEmpty else { return }
        for i in archs.indices { if let m = lookup[archs[i]] { predicted[i] = m } }
    }
}
