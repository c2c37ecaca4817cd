import Foundation
import NASPredictors
import RequestServer

/// "ms" values as people write them, 4 significant digits: 5, 2.5, 26.54.
private func ms(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(format: "%.4g", v)
}

/// `space/device`, `space with predictor p`, or `space`.
private func target(space: String?, device: String?, predictor: String?) -> String {
    let s = space ?? "?"
    if let predictor { return "\(s) with predictor \(predictor)" }
    if let device { return "\(s)/\(device)" }
    return s
}

extension TrainPredictorRequest: ProgressTitled {
    public var progressTitle: String {
        let model = model ?? "default"
        let name = id ?? PredictorTrainer.makeID(space: space, device: device ?? "samples", kind: model, seed: seed ?? 0)
        return "training latency predictor \(name) (\(model == "default" ? "default model" : model))"
    }
}

extension EvaluateRequest: ProgressTitled {
    public var progressTitle: String {
        "evaluating latency predictor \(predictor ?? target(space: space, device: device, predictor: nil))"
            + (samples != nil ? " on samples" : device.map { " on \($0)" } ?? "")
    }
}

extension FinetuneRequest: ProgressTitled {
    public var progressTitle: String { "fine-tuning latency predictor \(base)" + (id.map { " into \($0)" } ?? "") }
}

extension PredictRequest: ProgressTitled {
    public var progressTitle: String { "predicting latency on \(target(space: space, device: device, predictor: predictor))" }
}

extension SearchRequest: ProgressTitled {
    public var progressTitle: String {
        let on = target(space: problem.space, device: problem.device, predictor: latencyPredictor)
        if let b = settings.budget { return "search \(on) ≤ \(ms(b.latencyMs)) ms" }
        return (settings.pareto ?? false) ? "search \(on), Pareto front" : "search \(on)"
    }
}

extension TrainGeneratorRequest: ProgressTitled {
    public var progressTitle: String {
        "training generator " + (settings.id.map { "\($0) " } ?? "") + "for \(target(space: problem.space, device: problem.device, predictor: problem.predictor))"
    }
}

extension GenerateRequest: ProgressTitled {
    public var progressTitle: String {
        let from = generator ?? target(space: space, device: device, predictor: nil)
        return "generating for \(budgets.map { ms($0) }.joined(separator: ", ")) ms with \(from)"
    }
}

extension MonotonicityRequest: ProgressTitled {
    public var progressTitle: String { "rank correlation of \(space) devices" }
}

extension AdaptProxyRequest: ProgressTitled {
    public var progressTitle: String {
        proxy.map { "adapting proxy \($0) to \(target.name)" } ?? "adapting the \(proxies ?? ProxyEnsemble.defaultMembers) closest pool devices to \(target.name)"
    }
}

extension AdaptRequest: ProgressTitled {
    public var progressTitle: String { "adapting \(base ?? "the best pool device") to \(target.name)" }
}

extension ReuseRequest: ProgressTitled {
    public var progressTitle: String { "reusing \(proxy)'s Pareto front for \(target)" }
}

extension ExportRequest: ProgressTitled {
    public var progressTitle: String {
        "exporting \(archs.count) \(space) architecture\(archs.count == 1 ? "" : "s") to \(format ?? "onnx")"
    }
}
