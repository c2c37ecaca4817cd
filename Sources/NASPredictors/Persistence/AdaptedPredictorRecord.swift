import NASCore

extension TrainedPredictor {
    /// The self-contained, savable form of an adapted proxy (`adaptProxy`): a fine-tuned
    /// network becomes an `mlp` model; a linear head stays on top of the proxy predictor's
    /// model (`adapted(<base>)`), so the file carries the proxy too.
    /// `result` adds the fit's cross-validated metrics, outliers, warnings and error profile.
    public init(adapted: AdaptedPredictor, base: TrainedPredictor, id: String, sampleCount: Int,
                result: AdaptationResult? = nil) throws(NASError) {
        guard TrainedPredictor.isValidID(id) else {
            throw NASError(.invalidParams, "predictor id '\(id)' must be 1–128 letters, digits, '-', '_' or '.'", field: "target.name")
        }
        func tree(_ m: AdaptedModel) throws(NASError) -> LatencyModel {
            switch m {
            case .network(let r): return .mlp(r)
            case .linear(let head): return .proxyHead(base.model, head)
            case .pooled(let blend, let head):
                var members: [LatencyModel] = []
                for m in blend.members {
                    if m == 0 { members.append(base.model); continue }
                    guard let member = adapted.pool[m - 1].model else {
                        throw NASError(.internal, "pool member '\(adapted.pool[m - 1].name)' has no savable model")
                    }
                    members.append(member)
                }
                return .proxyHead(.blend(members, weights: blend.weights, intercept: blend.intercept, knee: blend.knee), head)
            case .ensemble(let models):
                var trees: [LatencyModel] = []
                for x in models { trees.append(try tree(x)) }
                return .mean(trees)
            }
        }
        let model = try tree(adapted.model)
        var notes = ["source": "adaptProxy", "proxy": base.id, "method": adapted.method.rawValue]
        if let profile = result?.errorProfile { notes[ErrorProfile.notesKey] = profile.encoded }
        if let r = result?.fewSampleResiduals { notes[FewSampleResiduals.notesKey] = r.encoded }
        self.init(id: id, spaceID: base.spaceID, device: adapted.target, deviceSpec: base.deviceSpec, model: model,
                  metrics: PredictorMetrics(heldOut: nil, lutBaseline: nil,
                                            trainCount: sampleCount - (result?.outliers.count ?? 0), testCount: 0,
                                            variant: "\(adapted.method.rawValue): \(adapted.variant)",
                                            crossValidated: result?.crossValidated, outliers: result?.outliers ?? [],
                                            warnings: result?.warnings ?? []),
                  notes: notes)
    }
}
