import NASCore
import NASData
import NASPredictors

/// The OFA accuracy predictor saved in the state directory, so it is trained once rather than at
/// every daemon start. It is stored with the predictor file codec (`PredictorFile`: versioned,
/// checksummed) as a record whose model is the MLP, with notes naming what it is, the recipe and
/// a fingerprint of the measurements it was fitted on; a file that is corrupt, from another
/// recipe or from other data is retrained and replaced (atomically).
extension OFAAccuracyPredictor {
    /// Version of the training recipe; a saved predictor of another recipe is retrained.
    public static let recipe = "1"
    /// The record id inside the file.
    static let recordID = "ofa-top1-accuracy"

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
        let record = TrainedPredictor(
            id: Self.recordID, spaceID: space.id, device: nil, model: .mlp(regressor),
            metrics: PredictorMetrics(heldOut: heldOut, lutBaseline: nil, trainCount: trainingCount,
                                      testCount: heldOut.count, variant: "mlp"),
            notes: ["kind": "accuracy", "encoding": encoding, "recipe": Self.recipe, "data": dataFingerprint])
        return PredictorFile.encode(record)
    }

    /// Reads a file made by `encoded`; throws `corruptFile` when it is damaged, of another
    /// recipe, or fitted on other data than `dataFingerprint`.
    public static func decode(_ bytes: [UInt8], path: String, space: any SearchSpace, dataFingerprint: String,
                              measuredDecisions: [Int: UInt8]) throws(NASError) -> OFAAccuracyPredictor {
        let record = try PredictorFile.decode(bytes, path: path)
        guard record.id == recordID, record.notes["kind"] == "accuracy", record.spaceID == space.id,
              case .mlp(let regressor) = record.model, let encoding = record.notes["encoding"],
              let heldOut = record.metrics.heldOut else {
            throw NASError(.corruptFile, "\(path) is not an OFA accuracy predictor")
        }
        guard record.notes["recipe"] == recipe else {
            throw NASError(.corruptFile, "\(path) is from training recipe \(record.notes["recipe"] ?? "?"), this build uses \(recipe)")
        }
        guard record.notes["data"] == dataFingerprint else {
            throw NASError(.corruptFile, "\(path) was fitted on other measurements than the fixtures' accuracy file")
        }
        guard (try? space.encodingDimension(encoding)) == regressor.network.layerSizes.first else {
            throw NASError(.corruptFile, "\(path): the network's input does not match encoding \(encoding)")
        }
        return OFAAccuracyPredictor(regressor: regressor, space: space, encoding: encoding, heldOut: heldOut,
                                    trainingCount: record.metrics.trainCount, measuredDecisions: measuredDecisions)
    }

    /// The file name in the state directory's `accuracy/` folder.
    public static let fileName = "ofa-top1.hwnp"

    /// The predictor saved in `directory` (`fileName`) when it is current, else trained now and
    /// saved there (atomically; a failed save is reported through `warn`, not fatal). `trained`
    /// says which. `config` overrides the network (tests train a small one).
    public static func loadOrTrain(catalog: DataCatalog, space: any SearchSpace, directory: String?,
                                   config: MLPTrainingConfig? = nil, control: JobControl = .none,
                                   warn: (String) -> Void = { _ in }) throws(NASError) -> (predictor: OFAAccuracyPredictor, trained: Bool) {
        let data = try catalog.ofaAccuracy()
        let fingerprint = dataFingerprint(archs: data.archs, top1: data.top1)
        let measured = AccuracySource.constantDecisions(of: data.archs)
        let path = directory.map { $0 + "/" + fileName }
        if let path, let bytes = try? AtomicFile.read(path) {
            do throws(NASError) {
                return (try decode(bytes, path: path, space: space, dataFingerprint: fingerprint, measuredDecisions: measured), false)
            } catch {
                warn("\(error.message); retraining")
            }
        }
        let p = try train(catalog: catalog, space: space, config: config, control: control)
        if let directory, let path {
            do throws(NASError) {
                try AtomicFile.createDirectory(directory)
                try AtomicFile.write(p.encoded(dataFingerprint: fingerprint), to: path)
            } catch {
                warn("could not save the OFA accuracy predictor: \(error.message)")
            }
        }
        return (p, true)
    }
}
