import JSONRPC
import NASCore
import NASPredictors

/// `finetune`: adapt a base predictor to a new device from a few measurements.
public struct FinetuneRequest: RequestType {
    public static let method = "finetune"
    public typealias Response = PredictorInfo
    /// The base predictor id; or, with `space`, a fixture device whose default predictor is the base.
    public var base: String
    public var space: String?
    /// More predictor ids or fixture devices: the base becomes a non-negative blend of `base`
    /// and these, fitted to the samples, before the method runs.
    public var blendWith: [String]?
    /// Measurements on the target device.
    public var samples: [LatencySampleInput]
    public var epochs: Int?
    /// Leading weight layers kept frozen.
    public var freeze: Int?
    /// `auto` (default), `affine`, `finetune`.
    public var method: String?
    /// Label of the target device.
    public var device: String?
    public var id: String?
    public var seed: UInt64?
    /// Save to the state directory (default true).
    public var save: Bool?
}

extension FinetuneRequest {
    /// The predictor ids (or fixture device names) it reads: the base and `blendWith`.
    /// Its dependencies, and what its kept answer must not have written (`rememberedFit`).
    var predictorsRead: [String] { [base] + (blendWith ?? []) }
}
