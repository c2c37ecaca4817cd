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
