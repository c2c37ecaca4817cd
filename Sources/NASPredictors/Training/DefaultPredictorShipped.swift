#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NASCore
import NASData

/// Fixture default predictors shipped trained in `fixtures/pretrained/` (as nn-Meter ships its
/// device predictors): those whose training takes longest, so that their first call loads in
/// milliseconds what it would train for 1–2.5 s (`Benchmarks/results/firstcalls-race.md`). A
/// shipped default is used only when it is of this build's recipe (`PredictorTrainer.recipe`)
/// and was fitted on these very fixtures (its `TrainedPredictor.fixtureDigestKey` note is
/// `fixtureDigest(space:device:)`); otherwise the daemon trains it, as for every other device.
extension PredictorTrainer {
    /// `hwnas-bench pretrained` ships a fixture default whose `auto` training runs at least this
    /// many epochs over all its networks (deterministic, unlike seconds): 12 of the 72 on
    /// 2026-12-04, every one of the nine over 1 s and the three at 0.88–0.98 s.
    public static let shippedDefaultMinimumEpochs = 170

    /// The shipped file of the default predictor `id`.
    public func shippedDefaultPath(id: String) -> String {
        catalog.shippedModelsDirectory + "/" + id + "." + PredictorFile.fileExtension
    }

    /// The shipped default of (space, device) when there is one of this recipe fitted on these
    /// fixtures; else nil and why not (nil reason: none is shipped for it, the common case).
    public func shippedDefault(space: String, device: String, id: String,
                               maxFileBytes: Int = BinaryEnvelope.defaultMaxBytes) -> (predictor: TrainedPredictor?, reason: String?) {
        let path = shippedDefaultPath(id: id)
        guard access(path, F_OK) == 0 else { return (nil, nil) }
        let (p, reason) = ShippedPredictorFile.read(path, maxFileBytes: maxFileBytes, recipe: Self.recipe, holds: { p in
            p.id == id && p.spaceID == space && p.device == device ? nil
                : "\(path) holds \(p.id) (\(p.spaceID)/\(p.device ?? "no device")), not the default of \(space)/\(device)"
        }, digest: { () throws(NASError) in try fixtureDigest(space: space, device: device) })
        return (p, p == nil ? reason : nil)
    }
}

/// The checks every predictor shipped in `fixtures/pretrained/` passes before the daemon uses it
/// (a device default, the hardware-generalized default of a space): it reads, it is the model
/// asked for, it is of the build's training recipe, and it was fitted on the served fixtures.
enum ShippedPredictorFile {
    /// The predictor in `path` when every check passes, with "<path>, fitted on these fixtures
    /// (digest …)"; else nil and the check that failed. `holds`: why the file is not the model
    /// asked for (nil: it is); `recipe`: the build's; `digest`: the served fixtures'.
    static func read(_ path: String, maxFileBytes: Int, recipe: String, holds: (TrainedPredictor) -> String?,
                     digest: () throws(NASError) -> String) -> (predictor: TrainedPredictor?, reason: String) {
        let p: TrainedPredictor
        do throws(NASError) {
            p = try PredictorFile.read(path, maxBytes: maxFileBytes)
        } catch {
            return (nil, "no usable shipped model: \(error.message)")
        }
        if let wrong = holds(p) { return (nil, wrong) }
        guard p.notes["recipe"] == recipe else {
            return (nil, "\(path) is from training recipe \(p.notes["recipe"] ?? "?"), this build uses \(recipe) (regenerate: \(ShippedModels.regenerateCommand))")
        }
        let served: String
        do throws(NASError) {
            served = try digest()
        } catch {
            return (nil, "cannot digest the fixtures: \(error.message)")
        }
        guard p.notes[TrainedPredictor.fixtureDigestKey] == served else {
            return (nil, "\(path) was fitted on other fixtures (digest \(p.notes[TrainedPredictor.fixtureDigestKey] ?? "none"); these fixtures' is \(served))")
        }
        return (p, "\(path), fitted on these fixtures (digest \(served))")
    }
}
