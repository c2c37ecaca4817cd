import Foundation
import JSONRPC
import NASCore
import NASPredictors
import NASSpaces

extension Server {
    /// Registers `train`, `predict`, `evaluate`, `finetune`, `save`, `load`, `deletePredictor`.
    public func registerPredictorHandlers(services: DomainServices) {
        let store = services.predictors
        registerEncoded(TrainPredictorRequest.self, kind: .long,
                 dependencies: { p in p.id.map { [.write("predictor:\($0)")] } ?? [] }) { params, context in
            // A repeat while no predictor changed is answered from memory (`rememberedFit`).
            return try services.rememberedFit(params, seed: params.seed, reads: { _ in false }) { register throws(NASError) in
                let space = try SpaceRegistry.space(params.space)
                let kindName = params.model ?? "default"
                guard let kind = PredictorModelKind(rawValue: kindName) else {
                    throw NASError(.invalidParams, "unknown model '\(kindName)'; allowed: \(PredictorModelKind.allCases.map(\.rawValue).joined(separator: ", "))", field: "model")
                }
                let samples = try params.samples.map { s throws(NASError) in try LatencySampleInput.resolve(s, in: space) }
                var config = MLPTrainingConfig()
                if let h = params.hidden {
                    guard !h.isEmpty, h.count <= 8, h.allSatisfy({ (1...4096).contains($0) }) else {
                        throw NASError(.invalidParams, "hidden must be 1–8 layer widths in 1...4096", field: "hidden")
                    }
                    config.hidden = h
                }
                if let e = params.maxEpochs {
                    guard (1...100_000).contains(e) else { throw NASError(.invalidParams, "must be in 1...100000", field: "maxEpochs") }
                    config.maxEpochs = e
                }
                if let t = params.trainSize, t < 0 {
                    throw NASError(.invalidParams, "trainSize must be a number of training samples (at least 2), got \(t)", field: "trainSize")
                }
                var request = TrainRequest(space: space.id, device: params.device, samples: samples, model: kind,
                                           trainSize: params.trainSize, seed: params.seed ?? 0, config: config, id: params.id)
                request.excludeDegenerate = !(params.includeDegenerate ?? false)
                let p = try PredictorTrainer(catalog: services.catalog).train(request, control: context.job)
                try context.job.checkCancelled()
                return try encoded(PredictorInfo(p, path: try register(p, params.save ?? true)))
            }
        }

        registerEncoded(PredictRequest.self, dependencies: { p in
            if let id = p.predictor { return [.read("predictor:\(id)")] }
            if let s = p.space, let d = p.device { return [.read("predictor:\(PredictorStore.defaultID(space: s, device: d))")] }
            return []
        }) { params, context in
            // A repeat at the same store revision is answered from memory (`Benchmarks/results/repeats.md`);
            // an answer for more than `PredictRequest.rememberedArchs` architectures is not kept.
            var rest = params
            rest.archs = []
            guard params.archs.count <= PredictRequest.rememberedArchs, let json = try? JSONValueEncoder().encode(rest) else {
                return try encoded(predict())
            }
            return try services.remembered(RequestMemoKey(method: PredictRequest.method, request: json, seed: nil,
                                                          revision: services.predictors.revision,
                                                          archs: params.archs.map(\.compacted))) { () throws(NASError) in
                try encoded(predict())
            }

            func predict() throws(NASError) -> PredictResult {
                let (resolved, specValues) = try services.resolvePredictor(
                    id: params.predictor, space: params.space, device: params.device, spec: params.spec,
                    batch: params.batch, specModel: params.specModel, control: context.job)
                // The same model answers with or without `interval` (and for `search {spec}`); each has
                // an interval of its own.
                let answer = try specValues.map { v throws(NASError) in
                    try services.specAnswer(mlp: resolved, spec: v, specModel: params.specModel, control: context.job)
                }
                let predictor = answer?.predictor ?? resolved, spec = answer?.spec
                let space = try SpaceRegistry.space(predictor.spaceID)
                let (latency, degenerate) = try predictInChunks(params.archs, predictor: predictor, space: space, spec: spec,
                                                                measured: answer?.neighbour?.measured, job: context.job)
                var result: PredictResult
                switch params.output ?? "json" {
                case "json":
                    result = PredictResult(predictor: predictor.id, latencyMs: latency, latencyMsF32: nil)
                case "f32-base64":
                    var floats = latency.map { Float($0) }
                    let data = floats.withUnsafeMutableBytes { Data($0) }
                    result = PredictResult(predictor: predictor.id, latencyMs: nil, latencyMsF32: data.base64EncodedString())
                case let other:
                    throw NASError(.invalidParams, "unknown output '\(other)'; allowed: json, f32-base64", field: "output")
                }
                result.degenerate = degenerate.isEmpty ? nil : degenerate
                result.gpu = try params.spec?.matchedGPUName(in: services.catalog)
                if let level = params.interval {
                    let bounds: [(lower: Double, upper: Double)]
                    if let n = answer?.unseenNeighbour {
                        // An unseen spec answered by its nearest GPU: how far the fixtures' GPU chips lie
                        // from theirs, and the span to the MLP's answer.
                        let mlp = try predictInChunks(params.archs, predictor: n.mlp, space: space, spec: n.spec, job: context.job).latency
                        (bounds, result.intervalNote) = try services.nearestGPUIntervals(latency, mlp: mlp, level: level, space: space.id, neighbour: n.name)
                    } else {
                        // A measured GPU's spec answered by that GPU (its default's own profile), or the MLP:
                        // a training GPU's spec gets that GPU's own held-out profile, any other spec the
                        // errors of models on GPUs they never saw.
                        let (profile, fallback) = services.errorProfile(of: predictor, spec: spec)
                        bounds = try predictor.intervals(latency, level: level, profile: profile)
                        if fallback {
                            result.intervalNote = "no unseen-GPU error profile ships for \(space.id)'s MLP: the interval comes from the model's errors on the GPUs it was trained on, and a GPU it never saw errs more (the default specModel nearest has a calibrated one)"
                        } else if spec != nil, services.isUnseenSpec(spec!, of: predictor) {
                            result.intervalNote = "unseen GPU with specModel mlp: the interval is calibrated on the model's errors on the fixtures' GPU chips it never saw (few chips); a GPU's own bias can put most of its latencies on one side of it (Benchmarks/results/intervals.md)"
                        }
                    }
                    result.interval = level
                    result.lower = bounds.map(\.lower)
                    result.upper = bounds.map(\.upper)
                }
                return result
            }
        }

        register(EvaluateRequest.self, kind: .long, dependencies: { p in
            if let id = p.predictor { return [.read("predictor:\(id)")] }
            return []
        }) { params, context in
            let (predictor, _) = try services.resolvePredictor(
                id: params.predictor, space: params.space, device: params.predictor == nil ? params.device : nil,
                spec: nil, batch: nil, control: context.job)
            let space = try SpaceRegistry.space(predictor.spaceID)
            // Degenerate architectures are left out unless asked: searches never answer them, and
            // on pixel3 their near-0 ms made the default predictor's MAPE 460 %.
            let keep = { (archs: [Architecture]) -> [Int] in
                params.includeDegenerate == true ? Array(archs.indices) : space.nonDegenerateIndices(archs)
            }
            if let samples = params.samples {
                let s = try LatencySampleInput.resolve(samples, in: space)
                guard !s.isEmpty else {
                    throw NASError(.insufficientSamples, "samples is empty: give at least one {arch, latency_ms}, or leave "
                                   + "samples out to evaluate on a fixture device's measurements", field: "samples")
                }
                let kept = keep(s.map(\.arch))
                guard !kept.isEmpty else {
                    throw NASError(.invalidParams, "every sample is a degenerate architecture (no data path); "
                                   + "includeDegenerate: true evaluates on them", field: "samples")
                }
                let m = try predictor.evaluate(archs: kept.map { s[$0].arch }, latency: kept.map { s[$0].latencyMs })
                return EvaluateResult(predictor: predictor.id, data: "samples", metrics: MetricsResult(m),
                                      degenerateLeftOut: s.count - kept.count)
            }
            guard let device = params.device ?? predictor.device else {
                throw NASError(.invalidParams, "give samples or a fixture device to evaluate on", field: "samples")
            }
            if params.device == nil, (try? services.catalog.tableName(space: space.id, device: device)) == nil {
                // An adapted predictor's device (e.g. "my-phone") has no shipped measurements.
                throw NASError(.invalidParams, "predictor '\(predictor.id)' is for device '\(device)', which has no shipped "
                               + "measurements of \(space.id): give samples measured on it, or a fixture device", field: "samples")
            }
            let data = try services.catalog.measurements(space: space.id, device: device)
            let kept = keep(data.archs)
            let m = try predictor.evaluate(archs: kept.map { data.archs[$0] }, latency: kept.map { data.latency[$0] })
            return EvaluateResult(predictor: predictor.id, data: "fixtures:\(device)", metrics: MetricsResult(m),
                                  degenerateLeftOut: data.archs.count - kept.count)
        }

        registerEncoded(FinetuneRequest.self, kind: .long, dependencies: { p in
            p.predictorsRead.map { .read("predictor:\($0)") } + (p.id.map { [.write("predictor:\($0)")] } ?? [])
        }) { params, context in
            // A repeat while no predictor changed is answered from memory (`rememberedFit`).
            return try services.rememberedFit(params, seed: params.seed, reads: params.predictorsRead.contains) { register throws(NASError) in
                var base = try services.basePredictor(params.base, space: params.space, control: context.job)
                let space = try SpaceRegistry.space(base.spaceID)
                let samples = try LatencySampleInput.resolve(params.samples, in: space)
                var pool: [String]?, weights: [MemberWeight]?
                // What the samples are judged against (`SampleChecks`): the base and the members as given.
                var references = [ProxyLatencyModel.predictor(base, space: space)]
                if let others = params.blendWith, !others.isEmpty {
                    guard others.count <= 63 else {
                        throw NASError(.invalidParams, "blendWith takes at most 63 predictors", field: "blendWith")
                    }
                    let members = try services.blendMembers(others, space: space.id, target: params.device,
                                                            base: base, control: context.job)
                    references += members.map { ProxyLatencyModel.predictor($0, space: space) }
                    let blended = try FineTuner.blendedBaseWithWeights([base] + members, samples: samples, id: base.id)
                    pool = [base.id] + members.map(\.id)
                    weights = blended.weights.map { MemberWeight(member: $0.member, weight: $0.weight) }
                    base = blended.base
                }
                let methodName = params.method ?? "auto"
                guard let method = FineTuneMethod(rawValue: methodName) else {
                    throw NASError(.invalidParams, "unknown method '\(methodName)'; allowed: \(FineTuneMethod.allCases.map(\.rawValue).joined(separator: ", "))", field: "method")
                }
                if let e = params.epochs, !(1...100_000).contains(e) {
                    // It was taken as 1 (0) or as 1 (negative) without a word.
                    throw NASError(.invalidParams, "epochs must be in 1...100000, got \(e)", field: "epochs")
                }
                let request = FineTuneRequest(base: base, samples: samples, epochs: params.epochs, freeze: params.freeze ?? 0,
                                              method: method, seed: params.seed ?? 0, device: params.device, id: params.id)
                var p = try FineTuner.fineTune(request, control: context.job)
                p.metrics.warnings += SampleChecks.warnings(samples, space: space, references: references)
                let more = try FineTuner.moreSamples(request, predictor: p, control: context.job)
                try context.job.checkCancelled()
                var info = PredictorInfo(p, path: try register(p, params.save ?? true), pool: pool, weights: weights)
                info.moreSamples = more.map(MoreSamplesMessage.init)
                return try encoded(info)
            }
        }

        register(SavePredictorRequest.self, dependencies: { [.write("predictor:\($0.predictor)")] }) { params, _ in
            SavePredictorResult(predictor: params.predictor, path: try store.save(id: params.predictor))
        }
        register(LoadPredictorRequest.self) { params, _ in
            let p: TrainedPredictor
            do throws(NASError) { p = try store.load(path: params.path) } catch { throw error.field == nil ? error.inField("path") : error }
            return PredictorInfo(p, path: params.path)
        }
        register(DeletePredictorRequest.self, dependencies: { [.write("predictor:\($0.predictor)")] }) { params, _ in
            try store.delete(id: params.predictor)
            return DeletePredictorResult(predictor: params.predictor, deleted: true)
        }
    }
}

