import NASCore
import NASSpaces
import NASNeural

/// The on-disk format of a predictor (`<id>.hwnp`), versioned and checksummed:
///
///     magic "HWNASPRD" (8 bytes) | format version u32 | payload length u64 | payload | FNV-1a-64 of payload u64
///
/// all little-endian. The payload holds the predictor's fields and its model tree (see
/// protocol/predictors.md). Reading a foreign, truncated, corrupted or newer file throws
/// `NASError(.corruptFile)` naming the problem; it never traps.
public enum PredictorFile {
    /// The 8 magic bytes.
    public static let magic: [UInt8] = Array("HWNASPRD".utf8)
    /// Current format version (2: metrics carry `crossValidated`, `outliers` and `warnings`;
    /// version 1 files still read).
    public static let version: UInt32 = 2
    /// File name extension.
    public static let fileExtension = "hwnp"

    /// Serializes a predictor.
    public static func encode(_ p: TrainedPredictor) -> [UInt8] {
        var w = BinaryWriter()
        w.string(p.id)
        w.string(p.spaceID)
        w.bool(p.device != nil)
        w.string(p.device ?? "")
        writeDictionary(p.deviceSpec, into: &w)
        writeModel(p.model, into: &w)
        writeMetrics(p.metrics, into: &w)
        let notes = p.notes.sorted { $0.key < $1.key }
        w.u32(UInt32(notes.count))
        for (k, v) in notes { w.string(k); w.string(v) }
        return envelope.wrap(w.bytes)
    }

    /// The file's envelope (magic, version, length, checksum).
    public static var envelope: BinaryEnvelope { BinaryEnvelope(magic: magic, version: version) }

    /// Reads and parses a predictor file, header first, refusing files over `maxBytes`.
    public static func read(_ path: String, maxBytes: Int) throws(NASError) -> TrainedPredictor {
        try decode(envelope.read(path, kind: "predictor", maxBytes: maxBytes), path: path)
    }

