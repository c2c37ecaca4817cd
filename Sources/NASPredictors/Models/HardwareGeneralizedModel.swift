import NASCore
import NASNeural

/// A latency MLP whose input is the architecture encoding followed by the device's
/// standardized spec vector; trained on many GPUs at once, it predicts for a GPU given only
/// its spec (the seed paper's hardware generalization).
public struct HardwareGeneralizedModel: Sendable, Equatable {
    /// The network on [one-hot ⊕ spec features], target log-latency standardized.
    public var regressor: NeuralRegressor
    /// Standardization of the spec features.
    public var specVector: DeviceSpecVector
    /// Width of the architecture part of the input.
    public var archDimension: Int

    /// Wraps a trained model.
    public init(regressor: NeuralRegressor, specVector: DeviceSpecVector, archDimension: Int) {
        self.regressor = regressor
        self.specVector = specVector
        self.archDimension = archDimension
    }

    /// Input width.
    public var inputDimension: Int { archDimension + DeviceSpecVector.featureNames.count }

    /// Writes the device features into columns `archDimension...` of every row of `x`.
    public static func fillDeviceColumns(_ x: inout FloatMatrix, from column: Int, features: [Float]) {
        x.storage.withUnsafeMutableBufferPointer { buf in
            for r in 0..<x.rows {
                for (j, f) in features.enumerated() { buf[r * x.cols + column + j] = f }
            }
        }
    }
}
