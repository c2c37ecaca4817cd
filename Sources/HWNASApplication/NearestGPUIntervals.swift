import Foundation
import NASCore
import NASPredictors

extension DomainServices {
    /// Intervals at `level` for latencies answered by the nearest measured GPU (`neighbour`) for a
    /// spec that none of the space's GPUs has (`NearestGPUInterval`, calibrated on the fixtures'
    /// GPU chips, spanning the MLP's latencies `mlp` for the same archs), and the note that says
    /// how far to trust them.
    public func nearestGPUIntervals(_ latency: [Double], mlp: [Double], level: Double, space: String,
                                    neighbour: String) throws(NASError) -> (bounds: [(lower: Double, upper: Double)], note: String) {
        guard level.isFinite, level >= 0.5, level <= 0.99 else {
            throw NASError(.invalidParams, "interval must be a level in [0.5, 0.99], got \(level)", field: "interval")
        }
        guard let calibration = try nearestGPUCalibration(space: space) else {
            throw NASError(.invalidParams, "space \(space) has fewer than two measured GPU chips: no interval for a GPU spec it did not measure; give specModel: mlp", field: "interval")
        }
        let bounds = latency.indices.map { calibration.interval(prediction: latency[$0], alongside: mlp[$0], level: level) }
        let note = nearestGPUNote(calibration, space: space, neighbour: neighbour,
                                  what: "the interval (the span of that answer and the hardware-generalized MLP's, ×e^±\(String(format: "%.3f", calibration.halfWidth(level: level))))")
        return (bounds, note)
    }

    /// What an unseen GPU answered by its nearest measured GPU may trust: `what` (an interval, a
    /// margin) is calibrated on the space's few GPU chips, whose own biases it names.
    func nearestGPUNote(_ calibration: NearestGPUInterval, space: String, neighbour: String, what: String) -> String {
        let (lo, hi) = calibration.biasRange
        func pct(_ x: Double) -> String { String(format: "%+.0f %%", 100 * x) }
        return "unseen GPU answered by its nearest measured GPU (\(neighbour)): \(what) is calibrated on the \(calibration.chips.count) GPU chips of \(space)'s fixtures, each answered by its nearest other chip; "
            + "each GPU errs mostly by a bias of its own (\(pct(lo)) to \(pct(hi)) on those chips), so a GPU whose bias lies outside that range can fall mostly outside it (coverage per GPU, judged leave-one-chip-out: Benchmarks/results/intervals.md)"
    }

    /// Whether `spec` given to a hardware-generalized `predictor` is none of its training GPUs'.
    public func isUnseenSpec(_ spec: [String: Double], of predictor: TrainedPredictor) -> Bool {
        guard case .hardware = predictor.model else { return false }
        return HardwareGeneralizedTrainer(catalog: catalog).trainingDevice(matching: spec, of: predictor) == nil
    }
}
