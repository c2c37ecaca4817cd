import Dispatch
import NASCore
import NASNeural

/// A fitted latency model of any kind; what a `TrainedPredictor` holds and a predictor file stores.
public indirect enum LatencyModel: Sendable, Equatable {
    /// Additive lookup table.
    case lut(LUTModel)
    /// Linear in MACs.
    case flops(FLOPsModel)
    /// MLP on the one-hot encoding, log-latency target.
    case mlp(NeuralRegressor)
    /// LUT plus an MLP trained on the LUT's residual (ms).
    case residual(LUTModel, NeuralRegressor)
    /// MLP on [one-hot ⊕ device spec]; needs a spec to predict.
    case hardware(HardwareGeneralizedModel)
    /// Another model followed by a log-affine calibration (fine-tuning, proxy devices).
    case calibrated(LatencyModel, AffineLogMap)
    /// Another model plus a LUT fitted on its residual (ms): few-shot per-op corrections.
    case corrected(LatencyModel, LUTModel)
    /// A proxy device's model followed by a linear head on its prediction and per-option
    /// features (`adaptProxy`'s affine and residual methods).
    case proxyHead(LatencyModel, AdaptedLinearHead)
    /// A blend of several devices' models: intercept + Σ wᵢ · modelᵢ (ms), as `adaptProxy`'s
    /// pool method fits it (weights ≥ 0 from least squares, signed from its ridge blend).
    /// `knee` > 0: below that weighted member sum the blend is proportional to it
    /// (`PoolBlend.knee`; the pool blends of a fit with a negative intercept).
    case blend([LatencyModel], weights: [Double], intercept: Double, knee: Double = 0)
    /// Lookup table with pairwise interaction costs (`adaptProxy`'s pool members).
    case pairwise(PairwiseModel)
    /// One model for architectures with a data path and another for those without
    /// (`SearchSpace.hasNoDataPath`), whose latencies follow their own regime on runtimes that
    /// prune dead graphs; the default trainer fits NB201 this way.
    case split(LatencyModel, noPath: LatencyModel)

    /// The mean of `models`' milliseconds: a `blend` with equal weights and no intercept (the
    /// `mean` family of `adapt`, `adaptProxy`'s ensemble).
    public static func mean(_ models: [LatencyModel]) -> LatencyModel {
        .blend(models, weights: Array(repeating: 1 / Double(models.count), count: models.count), intercept: 0)
    }

    /// Short name of the kind, as in reports: lut, flops, mlp, lut+mlp, mlp-hw, calibrated(<base>).
    public var kindName: String {
        switch self {
        case .lut: "lut"
        case .pairwise: "pairwise"
        case .split(let main, _): main.kindName
        case .flops: "flops"
        case .mlp: "mlp"
        case .residual: "lut+mlp"
        case .hardware: "mlp-hw"
        case .calibrated(let base, _): "calibrated(\(base.kindName))"
        case .corrected(let base, _): "corrected(\(base.kindName))"
        case .proxyHead(let base, _): "adapted(\(base.kindName))"
        case .blend(let members, _, _, _): "blend(\(members.map(\.kindName).joined(separator: ",")))"
        }
    }

    /// Whether predictions need a device spec.
    public var needsDeviceSpec: Bool {
        switch self {
        case .hardware: true
        case .calibrated(let base, _), .corrected(let base, _), .proxyHead(let base, _): base.needsDeviceSpec
        case .blend(let members, _, _, _): members.contains { $0.needsDeviceSpec }
        case .split(let main, let noPath): main.needsDeviceSpec || noPath.needsDeviceSpec
        default: false
        }
    }

    /// Rows per chunk of batch prediction (bounds memory; chunks run on all cores).
    static let chunkRows = 4096

    /// Predicted latencies (ms, ≥ 1e-6) of `archs`, which must be valid in `space`.
    /// `device` is the spec (devices.csv names) for hardware-generalized models.
    public func predict(_ archs: [Architecture], space: any SearchSpace, encoding: ActiveOneHot,
                        device: [String: Double]? = nil) throws(NASError) -> [Double] {
        var deviceFeatures: [Float]? = nil
        if case .hardware(let hw) = root {
            guard let device else {
                throw NASError(.invalidParams, "a hardware-generalized predictor needs a device spec", field: "spec")
            }
            deviceFeatures = try hw.specVector.features(device)
        }
        let n = archs.count
        var out = [Double](repeating: 0, count: n)
        let chunks = (n + Self.chunkRows - 1) / Self.chunkRows
        let features = deviceFeatures
        out.withUnsafeMutableBufferPointer { dst in
            nonisolated(unsafe) let base = dst.baseAddress!
            // One chunk (a search's batch) splits its rows across the cores inside the MLP.
            let threads = chunks == 1 ? Kernels.defaultThreads : 1
            let work: @Sendable (Int) -> Void = { c in
                let lo = c * Self.chunkRows, hi = min(n, lo + Self.chunkRows)
                let part = self.predictChunk(Array(archs[lo..<hi]), space: space, encoding: encoding, device: features,
                                             threads: threads)
                for i in 0..<part.count { base[lo + i] = max(part[i], 1e-6) }
            }
            if chunks <= 1 {
                if chunks == 1 { work(0) }
            } else {
                DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
            }
        }
        return out
    }

    /// The innermost non-calibration model.
    var root: LatencyModel {
        switch self {
        case .calibrated(let base, _), .corrected(let base, _), .proxyHead(let base, _): return base.root
        default: return self
        }
    }

    private func predictChunk(_ archs: [Architecture], space: any SearchSpace, encoding: ActiveOneHot,
                              device: [Float]?, threads: Int) -> [Double] {
        switch self {
        case .lut(let lut):
            // A LUT read from a file of another space's shape must not index out of range.
            guard lut.costs.count == encoding.dimension else { return archs.map { _ in .nan } }
            return lut.predict(archs, space: space, encoding: encoding)
        case .pairwise(let m):
            return archs.map { m.predict($0, space: space, encoding: encoding) }
        case .split(let main, let noPath):
            let (some, none) = space.dataPathPartition(archs)
            guard !none.isEmpty else { return main.predictChunk(archs, space: space, encoding: encoding, device: device, threads: threads) }
            var out = [Double](repeating: 0, count: archs.count)
            let a = main.predictChunk(some.map { archs[$0] }, space: space, encoding: encoding, device: device, threads: threads)
            let b = noPath.predictChunk(none.map { archs[$0] }, space: space, encoding: encoding, device: device, threads: threads)
            for (k, i) in some.enumerated() { out[i] = a[k] }
            for (k, i) in none.enumerated() { out[i] = b[k] }
            return out
        case .flops(let f):
            return archs.map { f.predict(macs: space.cost(of: $0).macs) }
        case .mlp(let r):
            return r.predict(encoding.encode(archs, space: space), threads: threads)
        case .residual(let lut, let r):
            let x = encoding.encode(archs, space: space)
            // The same sums from the genes when the table fits the space (no scan of the one-hot rows).
            let base = lut.costs.count == encoding.dimension ? lut.predict(archs, space: space, encoding: encoding) : lut.predict(x)
            let res = r.predict(x, threads: threads)
            return (0..<base.count).map { base[$0] + res[$0] }
        case .hardware(let hw):
            var x = encoding.encode(archs, space: space, width: hw.inputDimension)
            HardwareGeneralizedModel.fillDeviceColumns(&x, from: hw.archDimension, features: device ?? [])
            return hw.regressor.predict(x, threads: threads)
        case .calibrated(let base, let map):
            return base.predictChunk(archs, space: space, encoding: encoding, device: device, threads: threads).map { map.apply(max($0, 1e-6)) }
        case .corrected(let base, let lut):
            let b = base.predictChunk(archs, space: space, encoding: encoding, device: device, threads: threads)
            let correction = lut.predict(archs, space: space, encoding: encoding)
            return (0..<archs.count).map { max(b[$0], 1e-6) + correction[$0] }
        case .proxyHead(let base, let head):
            let b = base.predictChunk(archs, space: space, encoding: encoding, device: device, threads: threads)
            let ctx = FeatureContext(space: space)
            return (0..<archs.count).map { i in
                let row = ctx.row(archs[i], proxy: max(b[i], 1e-6), head: head)
                // A head read from a foreign file may not fit this space's feature width.
                guard head.coefficients.count == row.count + 1 else { return .nan }
                return head.predict(row: row)
            }
        case .blend(let members, let weights, let intercept, let knee):
            var out = [Double](repeating: 0, count: archs.count)
            for (m, w) in zip(members, weights) {
                let v = m.predictChunk(archs, space: space, encoding: encoding, device: device, threads: threads)
                for i in 0..<out.count { out[i] += w * max(v[i], 1e-6) }
            }
            // A mean (no intercept, no knee) is its sum; a fitted blend may turn at its knee.
            guard intercept != 0 || knee > 0 else { return out }
            return out.map { PoolBlend.value(sum: $0, intercept: intercept, knee: knee) }
        }
    }
}
