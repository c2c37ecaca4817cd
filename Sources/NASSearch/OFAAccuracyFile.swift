import NASCore
import NASData
import NASNeural

/// The OFA accuracy predictor saved in the state directory, so it is trained once rather than at
/// every daemon start. Its file is a NASCore `BinaryEnvelope` (magic "HWNASACC", versioned,
/// checksummed) around the space, encoding, training recipe, a fingerprint of the measurements
/// it was fitted on, the held-out metrics and the network (NASNeural's MLP block); a file that is
/// corrupt, from another recipe or from other data is retrained and replaced (atomically).
extension OFAAccuracyPredictor {
    /// Version of the training recipe; a saved predictor of another recipe is retrained (2:
    /// batches of 16 for at most 75 epochs instead of 64 for 300, `defaultConfig`).
    public static let recipe = "2"
    /// The file's envelope (magic "HWNASACC", format version 1).
    public static var fileEnvelope: BinaryEnvelope { BinaryEnvelope(magic: Array("HWNASACC".utf8), version: 1) }

    /// A fingerprint of the measurements: FNV-1a over every architecture's genes and top-1 value.
    public static func dataFingerprint(archs: [Architecture], top1: [Double]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(archs.count * 40)
        for (a, y) in zip(archs, top1) {
            bytes.append(contentsOf: a.genes)
            withUnsafeBytes(of: y.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return String(FNV1a.hash(bytes[...]), radix: 16) + "-\(archs.count)"
    }

    /// The file bytes, tagged with the data fingerprint.
    public func encoded(dataFingerprint: String) -> [UInt8] {
        var w = BinaryWriter()
        w.string(space.id)
        w.string(encoding)
        w.string(Self.recipe)
        w.string(dataFingerprint)
        w.int(trainingCount)
        w.doubles([heldOut.rmse, heldOut.mape, heldOut.spearman, heldOut.kendall, heldOut.within5, heldOut.within10])
        w.int(heldOut.count)
        w.string(regressor.transform.rawValue)
        w.double(regressor.mean)
        w.double(regressor.std)
        regressor.network.encode(into: &w)
        return Self.fileEnvelope.wrap(w.bytes)
    }

    /// Reads a file made by `encoded`; throws `corruptFile` when it is damaged, of another
    /// recipe, or fitted on other data than `dataFingerprint`.
    public static func decode(_ bytes: [UInt8], path: String, space: any SearchSpace, dataFingerprint: String,
                              measuredDecisions: [Int: UInt8]) throws(NASError) -> OFAAccuracyPredictor {
        let payload: Range<Int>
        switch fileEnvelope.payloadRange(of: bytes) {
        case .success(let r): payload = r
        case .failure(.version(let v)):
            throw NASError(.corruptFile, "\(path) has accuracy-predictor format version \(v); this build reads version \(fileEnvelope.version)")
        case .failure(let f):
            throw NASError(.corruptFile, "\(path) is not a valid OFA accuracy predictor file (\(f))")
        }
        var r = BinaryReader(bytes, from: payload.lowerBound, to: payload.upperBound, name: "accuracy predictor \(path)")
        let spaceID = try r.string(), encoding = try r.string()
        let fileRecipe = try r.string(), data = try r.string()
        let trainingCount = try r.int()
        let m = try r.doubles()
        guard m.count == 6 else { throw r.corrupt("bad metrics record") }
        var heldOut = RegressionMetrics(predicted: [], actual: [])
        (heldOut.rmse, heldOut.mape, heldOut.spearman, heldOut.kendall, heldOut.within5, heldOut.within10) = (m[0], m[1], m[2], m[3], m[4], m[5])
        heldOut.count = try r.int()
        guard let transform = TargetTransform(rawValue: try r.string()) else { throw r.corrupt("unknown target transform") }
        let mean = try r.double(), std = try r.double()
        let network = try MLP.decode(from: &r)
        guard r.position == payload.upperBound else { throw r.corrupt("\(payload.upperBound - r.position) trailing bytes") }
        guard spaceID == space.id else {
            throw NASError(.corruptFile, "\(path) is an accuracy predictor for \(spaceID), not \(space.id)")
        }
        guard fileRecipe == recipe else {
            throw NASError(.corruptFile, "\(path) is from training recipe \(fileRecipe), this build uses \(recipe)")
        }
        guard data == dataFingerprint else {
            throw NASError(.corruptFile, "\(path) was fitted on other measurements than the fixtures' accuracy file")
        }
        guard (try? space.encodingDimension(encoding)) == network.layerSizes.first else {
            throw NASError(.corruptFile, "\(path): the network's input does not match encoding \(encoding)")
        }
        let regressor = NeuralRegressor(network: network, transform: transform, mean: mean, std: std)
        return OFAAccuracyPredictor(regressor: regressor, space: space, encoding: encoding, heldOut: heldOut,
                                    trainingCount: trainingCount, measuredDecisions: measuredDecisions)
    }

    /// The file name in the state directory's `accuracy/` folder.
    public static let fileName = "ofa-top1.hwna"

    /// The predictor saved in `directory` (`fileName`) when it is current; else the one shipped
    /// in `shippedDirectory` (`fixtures/pretrained/`) when it was fitted on these very
    /// measurements by this recipe (copied into `directory`); else trained now and saved there
    /// (atomically; a failed save is reported through `warn`, not fatal). `source` says which;
    /// `info` hears why a shipped file was not used. `config` overrides the network trained when
    /// nothing saved or shipped fits (tests train a small one).
    public static func loadOrTrain(catalog: DataCatalog, space: any SearchSpace, directory: String?,
                                   shippedDirectory: String? = nil, config: MLPTrainingConfig? = nil,
                                   control: JobControl = .none, warn: (String) -> Void = { _ in },
                                   info: (String) -> Void = { _ in }) throws(NASError) -> (predictor: OFAAccuracyPredictor, source: ModelSource) {
        let data = try catalog.ofaAccuracy()
        let fingerprint = dataFingerprint(archs: data.archs, top1: data.top1)
        let measured = AccuracySource.constantDecisions(of: data.archs)
        let path = directory.map { $0 + "/" + fileName }
        if let path, let bytes = try? AtomicFile.read(path) {
            do throws(NASError) {
                return (try decode(bytes, path: path, space: space, dataFingerprint: fingerprint, measuredDecisions: measured), .saved)
            } catch {
                warn("\(error.message); retraining")
            }
        }
        func save(_ p: OFAAccuracyPredictor) {
            guard let directory, let path else { return }
            do throws(NASError) {
                try AtomicFile.createDirectory(directory)
                try AtomicFile.write(p.encoded(dataFingerprint: fingerprint), to: path)
            } catch {
                warn("could not save the OFA accuracy predictor: \(error.message)")
            }
        }
        if let shippedDirectory {
            let shipped = shippedDirectory + "/" + fileName
            do throws(NASError) {
                let p = try decode(try AtomicFile.read(shipped), path: shipped, space: space, dataFingerprint: fingerprint,
                                   measuredDecisions: measured)
                info("loaded the shipped OFA accuracy predictor \(shipped), fitted on these measurements (\(fingerprint))")
                save(p)
                return (p, .shipped)
            } catch {
                info("training the OFA accuracy predictor: no usable shipped model (\(error.message))")
            }
        }
        let p = try train(catalog: catalog, space: space, config: config, control: control)
        save(p)
        return (p, .trained)
    }
}
