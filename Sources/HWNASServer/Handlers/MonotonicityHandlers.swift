import JSONRPC
import NASCore
import NASPredictors
import NASSearch
import NASSpaces

extension Server {
    /// Registers `monotonicity`, `adaptProxy` and `reuse`.
    public func registerMonotonicityHandlers(services: DomainServices) {
        registerEncoded(MonotonicityRequest.self, kind: .long) { params, context in
            // Of measured devices only, the answer is a function of the request: a repeat is answered
            // from memory. A predictor among the devices may be retrained under its id: asked every time.
            let measured = Set(services.catalog.deviceNames(space: params.space))
            guard params.devices?.allSatisfy(measured.contains) ?? true, let json = try? JSONValueEncoder().encode(params) else {
                return try encoded(matrix())
            }
            return try services.remembered(RequestMemoKey(method: MonotonicityRequest.method, request: json, seed: nil, revision: 0)) {
                () throws(NASError) in try encoded(matrix())
            }

            func matrix() throws(NASError) -> MonotonicityResult {
                let space = try SpaceRegistry.space(params.space)
                let metricName = params.metric ?? "spearman"
                guard let metric = RankMetric(rawValue: metricName) else {
                    throw NASError(.invalidParams, "unknown metric '\(metricName)'; allowed: spearman, kendall", field: "metric")
                }
                var sources: [DeviceLatencySource]?
                if let names = params.devices {
                    guard names.count >= 2 else {
                        throw NASError(.invalidParams, "give at least two devices", field: "devices")
                    }
                    sources = try names.enumerated().map { (i, name) throws(NASError) -> DeviceLatencySource in
                        if measured.contains(name) { return .measured(name) }
                        guard let p = try? services.predictors.predictor(name) else {
                            throw NASError(.unknownDevice, "'\(name)' is neither a measured device of \(space.id) nor a predictor id; measured: \(measured.sorted().joined(separator: ", "))", field: "devices[\(i)]")
                        }
                        guard p.spaceID == space.id else {
                            throw NASError(.invalidParams, "predictor '\(name)' is for space \(p.spaceID)", field: "devices[\(i)]")
                        }
                        return .predicted(name) { archs throws(NASError) in try p.predict(archs: archs) }
                    }
                }
                let archs = try params.archs.map { a throws(NASError) in try ArchitectureInput.resolve(a, in: space) }
                try context.job.checkCancelled()
                // Measured devices only: the matrix from memory (for another target, say).
                let m = sources?.contains(where: { $0.predict != nil }) == true
                    ? try MonotonicityAnalysis(catalog: services.catalog).matrix(
                        space: space.id, devices: sources, archs: archs, metric: metric, control: context.job)
                    : try services.measuredMonotonicity(space: space.id, devices: params.devices, archs: archs,
                                                        metric: metric, control: context.job)
                let n = m.devices.count
                var matrix: [[Double]] = [], source: [[String]] = [], count: [[Int]] = []
                for i in 0..<n {
                    matrix.append((0..<n).map { m[i, $0] })
                    source.append((0..<n).map { m.sources[i * n + $0].rawValue })
                    count.append((0..<n).map { m.counts[i * n + $0] })
                }
                var best: BestProxyMessage?
                if let target = params.target {
                    guard m.devices.contains(target) else {
                        throw NASError(.unknownDevice, "target '\(target)' is not among the compared devices", field: "target")
                    }
                    if let b = m.bestProxy(for: target) {
                        best = BestProxyMessage(target: target, device: b.device, value: b.value)
                    }
                }
                return MonotonicityResult(
                    metric: metric.rawValue, devices: m.devices, matrix: matrix, source: source, count: count,
                    weakestPairs: m.pairs().prefix(10).map { DevicePairMessage(a: $0.a, b: $0.b, value: $0.value) },
                    bestProxy: best)
            }
        }

        registerEncoded(AdaptProxyRequest.self, kind: .long, dependencies: { p in
            [.write("predictor:\(p.target.name)")] + p.predictorsRead.map { .read("predictor:\($0)") }
        }) { params, context in
            // A repeat while no predictor changed is answered from memory (`rememberedFit`).
            return try services.rememberedFit(params, seed: params.seed, reads: params.predictorsRead.contains) { register throws(NASError) in
                guard let proxyName = params.proxy else {
                    return try encoded(adaptProxyEnsemble(params, services: services, context: context, register: register))
                }
                if params.proxies != nil {
                    throw NASError(.invalidParams, "proxies (how many pool members to average) is for adaptProxy without a proxy; leave out proxy or proxies", field: "proxies")
                }
                let base = try services.basePredictor(proxyName, space: params.space, control: context.job, field: "proxy")
                let space = try SpaceRegistry.space(base.spaceID)
                guard TrainedPredictor.isValidID(params.target.name) else {
                    throw NASError(.invalidParams, "target name '\(params.target.name)' must be 1–128 letters, digits, '-', '_' or '.' (it names the adapted predictor)", field: "target.name")
                }
                let samples = try LatencySampleInput.resolve(params.target.samples, in: space, field: "target.samples")
                let eval = try params.evalSamples.map { s throws(NASError) in try LatencySampleInput.resolve(s, in: space, field: "evalSamples") }
                let methodName = params.method ?? "auto"
                guard let method = AdaptationMethod(rawValue: methodName) else {
                    throw NASError(.invalidParams, "unknown method '\(methodName)'; allowed: \(AdaptationMethod.allCases.map(\.rawValue).joined(separator: ", "))", field: "method")
                }
                // The pool: a pairwise (or LUT) model per other fixture device of the space (not the target's name, not the
                // proxy's own device). A spec-driven proxy has no pool (its members would need the spec).
                var pool: [ProxyLatencyModel] = []
                if (method == .auto || method == .pool) && !base.model.needsDeviceSpec {
                    var excluded: Set<String> = [params.target.name]
                    if let d = base.device { excluded.insert(d) }
                    switch params.pool ?? .all(true) {
                    case .all(false): break
                    case .all(true): pool = try services.fixturePool(space: space.id, excluding: excluded, samples: samples.map(\.arch))
                    case .members(let names):
                        pool = try services.explicitPool(names, space: space.id, target: params.target.name, proxy: base,
                                                         proxyRole: "the proxy", control: context.job)
                    }
                } else if case .members(let names) = params.pool, !names.isEmpty {
                    throw NASError(.invalidParams, base.model.needsDeviceSpec
                        ? "proxy '\(base.id)' needs a device spec and takes no pool; give a per-device proxy"
                        : "method '\(method.rawValue)' uses no pool; give method auto or pool, or leave pool out", field: "pool")
                }
                let result = try ProxyAdaptation.adapt(
                    proxy: .predictor(base, space: space), targetName: params.target.name, samples: samples,
                    method: method, pool: pool, evalSamples: eval, seed: params.seed ?? 0, control: context.job)
                try context.job.checkCancelled()
                let adapted = try TrainedPredictor(adapted: result.predictor, base: base, id: params.target.name,
                                                   sampleCount: samples.count, result: result)
                let path = try register(adapted, params.save ?? true)
                return try encoded(AdaptProxyResult(
                    predictor: adapted.id, target: params.target.name, proxy: base.id,
                    method: result.predictor.method.rawValue, variant: result.predictor.variant,
                    srccBefore: result.srccBefore, srccAfter: result.srccAfter, evaluation: result.evaluation,
                    candidates: result.candidates.map { .init(variant: $0.variant, cvSRCC: $0.cvSRCC) },
                    crossValidated: result.crossValidated.map(MetricsResult.init),
                    outliers: OutlierMessage.list(result.outliers, spaceID: space.id), warnings: result.warnings,
                    pool: pool.map(\.name),
                    weights: result.predictor.blendWeights.map { .init(member: $0.member, weight: $0.weight) },
                    path: path, moreSamples: result.moreSamples.map(MoreSamplesMessage.init)))
            }
        }

        register(ReuseRequest.self, kind: .long, dependencies: { p in [.read("predictor:\(p.proxy)")] }) { params, context in
            let space = try SpaceRegistry.space(params.space)
            let devices = services.catalog.deviceNames(space: space.id)
            guard devices.contains(params.target) else {
                throw NASError(.unknownDevice, "target '\(params.target)' is not a measured device of \(space.id); measured: \(devices.joined(separator: ", "))", field: "target")
            }
            let proxy = try services.basePredictor(params.proxy, space: space.id, control: context.job, field: "proxy")
            guard proxy.spaceID == space.id else {
                throw NASError(.invalidParams, "predictor '\(proxy.id)' is for space \(proxy.spaceID), not \(space.id)", field: "proxy")
            }
            guard !proxy.model.needsDeviceSpec else {
                throw NASError(.invalidParams, "predictor '\(proxy.id)' needs a device spec; give a per-device predictor", field: "proxy")
            }
            let m = try services.catalog.measurements(space: space.id, device: params.target)
            let accuracy = try services.accuracySource(params.objective, space: space, control: context.job)
            try context.job.checkCancelled()
            let predicted = try proxy.predict(archs: m.archs)
            let values = try accuracy.objective(m.archs)
            let r = ParetoReuse.evaluate(proxyLatency: predicted, targetLatency: m.latency, accuracy: values)
            let onTrue = Set(r.trueFront)
            return ReuseResult(
                space: space.id, proxy: proxy.id, target: params.target,
                archs: values.indices.filter { values[$0].isFinite && m.latency[$0].isFinite }.count,
                accuracyLabel: accuracy.label, srcc: r.spearman, trueFront: r.trueFront.count, recovered: r.recovered,
                hypervolumeRatio: r.hypervolumeRatio,
                front: r.proxyFront.map { i in
                    ReuseArchMessage(arch: space.format(m.archs[i]), latencyMs: m.latency[i], predictedMs: predicted[i],
                                     accuracy: values[i], onTrueFront: onTrue.contains(i))
                })
        }
    }
}
