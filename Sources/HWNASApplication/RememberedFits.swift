import Foundation
import NASCore
import NASPredictors

extension DomainServices {
    /// The answer of a request that fits one predictor and registers it (`adapt`, `adaptProxy`,
    /// `finetune`, `train`), answered from memory when the same request comes again and nothing
    /// any predictor id resolves to changed since it was answered.
    ///
    /// Such a request is a function of itself and of the store it reads, but it changes the store:
    /// its answer is kept under the revision its own registration left (`key(revision)`), and only
    /// when that registration was the one change since the request began, its file (if saved) is
    /// still there, and the request read nothing under the id it wrote (`reads(id)`: a fit of a
    /// predictor on top of itself answers differently the next time). A repeat then finds the
    /// store exactly as the first call left it. A fit registering the very bytes its id already
    /// holds changes nothing (`PredictorStore.registerCounted`), so alternating requests are kept
    /// too from their second round on.
    ///
    /// `compute` registers through the function it is given (once); a failed or cancelled fit
    /// registers nothing and keeps nothing.
    public func rememberedFit<Key: Hashable & Sendable, Value: Sendable>(
        key: (UInt64) -> Key?, reads: (String) -> Bool,
        compute: (_ register: (TrainedPredictor, _ persist: Bool) throws(NASError) -> String?) throws(NASError) -> Value
    ) throws(NASError) -> Value {
        let start = predictors.revision
        if let k = key(start), let known: RememberedFit<Value> = rememberedAnswer(k),
           known.path.map({ FileManager.default.fileExists(atPath: $0) }) ?? true {
            return known.value
        }
        var registered: (id: String, path: String?, revision: UInt64, changed: Bool)?
        let value = try compute { p, persist throws(NASError) in
            let r = try predictors.registerCounted(p, persist: persist)
            registered = (p.id, r.path, r.revision, r.changed)
            return r.path
        }
        guard let r = registered, !reads(r.id) else { return value }
        let alone = r.changed ? r.revision == start &+ 1 : r.revision == start
        if alone, let k = key(r.revision) { remember(k, RememberedFit(value: value, path: r.path)) }
        return value
    }
}

/// A fit's answer and the file it saved (a repeat whose file was removed fits again).
private struct RememberedFit<Value: Sendable>: Sendable {
    var value: Value
    var path: String?
}