    /// Parses a predictor; `path` only names the file in errors.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws(NASError) -> TrainedPredictor {
        let payload: Range<Int>
        var fileVersion = version
        var result = envelope.payloadRange(of: bytes)
        if case .failure(.version(1)) = result {  // version 1 files (before crossValidated/outliers/warnings) still read
            fileVersion = 1
            result = BinaryEnvelope(magic: magic, version: 1).payloadRange(of: bytes)
        }
        switch result {
        case .success(let r): payload = r
        case .failure(.tooShort(let n)): throw NASError(.corruptFile, "\(path) is not a predictor file (only \(n) bytes)")
        case .failure(.badMagic): throw NASError(.corruptFile, "\(path) is not a predictor file (bad magic)")
        case .failure(.version(let v)):
            throw NASError(.corruptFile, "\(path) has predictor format version \(v); this build reads versions 1 to \(version)")
        case .failure(.length(let length, let size)):
            throw NASError(.corruptFile, "\(path) is truncated or has trailing bytes (payload \(length), file \(size) bytes)")
        case .failure(.checksum): throw NASError(.corruptFile, "\(path) failed its checksum")
        }
        var p = BinaryReader(bytes, from: payload.lowerBound, to: payload.upperBound, name: "predictor file \(path)")
        let id = try p.string()
        let space = try p.string()
        let hasDevice = try p.bool()
        let device = try p.string()
        let spec = try readDictionary(&p)
        p.requireFinite = true
        let model = try readModel(&p, depth: 0)
        p.requireFinite = false
        guard let searchSpace = try? SpaceRegistry.space(space) else { throw p.corrupt("unknown search space '\(space)'") }
        try checkShapes(model, encoding: ActiveOneHot(space: searchSpace), reader: p)
        let metrics = try readMetrics(&p, version: fileVersion)
        var notes: [String: String] = [:]
        let nNotes = try p.u32()
        for _ in 0..<nNotes { let k = try p.string(); notes[k] = try p.string() }
        guard p.position == p.limit else { throw p.corrupt("\(p.limit - p.position) unread payload bytes") }
        guard TrainedPredictor.isValidID(id) else { throw p.corrupt("invalid predictor id") }
        return TrainedPredictor(id: id, spaceID: space, device: hasDevice ? device : nil, deviceSpec: spec,
                                model: model, metrics: metrics, notes: notes)
    }

    // MARK: model tree

    /// Lookup tables must have one cost per (decision, option) of the space, pairwise models the
    /// space's decisions, blends one weight per member: a file that passes its checksum but was
    /// written wrong is `.corruptFile` here, not a model predicting nonsense or trapping.
    private static func checkShapes(_ m: LatencyModel, encoding: ActiveOneHot, reader r: BinaryReader) throws(NASError) {
        switch m {
        case .lut(let l), .residual(let l, _):
            guard l.costs.count == encoding.dimension else {
                throw r.corrupt("lookup table has \(l.costs.count) costs; the space has \(encoding.dimension) (decision, option) pairs")
            }
            guard l.liveCosts.isEmpty || l.liveCosts.count == encoding.dimension else {
                throw r.corrupt("lookup table's live-path copy has \(l.liveCosts.count) costs; the space has \(encoding.dimension) (decision, option) pairs")
            }
        case .pairwise(let pm):
            guard pm.cardinalities == encoding.cardinalities else { throw r.corrupt("pairwise model does not match the space's decisions") }
        case .calibrated(let base, _), .proxyHead(let base, _), .corrected(let base, _):
            try checkShapes(base, encoding: encoding, reader: r)
        case .blend(let members, let weights, _, _):
            guard members.count == weights.count else { throw r.corrupt("blend has \(members.count) members and \(weights.count) weights") }
            for member in members { try checkShapes(member, encoding: encoding, reader: r) }
        case .split(let main, let noPath):
            try checkShapes(main, encoding: encoding, reader: r)
            try checkShapes(noPath, encoding: encoding, reader: r)
        case .flops, .mlp, .hardware:
            break
        }
    }

    private static func writeModel(_ m: LatencyModel, into w: inout BinaryWriter) {
        switch m {
        // 15 and 16: 1 and 4 with the table's live-path copy.
        case .lut(let l): w.u8(l.hasLivePathCopy ? 15 : 1); writeLUT(l, into: &w)
        case .flops(let f): w.u8(2); w.double(f.intercept); w.double(f.slopePerMMAC)
        case .mlp(let r): w.u8(3); writeRegressor(r, into: &w)
        case .residual(let l, let r): w.u8(l.hasLivePathCopy ? 16 : 4); writeLUT(l, into: &w); writeRegressor(r, into: &w)
        case .hardware(let h):
            w.u8(5)
            writeRegressor(h.regressor, into: &w)
            w.doubles(h.specVector.mean)
            w.doubles(h.specVector.std)
            w.int(h.archDimension)
        case .calibrated(let base, let map):
            w.u8(6); w.double(map.offset); w.double(map.scale)
            writeModel(base, into: &w)
        case .corrected(let base, let lut):
            // `finetune`'s correction table is plain (FineTuner fits it without the live-path copy).
            precondition(!lut.hasLivePathCopy, "tag 7 holds a plain table")
            w.u8(7); writeLUT(lut, into: &w)
            writeModel(base, into: &w)
        case .proxyHead(let base, let head):
            w.u8(8)
            w.bool(head.logSpace)
            w.string(head.features.rawValue)
            w.double(head.lambda)
            w.doubles(head.coefficients)
            w.doubles([head.proxyMean, head.proxyStd, head.targetMean, head.targetStd])
            writeModel(base, into: &w)
        case .blend(let members, let weights, let intercept, let knee):
            // 14: a blend with its knee (9, before the knee, reads as knee 0).
            w.u8(knee > 0 ? 14 : 9)
            w.double(intercept)
            if knee > 0 { w.double(knee) }
            w.doubles(weights)
            for m in members { writeModel(m, into: &w) }
        case .pairwise(let m):
            // 13: the live-path copy with its floor (12, before the floor, reads as floor 0).
            w.u8(m.hasLivePathCopy ? (m.liveFloor > 0 ? 13 : 12) : 10)
            w.ints(m.cardinalities)
            w.double(m.bias)
            w.doubles(m.costs)
            w.ints(m.pairs)
            w.doubles(m.pairCosts)
            if m.hasLivePathCopy {
                w.doubles(m.liveCosts)
                w.doubles(m.livePairCosts)
                if m.liveFloor > 0 { w.double(m.liveFloor) }
            }
        case .split(let main, let noPath):
            w.u8(11)
            writeModel(main, into: &w)
            writeModel(noPath, into: &w)
        }
    }

    private static func readModel(_ r: inout BinaryReader, depth: Int) throws(NASError) -> LatencyModel {
        guard depth < 8 else { throw r.corrupt("model tree too deep") }
        let tag = try r.u8()
        switch tag {
        case 1, 15: return .lut(try readLUT(&r, live: tag == 15))
        case 2: return .flops(FLOPsModel(intercept: try r.double(), slopePerMMAC: try r.double()))
        case 3: return .mlp(try readRegressor(&r))
        case 4, 16: return .residual(try readLUT(&r, live: tag == 16), try readRegressor(&r))
        case 5:
            let reg = try readRegressor(&r)
            let mean = try r.doubles(), std = try r.doubles()
            let dim = try r.int()
            guard mean.count == DeviceSpecVector.featureNames.count, std.count == mean.count,
                  dim >= 0, dim + mean.count == reg.network.inputDimension else {
                throw r.corrupt("hardware model dimensions do not match")
            }
            return .hardware(HardwareGeneralizedModel(regressor: reg, specVector: DeviceSpecVector(mean: mean, std: std),
                                                      archDimension: dim))
        case 6:
            let map = AffineLogMap(offset: try r.double(), scale: try r.double())
            return .calibrated(try readModel(&r, depth: depth + 1), map)
        case 7:
            let lut = try readLUT(&r)
            return .corrected(try readModel(&r, depth: depth + 1), lut)
        case 8:
            let logSpace = try r.bool()
            let featureName = try r.string()
            guard let features = AdaptedLinearHead.FeatureSet(rawValue: featureName) else {
                throw r.corrupt("unknown adapted-head feature set '\(featureName)'")
            }
            let lambda = try r.double()
            let coefficients = try r.doubles()
            let stats = try r.doubles()
            guard stats.count == 4 else { throw r.corrupt("adapted head statistics") }
            let head = AdaptedLinearHead(logSpace: logSpace, features: features, lambda: lambda, coefficients: coefficients,
                                         proxyMean: stats[0], proxyStd: stats[1], targetMean: stats[2], targetStd: stats[3])
            return .proxyHead(try readModel(&r, depth: depth + 1), head)
        case 9, 14:
            let intercept = try r.double()
            let knee = tag == 14 ? try r.double() : 0
            guard knee >= 0, knee.isFinite, tag == 9 || knee > 0 else { throw r.corrupt("blend knee") }
            let weights = try r.doubles()
            guard !weights.isEmpty, weights.count <= 64, intercept.isFinite,
                  weights.allSatisfy({ $0.isFinite }) else { throw r.corrupt("blend weights") }
            var members: [LatencyModel] = []
            for _ in weights { members.append(try readModel(&r, depth: depth + 1)) }
            return .blend(members, weights: weights, intercept: intercept, knee: knee)
        case 10, 12, 13:
            var m = PairwiseModel(cardinalities: try r.ints(), bias: try r.double(), costs: try r.doubles(),
                                  pairs: try r.ints(), pairCosts: try r.doubles())
            if tag >= 12 {
                m.liveCosts = try r.doubles()
                m.livePairCosts = try r.doubles()
                guard m.hasLivePathCopy else { throw r.corrupt("pairwise model's live-path copy is empty") }
            }
            if tag == 13 {
                m.liveFloor = try r.double()
                guard m.liveFloor > 0 else { throw r.corrupt("pairwise model's live floor is not positive") }
            }
            guard m.isConsistent else { throw r.corrupt("pairwise model shapes do not match") }
            return .pairwise(m)
        case 11:
            let main = try readModel(&r, depth: depth + 1)
            return .split(main, noPath: try readModel(&r, depth: depth + 1))
        default:
            throw r.corrupt("unknown model tag \(tag)")
        }
    }

    private static func writeLUT(_ l: LUTModel, into w: inout BinaryWriter) {
        w.double(l.bias)
        w.doubles(l.costs)
        if l.hasLivePathCopy { w.doubles(l.liveCosts) }
    }

    /// A table (`live`: with its live-path copy, tags 15 and 16).
    private static func readLUT(_ r: inout BinaryReader, live: Bool = false) throws(NASError) -> LUTModel {
        var l = LUTModel(bias: try r.double(), costs: try r.doubles())
        if live {
            l.liveCosts = try r.doubles()
            guard l.hasLivePathCopy else { throw r.corrupt("lookup table's live-path copy is empty") }
        }
        return l
    }

    private static func writeRegressor(_ reg: NeuralRegressor, into w: inout BinaryWriter) {
        w.string(reg.transform.rawValue)
        w.double(reg.mean)
        w.double(reg.std)
        w.ints(reg.network.layerSizes)
        for l in 0..<reg.network.layerCount {
            w.floats(reg.network.weights[l])
            w.floats(reg.network.biases[l])
        }
    }

    private static func readRegressor(_ r: inout BinaryReader) throws(NASError) -> NeuralRegressor {
        guard let transform = TargetTransform(rawValue: try r.string()) else { throw r.corrupt("unknown target transform") }
        let mean = try r.double(), std = try r.double()
        let sizes = try r.ints()
        guard sizes.count >= 2, sizes.count <= 16, sizes.allSatisfy({ $0 > 0 && $0 <= 1 << 16 }) else {
            throw r.corrupt("bad layer sizes \(sizes)")
        }
        var weights: [[Float]] = [], biases: [[Float]] = []
        for _ in 0..<(sizes.count - 1) {
            weights.append(try r.floats())
            biases.append(try r.floats())
        }
        let net: MLP
        do { net = try MLP(layerSizes: sizes, weights: weights, biases: biases) } catch {
            throw r.corrupt("network: \(error.message)")
        }
        return NeuralRegressor(network: net, transform: transform, mean: mean, std: std)
    }

    // MARK: metrics and dictionaries

    private static func writeMetrics(_ m: PredictorMetrics, into w: inout BinaryWriter) {
        for reg in [m.heldOut, m.lutBaseline, m.crossValidated] {
            w.bool(reg != nil)
            if let reg {
                w.doubles([reg.rmse, reg.mape, reg.spearman, reg.kendall, reg.within5, reg.within10])
                w.int(reg.count)
            }
        }
        w.int(m.trainCount)
        w.int(m.testCount)
        w.string(m.variant)
        writeDictionary(m.validationRMSE, into: &w)
        w.u32(UInt32(m.outliers.count))
        for o in m.outliers {
            w.int(o.index)
            w.ints(o.arch.genes.map(Int.init))
            w.doubles([o.measured, o.predicted])
        }
        w.u32(UInt32(m.warnings.count))
        for s in m.warnings { w.string(s) }
    }

    private static func readMetrics(_ r: inout BinaryReader, version: UInt32) throws(NASError) -> PredictorMetrics {
        var regs: [RegressionMetrics?] = []
        for _ in 0..<(version >= 2 ? 3 : 2) {
            if try r.bool() {
                let v = try r.doubles()
                guard v.count == 6 else { throw r.corrupt("bad metrics record") }
                var m = RegressionMetrics(predicted: [], actual: [])
                (m.rmse, m.mape, m.spearman, m.kendall, m.within5, m.within10) = (v[0], v[1], v[2], v[3], v[4], v[5])
                m.count = try r.int()
                regs.append(m)
            } else {
                regs.append(nil)
            }
        }
        let train = try r.int(), test = try r.int()
        let variant = try r.string()
        let val = try readDictionary(&r) ?? [:]
        var outliers: [SampleOutlier] = [], warnings: [String] = []
        if version >= 2 {
            let nOutliers = try r.u32()
            guard nOutliers <= 1 << 20 else { throw r.corrupt("bad outlier count") }
            for _ in 0..<nOutliers {
                let index = try r.int()
                let genes = try r.ints()
                guard genes.allSatisfy({ (0...255).contains($0) }) else { throw r.corrupt("bad outlier architecture") }
                let v = try r.doubles()
                guard v.count == 2 else { throw r.corrupt("bad outlier record") }
                outliers.append(SampleOutlier(index: index, arch: Architecture(genes: genes.map { UInt8($0) }),
                                              measured: v[0], predicted: v[1]))
            }
            let nWarnings = try r.u32()
            guard nWarnings <= 1 << 16 else { throw r.corrupt("bad warning count") }
            for _ in 0..<nWarnings { warnings.append(try r.string()) }
        }
        return PredictorMetrics(heldOut: regs[0], lutBaseline: regs[1], trainCount: train, testCount: test,
                                variant: variant, validationRMSE: val, crossValidated: regs.count > 2 ? regs[2] : nil,
                                outliers: outliers, warnings: warnings)
    }

    private static func writeDictionary(_ d: [String: Double]?, into w: inout BinaryWriter) {
        w.bool(d != nil)
        guard let d else { return }
        let items = d.sorted { $0.key < $1.key }
        w.u32(UInt32(items.count))
        for (k, v) in items { w.string(k); w.double(v) }
    }

    private static func readDictionary(_ r: inout BinaryReader) throws(NASError) -> [String: Double]? {
        guard try r.bool() else { return nil }
        var d: [String: Double] = [:]
        let n = try r.u32()
        for _ in 0..<n { let k = try r.string(); d[k] = try r.double() }
        return d
    }
}