extension TrainedPredictor {
    /// Prediction intervals at `level` for predictions `latency` from the error profile; a
    /// clear -32602 for a level out of range or a predictor without a two-sided profile.
    func intervals(_ latency: [Double], level: Double, profile: ErrorProfile?, field: String = "interval") throws(NASError) -> [(lower: Double, upper: Double)] {
        guard level.isFinite, level >= 0.5, level <= 0.99 else {
            throw NASError(.invalidParams, "interval must be a level in [0.5, 0.99], got \(level)", field: field)
        }
        guard let profile, profile.hasIntervals else {
            throw NASError(.invalidParams, "predictor '\(id)' has no two-sided error profile (defaults, `train` with ≥ 20 held-out samples, `finetune` and `adaptProxy` with ≥ 5 samples have one; a predictor saved before intervals existed needs retraining)", field: field)
        }
        var out: [(lower: Double, upper: Double)] = []
        out.reserveCapacity(latency.count)
        for p in latency { out.append(profile.interval(prediction: p, level: level) ?? (p, p)) }
        return out
    }
}

/// Architectures per chunk of a big `predict`: between chunks it checks for cancellation and
/// reports progress (`step` archs done of `total`), which is also where it pauses under
/// backpressure.
let predictChunk = 1 << 16

/// Latencies of `inputs`, resolved and predicted a chunk at a time, and the indices of the
/// degenerate architectures among them; with `measured`, an architecture found there takes its
/// measurement (the nearest-GPU overlay). Each architecture is resolved once.
func predictInChunks(_ inputs: [ArchitectureInput], predictor: TrainedPredictor, space: any SearchSpace,
                     spec: [String: Double]?, measured: [Architecture: Double]? = nil,
                     job: JobControl, chunk: Int = predictChunk) throws(NASError) -> (latency: [Double], degenerate: [Int]) {
    var latency: [Double] = []
    latency.reserveCapacity(inputs.count)
    var degenerate: [Int] = []
    var start = 0
    repeat {
        try job.checkCancelled()
        let end = min(inputs.count, start + chunk)
        let archs = try resolveConcurrently(inputs[start..<end], in: space)
        var part = try predictor.predict(validated: archs, spec: spec)
        if let measured { NearestGPUModel.overlay(&part, archs: archs, lookup: measured) }
        latency += part
        for (k, a) in archs.enumerated() where space.isDegenerate(a) { degenerate.append(start + k) }
        if inputs.count > chunk { job.report(ProgressReport(step: end, total: inputs.count, message: "predicting")) }
        start = end
    } while start < inputs.count
    return (latency, degenerate)
}

/// `ArchitectureInput.resolve` of a big slice on `Kernels.defaultThreads` threads: the same
/// architectures in order, and the same first error.
func resolveConcurrently(_ inputs: ArraySlice<ArchitectureInput>, in space: any SearchSpace) throws(NASError) -> [Architecture] {
    let parts = inputs.count >= 8192 ? Kernels.defaultThreads : 1
    guard parts > 1 else { return try ArchitectureInput.resolve(inputs, in: space) }
    var results = [Result<[Architecture], NASError>](repeating: .success([]), count: parts)
    results.withUnsafeMutableBufferPointer { r in
        nonisolated(unsafe) let r = r
        Kernels.parallelChunks(count: parts, threads: parts) { range in
            for p in range {
                let lo = inputs.startIndex + inputs.count * p / parts, hi = inputs.startIndex + inputs.count * (p + 1) / parts
                r[p] = Result { () throws(NASError) in try ArchitectureInput.resolve(inputs[lo..<hi], in: space) }
            }
        }
    }
    var out: [Architecture] = []
    out.reserveCapacity(inputs.count)
    for r in results { out += try r.get() }
    return out
}
