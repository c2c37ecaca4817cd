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
            p.settings.id.map { [.write("generator:\($0)")] } ?? []
        }) { request, context in
            let (problem, metadata, _) = try services.searchProblem(request.problem, control: context.job)
            let params = request.settings
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
            let id = params.id ?? "gen-\(problem.space.id)-\(metadata["latency"] ?? "x")-\(config.seed)"
            let g = try GeneratorTrainer.train(problem: problem, budgets: budgets, config: config, metadata: metadata,
                                               control: context.job.labelled("training generator \(id)"))
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
                problem = try services.searchProblem(ProblemParams(
                    space: g.space.id, predictor: g.metadata["latency"],
                    objective: SearchObjectiveInput(accuracy: g.metadata["accuracy"], extrapolate: g.metadata["extrapolate"] == "true"),
                    includeDegenerate: g.metadata["includeDegenerate"] == "true"), control: context.job).0
            }
            // With `confidence`, each budget is shrunk by the margin the generator's latency
            // predictor's error profile gives near it, as `search` does.
            var margins: [Double]?
            if let confidence = params.confidence {
                let predictor = g.metadata["latency"] ?? ""
                var list: [Double] = []
                for (i, b) in params.budgets.enumerated() {
                    guard b > 0 && b.isFinite else {
                        throw NASError(.invalidParams, "a latency budget must be a positive number of ms, got \(b)", field: "budgets[\(i)]")
                    }
                    list.append(try services.confidenceMargin(
                        confidence, budget: b, safetyMargin: nil, predictor: predictor,
                        instead: "leave confidence out (generate takes no safetyMargin), or train the generator on a predictor that has one").margin)
                }
                margins = list
            }
            let effective = margins.map { m in zip(params.budgets, m).map { $0 * (1 - $1) } } ?? params.budgets
            let t0 = Date()
            let out = try g.generate(budgets: effective, samples: samples, problem: problem, seed: params.seed ?? 0)
            return GenerateResult(
                generator: id, accuracyLabel: g.accuracyLabel, objective: g.metadata["accuracy"],
                results: out.enumerated().map { i, r in
                    GeneratedMessage(budgetMs: params.budgets[i], arch: g.space.format(r.arch), latencyMs: r.latencyMs,
                                     accuracy: r.accuracy, feasible: r.feasible, clamped: r.clamped, source: r.source,
                                     safetyMargin: margins?[i], degenerate: g.space.isDegenerate(r.arch) ? true : nil)
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
