import Foundation
import JSONRPC
import NASCore
import NASGenerator
import NASPredictors
import NASSearch
import NASSpaces

extension Server {
    /// Registers `trainGenerator` and `generate`.
    public func registerGeneratorHandlers(services: DomainServices) {
        register(TrainGeneratorRequest.self, kind: .long, dependencies: { p in
            p.id.map { [.write("generator:\($0)")] } ?? []
        }) { params, context in
            let (problem, metadata) = try services.searchProblem(
                space: params.space, device: params.device, predictor: params.predictor, spec: params.spec,
                batch: params.batch, objective: params.objective, includeDegenerate: params.includeDegenerate,
                control: context.job)
            let budgets: GeneratorBudgets
            switch (params.budgetRange, params.budgets) {
            case (let r?, nil):
                guard r.min > 0, r.max > r.min, r.max.isFinite else {
                    throw NASError(.invalidParams, "need 0 < min < max, got \(r.min)...\(r.max)", field: "budgetRange")
                }
                budgets = .range(r.min...r.max)
            case (nil, let list?): budgets = .list(list)
            case (nil, nil): budgets = .automatic
            case (_?, _?): throw NASError(.invalidParams, "give budgetRange or budgets, not both", field: "budgets")
            }
            var config = GeneratorConfig.daemonDefault
            if let it = params.iterations { config.iterations = it }
            if let k = params.samplesPerBudget { config.samplesPerBudget = k }
            config.seed = params.seed ?? 0
            let g = try GeneratorTrainer.train(problem: problem, budgets: budgets, config: config, metadata: metadata,
                                               control: context.job)
            let id = params.id ?? "gen-\(problem.space.id)-\(metadata["latency"] ?? "x")-\(config.seed)"
            let path = try services.generators.register(g, id: id, persist: params.save ?? true)
            return GeneratorInfo(g, id: id, path: path)
        }

        register(GenerateRequest.self, kind: .long, dependencies: { p in
            p.generator.map { [.read("generator:\($0)")] } ?? []
        }) { params, context in
            let (id, g) = try services.generator(id: params.generator, space: params.space, device: params.device,
                                                 control: context.job)
            let samples = params.samples ?? 16
            var problem: SearchProblem?
            if samples > 0 {
                problem = try services.searchProblem(
                    space: g.space.id, device: nil, predictor: g.metadata["latency"], spec: nil, batch: nil,
                    objective: SearchObjectiveInput(accuracy: g.metadata["accuracy"], extrapolate: g.metadata["extrapolate"] == "true"),
                    includeDegenerate: g.metadata["includeDegenerate"] == "true", control: context.job).0
            }
            let t0 = Date()
            let out = try g.generate(budgets: params.budgets, samples: samples, problem: problem, seed: params.seed ?? 0)
            return GenerateResult(
                generator: id, accuracyLabel: g.accuracyLabel, objective: g.metadata["accuracy"],
                results: out.map {
                    GeneratedMessage(budgetMs: $0.budgetMs, arch: g.space.format($0.arch), latencyMs: $0.latencyMs,
                                     accuracy: $0.accuracy, feasible: $0.feasible, clamped: $0.clamped, source: $0.source,
                                     degenerate: g.space.isDegenerate($0.arch) ? true : nil)
                },
                elapsedMs: Date().timeIntervalSince(t0) * 1000)
        }
    }
}

extension GeneratorConfig {
    /// What the daemon trains with: 32 samples per budget and step, which `hwnas-bench generate`
    /// found necessary for a front within 2% of 20 independent searches' hypervolume (8, the
    /// library default, reached 0.96–0.98).
    static var daemonDefault: GeneratorConfig {
        var c = GeneratorConfig()
        c.samplesPerBudget = 32
        return c
    }
}

extension GeneratorInfo {
    init(_ g: TrainedGenerator, id: String, path: String?) {
        generator = id
        space = g.space.id
        accuracyLabel = g.accuracyLabel
        budgetMin = g.scale.lowerMs
        budgetMax = g.scale.upperMs
        iterations = g.stats.iterations
        queries = g.stats.queries
        elapsedMs = g.stats.elapsedMs
        frontHypervolume = g.stats.frontHypervolume
        metadata = g.metadata
        self.path = path
    }
}

extension DomainServices {
    /// The search problem of a request: latency from a predictor (id, fixture device default,
    /// or, when `reusable` is false, hardware-generalized with a spec), accuracy from the
    /// objective. Metadata names both, so a generator (`reusable: true`) can rebuild the
    /// problem later; such problems refuse specs and inline accuracies.
    func searchProblem(space spaceID: String, device: String?, predictor id: String?, spec: DeviceSpecInput?,
                       batch: Int?, objective: SearchObjectiveInput?, reusable: Bool = true,
                       includeDegenerate: Bool? = nil,
                       control: JobControl) throws(NASError) -> (SearchProblem, [String: String]) {
        let space = try SpaceRegistry.space(spaceID)
        let (predictor, specValues) = try resolvePredictor(id: id, space: space.id, device: device, spec: spec,
                                                           batch: batch, control: control)
        guard predictor.spaceID == space.id else {
            throw NASError(.invalidParams, "predictor '\(predictor.id)' is for space \(predictor.spaceID), not \(space.id)", field: "predictor")
        }
        if reusable && specValues != nil {
            throw NASError(.invalidParams, "generators take a predictor or a fixture device, not a spec (train a predictor first)", field: "spec")
        }
        let accuracyName = objective?.accuracy ?? Self.defaultAccuracyName(space: space)
        if reusable && accuracyName == "inline" {
            throw NASError(.invalidParams, "generators need a reusable accuracy source (not inline values)", field: "objective.accuracy")
        }
        let accuracy = try accuracySource(objective, space: space, control: control)
        let latency: BatchObjective = { archs throws(NASError) in try predictor.predict(archs: archs, spec: specValues) }
        let extrapolate = objective?.extrapolate ?? false
        var problem = SearchProblem(space: space, latency: latency, accuracy: accuracy, extrapolate: extrapolate)
        problem.includeDegenerate = includeDegenerate ?? false
        var metadata = ["latency": predictor.id, "accuracy": accuracyName]
        if extrapolate { metadata["extrapolate"] = "true" }
        if problem.includeDegenerate { metadata["includeDegenerate"] = "true" }
        return (problem, metadata)
    }

    /// A generator by id, or a fixture device's default generator (trained on first use).
    func generator(id: String?, space: String?, device: String?, control: JobControl) throws(NASError) -> (String, TrainedGenerator) {
        if let id { return (id, try generators.generator(id)) }
        guard let space, let device else {
            throw NASError(.invalidParams, "give a generator id, or space and device for the default generator", field: "generator")
        }
        let defaultID = "default-gen-\(space)-\(device)"
        return try generatorTraining.withLock { _ throws(NASError) -> (String, TrainedGenerator) in
            // A default trained for an older default objective (fbnet's `macs` before `max-macs`) is retrained.
            if let g = try? generators.generator(defaultID),
               g.metadata["accuracy"] == Self.defaultAccuracyName(space: try SpaceRegistry.space(space)) {
                return (defaultID, g)
            }
            let (problem, metadata) = try searchProblem(space: space, device: device, predictor: nil, spec: nil, batch: nil,
                                                        objective: nil, control: control)
            let g = try GeneratorTrainer.train(problem: problem, budgets: .automatic, config: .daemonDefault,
                                               metadata: metadata, control: control)
            try generators.register(g, id: defaultID, persist: true)
            return (defaultID, g)
        }
    }
}
