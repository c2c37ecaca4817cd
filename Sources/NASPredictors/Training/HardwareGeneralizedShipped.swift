import NASCore
import NASData
import NASSpaces

/// What ties a hardware-generalized model to the fixtures it was fitted on: the digest of its
/// fixture files (kept in its notes), the shipped default of a space (`fixtures/pretrained/`,
/// used only when that digest is the served fixtures'), and its held-out metrics per GPU.
extension HardwareGeneralizedTrainer {
    /// Notes key of the digest of the fixture files the model was fitted on (`fixtureDigest(space:)`):
    /// `TrainedPredictor.fixtureDigestKey`.
    public static let fixtureDigestKey = TrainedPredictor.fixtureDigestKey

    /// The fixture files a space's hardware-generalized model is fitted on, relative to the
    /// fixtures directory: the latency tables of its GPU devices and `hardware/devices.csv`.
    public func fixtureFiles(space: String) throws(NASError) -> [String] {
        var tables = Set<String>()
        for d in try gpuDevices(space: space) { tables.insert(try catalog.tableName(space: space, device: d.name)) }
        return tables.sorted().map { "\($0)/latency.csv" } + [DataCatalog.deviceSpecsFile]
    }

    /// The digest of `fixtureFiles(space:)` (`DataCatalog.fileDigest`).
    public func fixtureDigest(space: String) throws(NASError) -> String {
        try catalog.fileDigest(try fixtureFiles(space: space))
    }

    /// The shipped file of the default hardware-generalized predictor `id` of a space.
    public func shippedPath(id: String) -> String {
        catalog.shippedModelsDirectory + "/" + id + "." + PredictorFile.fileExtension
    }

    /// The shipped default of `space` (`shippedPath(id:)`) when it is that space's model, of
    /// this build's mlp-hw recipe (`HardwareGeneralizedTrainer.recipe`) and fitted on these very fixtures (its
    /// `fixtureDigestKey` note is `fixtureDigest(space:)`); else nil and why not.
    public func shippedDefault(space: String, id: String,
                               maxFileBytes: Int = BinaryEnvelope.defaultMaxBytes) -> (predictor: TrainedPredictor?, reason: String) {
        let path = shippedPath(id: id)
        return ShippedPredictorFile.read(path, maxFileBytes: maxFileBytes, recipe: Self.recipe, holds: { p in
            if p.id == id, p.spaceID == space, case .hardware = p.model { return nil }
            return "\(path) holds \(p.id) (\(p.spaceID)), not the hardware-generalized default of \(space)"
        }, digest: { () throws(NASError) in try fixtureDigest(space: space) })
    }

    /// A model's held-out metrics on each training GPU of `space`: the first `limit` rows of the
    /// GPU that `fit` did not train on (for training seed `seed` and `perDevice` rows per GPU;
    /// default: the space's default training size), predicted at the GPU's spec, in the GPUs' order.
    public func heldOutMetrics(of p: TrainedPredictor, space: String, seed: UInt64 = 0, perDevice: Int? = nil,
                               limit: Int = 3000) throws(NASError) -> [(device: String, metrics: RegressionMetrics)] {
        let perDevice = perDevice ?? PredictorTrainer.defaultTrainSize(space: space)
        var out: [(device: String, metrics: RegressionMetrics)] = []
        for (k, d) in try gpuDevices(space: space).enumerated() {
            let m = try catalog.measurements(space: space, device: d.name)
            let test = Array(Self.rowOrder(count: m.archs.count, seed: seed, device: k).dropFirst(perDevice).prefix(limit))
            guard !test.isEmpty else { continue }
            let predicted = try p.predict(archs: test.map { m.archs[$0] }, spec: try spec(forDevice: d.name))
            out.append((d.name, RegressionMetrics(predicted: predicted, actual: test.map { m.latency[$0] })))
        }
        return out
    }
}
