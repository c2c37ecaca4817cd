// The predictors bench's per-device comparison (LUT, FLOPs, MLP, default on one split), shared
// with the device-loop bench, which runs it on this machine's own measurements.
import NASCore
import NASData
import NASPredictors
import NASSpaces

/// LUT, FLOPs model, MLP and the default predictor of one fixture device, trained on the same
/// seeded split (1,000 NB201 / 900 other samples, at most all but 100) and tested on the rest,
/// degenerate architectures left out.
struct PredictorComparison: Sendable {
    var trainCount: Int
    var lut: RegressionMetrics
    var flops: RegressionMetrics
    var mlp: RegressionMetrics
    var defaultModel: RegressionMetrics
    /// The variant `auto` chose for the default.
    var variant: String
    /// The default predictor as trained here (the predictors bench's few-shot section reuses it).
    var predictor: TrainedPredictor
    /// The default without `auto`'s race (`AutoRace.off`: every candidate trained to its end, as
    /// before the race), its variant, and the fit's details (MLP trace, epochs, validation RMSEs).
    var unraced: RegressionMetrics
    var unracedVariant: String
    var unracedFit: PredictorTrainer.Fit
    /// The raced fit (the shipped default's).
    var racedFit: PredictorTrainer.Fit

    /// Trains and tests the four models on `device`'s measurements in `spaceID`.
    static func run(catalog: DataCatalog, space spaceID: String, device: String) throws(NASError) -> PredictorComparison {
        let space = try SpaceRegistry.space(spaceID)
        let enc = ActiveOneHot(space: space)
        // Degenerate cells (NB201's 341 with no data path) left out, as the daemon's defaults,
        // `train` and `evaluate` leave them out; then the trainer's own split.
        let all = try catalog.measurements(space: spaceID, device: device)
        let live = space.nonDegenerateIndices(all.archs)
        let m = (archs: live.map { all.archs[$0] }, latency: live.map { all.latency[$0] })
        let order = PredictorTrainer.splitOrder(count: m.archs.count, seed: 0)
        let nTrain = min(PredictorTrainer.defaultTrainSize(space: spaceID), m.archs.count - 100)
        let trA = order[0..<nTrain].map { m.archs[$0] }, trY = order[0..<nTrain].map { m.latency[$0] }
        let teA = order[nTrain...].map { m.archs[$0] }, teY = order[nTrain...].map { m.latency[$0] }
        var config = MLPTrainingConfig()
        config.seed = 0
        let auto = try PredictorTrainer.fit(kind: .auto, archs: trA, latency: trY, space: space, config: config, control: .none)
        // The MLP column is the plain-MLP candidate trained to its end (the race may stop it early).
        let unraced = try PredictorTrainer.fit(kind: .auto, archs: trA, latency: trY, space: space, config: config,
                                               control: .none, race: .off)
        let lut = LatencyModel.lut(try LUTModel.fit(archs: trA, latency: trY, space: space, encoding: enc))
        let flops = LatencyModel.flops(try FLOPsModel.fit(archs: trA, latency: trY, space: space))
        let mlp = unraced.candidates["mlp"] ?? unraced.model
        func metrics(_ model: LatencyModel) throws(NASError) -> RegressionMetrics {
            RegressionMetrics(predicted: try model.predict(teA, space: space, encoding: enc), actual: teY)
        }
        let ml = try metrics(lut), md = try metrics(auto.model)
        let p = TrainedPredictor(
            id: PredictorStore.defaultID(space: spaceID, device: device), spaceID: spaceID, device: device, model: auto.model,
            metrics: PredictorMetrics(heldOut: md, lutBaseline: ml, trainCount: nTrain, testCount: teY.count, variant: auto.variant))
        return PredictorComparison(trainCount: nTrain, lut: ml, flops: try metrics(flops), mlp: try metrics(mlp),
                                   defaultModel: md, variant: auto.variant, predictor: p,
                                   unraced: try metrics(unraced.model), unracedVariant: unraced.variant, unracedFit: unraced,
                                   racedFit: auto)
    }
}
