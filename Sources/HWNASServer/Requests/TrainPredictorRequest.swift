import JSONRPC
import NASCore
import NASPredictors

/// `train`: fit a predictor on a fixture device's measurements or on inline samples.
public struct TrainPredictorRequest: RequestType {
    public static let method = "train"
    public typealias Response = PredictorInfo
    /// Search space id.
    public var space: String
    /// A fixture device (its measurements are the data), or a label for inline samples.
    public var device: String?
    /// Inline measurements (the target device need not be in the fixtures).
    public var samples: [LatencySampleInput]?
    /// `default` (LUT / MLP / LUT+MLP chosen by validation), `lut`, `flops`, `mlp`, `lut+mlp`, `mlp-hw`.
    public var model: String?
    /// Training samples; the rest are held out for the metrics.
    public var trainSize: Int?
    public var seed: UInt64?
    /// Id for the new predictor (letters, digits, `-_.`); default generated.
    public var id: String?
    /// Hidden layer widths of the MLP (default [256, 256, 256]).
    public var hidden: [Int]?
    /// Maximum epochs (early stopping on a validation split still applies).
    public var maxEpochs: Int?
    /// Save to the state directory (default true).
    public var save: Bool?
    /// Keep degenerate architectures (NB201 cells with no data path) in the fit and the
    /// metrics (default false: searches never answer them, and on pixel3 and raspi4 their
    /// near-0 ms made a LUT's held-out MAPE 628 %).
    public var includeDegenerate: Bool?
}
