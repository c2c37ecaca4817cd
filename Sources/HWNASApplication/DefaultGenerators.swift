import NASCore
import NASGenerator
import NASPredictors
import NASSearch
import NASSpaces

extension GeneratorConfig {
    /// What the daemon trains with: 32 samples per budget and step, which `hwnas-bench generate`
    /// found necessary for a front within 2% of 20 independent searches' hypervolume (8, the
    /// library default, reached 0.96–0.98).
    public static var daemonDefault: GeneratorConfig {
        var c = GeneratorConfig()
        c.samplesPerBudget = 32
        return c
    }
}

extension DomainServices {
    /// A generator by id, or a fixture device's default generator (trained on first use, and again
    /// when its objective's default or the device's default predictor changed). An id with a
    /// device, or with another space than its own, is invalid params (which one answers would be
    /// a guess), as for predictors.
    public func generator(id: String?, space: String?, device: String?, control: JobControl) throws(NASError) -> (String, TrainedGenerator) {
        if let id {
            if device != nil {
                throw NASError(.invalidParams, "give one generator, not both generator and device: a generator id, or space and "
                               + "device for the default generator", field: "device")
            }
            let g = try generators.generator(id)
            if let space, g.space.id != space {
                throw NASError(.invalidParams, "generator '\(id)' is for space \(g.space.id), not \(space)", field: "generator")
            }
            return (id, g)
        }
        guard let space, let device else {
            throw NASError(.invalidParams, "give a generator id, or space and device for the default generator", field: "generator")
        }
        let defaultID = "default-gen-\(space)-\(device)"
        return try generatorTraining.withLock { _ throws(NASError) -> (String, TrainedGenerator) in
            // A default trained for an older default objective (fbnet's `macs` before `max-macs`), or on a
            // default predictor retrained since (other fixtures or recipe), is retrained.
            if let g = try? generators.generator(defaultID),
               g.metadata["accuracy"] == Self.defaultAccuracyName(space: try SpaceRegistry.space(space)),
               g.metadata[Self.latencyFitKey] == (try predictors.defaultPredictor(space: space, device: device, control: control)).fitFingerprint {
                return (defaultID, g)
            }
            let (problem, metadata, _) = try searchProblem(ProblemParams(space: space, device: device), control: control)
            let g = try GeneratorTrainer.train(problem: problem, budgets: .automatic, config: .daemonDefault,
                                               metadata: metadata, control: control.labelled("training generator \(defaultID)"))
            try generators.register(g, id: defaultID, persist: true)
            return (defaultID, g)
        }
    }
}
