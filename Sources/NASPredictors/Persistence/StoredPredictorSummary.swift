import NASCore

/// What listing a predictor shows, kept in the store's index (`StoreIndex`) so that a saved
/// predictor is listed without reading its file: id, space, device, model kind and the metrics
/// `initialize` and `hwnas/listPredictors` print.
public struct StoredPredictorSummary: Sendable, Equatable {
    /// Its id.
    public var id: String
    /// Its search space.
    public var spaceID: String
    /// The device it predicts for, if any.
    public var device: String?
    /// Model kind (`TrainedPredictor.kind`).
    public var kind: String
    /// `PredictorMetrics.variant`.
    public var variant: String
    /// `PredictorMetrics.trainCount`.
    public var trainCount: Int
    /// Held-out RMSE (ms) and Spearman, when it was evaluated on held-out data.
    public var heldOut: (rmse: Double, spearman: Double)?
    /// Cross-validated RMSE (ms) and Spearman and the samples they were judged on, for a fit on a
    /// few samples (`finetune`, `adaptProxy`, `adapt`), which has no held-out data.
    public var crossValidated: (rmse: Double, spearman: Double, count: Int)?

    /// The summary of `p`.
    public init(_ p: TrainedPredictor) {
        id = p.id
        spaceID = p.spaceID
        device = p.device
        kind = p.kind
        variant = p.metrics.variant
        trainCount = p.metrics.trainCount
        heldOut = p.metrics.heldOut.map { ($0.rmse, $0.spearman) }
        crossValidated = p.metrics.crossValidated.map { ($0.rmse, $0.spearman, $0.count) }
    }

    public static func == (a: StoredPredictorSummary, b: StoredPredictorSummary) -> Bool {
        a.id == b.id && a.spaceID == b.spaceID && a.device == b.device && a.kind == b.kind && a.variant == b.variant
            && a.trainCount == b.trainCount && a.heldOut?.rmse == b.heldOut?.rmse && a.heldOut?.spearman == b.heldOut?.spearman
            && a.crossValidated?.rmse == b.crossValidated?.rmse && a.crossValidated?.spearman == b.crossValidated?.spearman
            && a.crossValidated?.count == b.crossValidated?.count
    }

    /// The index layout (`PredictorFile.Stored.summaryVersion`: 2 added `crossValidated`).
    func write(into w: inout BinaryWriter) {
        w.string(id)
        w.string(spaceID)
        w.bool(device != nil)
        w.string(device ?? "")
        w.string(kind)
        w.string(variant)
        w.int(trainCount)
        w.bool(heldOut != nil)
        w.double(heldOut?.rmse ?? 0)
        w.double(heldOut?.spearman ?? 0)
        w.bool(crossValidated != nil)
        w.double(crossValidated?.rmse ?? 0)
        w.double(crossValidated?.spearman ?? 0)
        w.int(crossValidated?.count ?? 0)
    }

    init(reading r: inout BinaryReader) throws(NASError) {
        id = try r.string()
        spaceID = try r.string()
        let hasDevice = try r.bool()
        let d = try r.string()
        device = hasDevice ? d : nil
        kind = try r.string()
        variant = try r.string()
        trainCount = try r.int()
        let hasHeldOut = try r.bool()
        let rmse = try r.double(), spearman = try r.double()
        heldOut = hasHeldOut ? (rmse, spearman) : nil
        let hasCV = try r.bool()
        let cvRMSE = try r.double(), cvSpearman = try r.double(), cvCount = try r.int()
        crossValidated = hasCV ? (cvRMSE, cvSpearman, cvCount) : nil
    }
}
