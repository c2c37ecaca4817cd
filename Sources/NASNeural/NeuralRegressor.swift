import NASCore

/// How a regressor's target is normalized before the network sees it.
public enum TargetTransform: String, Sendable, Equatable, CaseIterable {
    /// z = (log(y) − mean) / std: for latencies (positive, spanning orders of magnitude).
    case logStandardized = "log-standardized"
    /// z = (y − mean) / std: for residuals, which may be negative.
    case standardized
}

/// An `MLP` together with the normalization of its target: predicts in the target's own unit.
public struct NeuralRegressor: Sendable, Equatable {
    /// The network (input: `ActiveOneHot` columns, possibly followed by device features).
    public var network: MLP
    /// The target normalization.
    public var transform: TargetTransform
    /// Mean of the transformed training target.
    public var mean: Double
    /// Standard deviation of the transformed training target (> 0).
    public var std: Double

    /// Wraps a trained network.
    public init(network: MLP, transform: TargetTransform, mean: Double, std: Double) {
        self.network = network
        self.transform = transform
        self.mean = mean
        self.std = std
    }

    /// A normalization fitted to `y` (std floored so constant targets do not divide by zero).
    public static func normalization(of y: [Double], transform: TargetTransform) -> (mean: Double, std: Double) {
        let t = y.map { transform == .logStandardized ? log(max($0, 1e-9)) : $0 }
        let n = Double(max(t.count, 1))
        let m = t.reduce(0, +) / n
        let v = t.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
        return (m, max(v.squareRoot(), 1e-6))
    }

    /// Normalized value of a target.
    @inlinable
    public func normalize(_ y: Double) -> Float {
        let t = transform == .logStandardized ? log(max(y, 1e-9)) : y
        return Float((t - mean) / std)
    }

    /// Target value of a network output.
    @inlinable
    public func denormalize(_ z: Float) -> Double {
        let t = Double(z) * std + mean
        return transform == .logStandardized ? exp(t) : t
    }

    /// Predictions in the target's unit, on the calling thread by default (callers parallelize
    /// over chunks); a caller with one small batch at a time may give it `threads`.
    public func predict(_ x: FloatMatrix, threads: Int = 1) -> [Double] {
        var z = [Float](repeating: 0, count: x.rows)
        x.storage.withUnsafeBufferPointer { px in
            z.withUnsafeMutableBufferPointer { pz in network.predict(px, rows: x.rows, into: pz, threads: threads) }
        }
        return z.map { denormalize($0) }
    }

    /// Trains a regressor: fits the normalization on `y` (or keeps `initial`'s when fine-tuning),
    /// then runs `MLPTrainer` with early stopping on `validation` (or the config's split);
    /// `threads` and `share` as `MLPTrainer.train`'s. `monitor` (with an explicit `validation`)
    /// sees each epoch's predictions on the validation rows in the target's unit, as
    /// `MLPTrainer.train`'s monitor sees the network's outputs, and may end training.
    public static func train(x: FloatMatrix, y: [Double], validation: (FloatMatrix, [Double])?,
                             transform: TargetTransform, config: MLPTrainingConfig,
                             initial: NeuralRegressor? = nil, control: JobControl,
                             threads: Int = Kernels.defaultThreads, share: ThreadShare? = nil,
                             monitor: ((_ epoch: Int, _ isBest: Bool, _ predictions: [Double]) -> Bool)? = nil)
        throws(NASError) -> (NeuralRegressor, TrainingHistory) {
        let norm = initial.map { ($0.mean, $0.std) } ?? normalization(of: y, transform: transform)
        var shell = NeuralRegressor(network: initial?.network ?? MLP(layerSizes: [x.cols] + config.hidden + [1], seed: config.seed),
                                    transform: initial?.transform ?? transform, mean: norm.0, std: norm.1)
        let z = y.map { shell.normalize($0) }
        let val = validation.map { ($0.0, $0.1.map { shell.normalize($0) }) }
        let normalized = shell
        let outputMonitor: ValidationMonitor? = monitor.map { watch in
            { epoch, isBest, outputs in watch(epoch, isBest, outputs.map { normalized.denormalize($0) }) }
        }
        let (net, history) = try MLPTrainer.train(x: x, y: z, validation: val, config: config,
                                                  initial: initial?.network, control: control, threads: threads, share: share,
                                                  monitor: outputMonitor)
        shell.network = net
        return (shell, history)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
