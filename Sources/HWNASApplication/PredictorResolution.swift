import NASCore
import NASPredictors
import NASSpaces

extension DomainServices {
    /// The predictor a request names: an id; or (space, device) → that fixture device's default;
    /// or (space, spec) → the space's hardware-generalized predictor with that spec. Two of them
    /// (which one answers would be a guess), or an id with another space, are invalid params; so
    /// are `batch` and `specModel` without a spec (they would be ignored, and a device's or a
    /// predictor's latency answered at a batch size it was not measured at).
    public func resolvePredictor(id: String?, space: String?, device: String?, spec: DeviceSpecInput?, batch: Int?,
                          specModel: String? = nil, control: JobControl) throws(NASError) -> (TrainedPredictor, [String: Double]?) {
        let sources = [("predictor", id != nil), ("device", device != nil), ("spec", spec != nil)].filter(\.1).map(\.0)
        if sources.count > 1 {
            throw NASError(.invalidParams, "give one latency source, not both \(sources[0]) and \(sources[1]): a predictor id, "
                           + "or a space with a device or a spec", field: sources[1])
        }
        let specOnly = [("batch", batch != nil, "the batch size of a spec's prediction"),
                        ("specModel", specModel != nil, "the model that answers for a spec")]
        for (name, given, what) in specOnly where given && spec == nil {
            throw NASError(.invalidParams, "\(name) is \(what) and is only taken with spec; a predictor or a fixture device "
                           + "answers at its own batch size (e.g. 2080ti_32: batch 32): leave \(name) out", field: name)
        }
        if let id {
            let p = try predictors.predictor(id)
            if let space, p.spaceID != space {
                throw NASError(.invalidParams, "predictor '\(id)' is for space \(p.spaceID), not \(space)", field: "predictor")
            }
            return (p, nil)
        }
        guard let space else {
            throw NASError(.invalidParams, "give a predictor id, or a space with a device or a spec", field: "predictor")
        }
        if let spec {
            if let batch, batch < 1 {
                throw NASError(.invalidParams, "batch must be a batch size ≥ 1, got \(batch)", field: "batch")
            }
            var values: [String: Double]
            switch spec {
            case .gpuName(let name):
                values = try HardwareGeneralizedTrainer(catalog: catalog).spec(forGPU: name, batch: batch ?? 1)
            case .values(let v):
                values = v
                if let batch { values["batch"] = Double(batch) }
                if values["batch"] == nil { values["batch"] = 1 }
            }
            let p = try predictors.defaultHardwarePredictor(space: space, control: control)
            return (p, values)
        }
        guard let device else {
            throw NASError(.invalidParams, "give a device (fixture name) or a spec with the space", field: "device")
        }
        do {
            return (try predictors.defaultPredictor(space: space, device: device, control: control), nil)
        } catch where error.kind == .unknownDevice {
            // A device the user adapted or trained a predictor for is named by that predictor's id
            // (`adapt --samples-from my-phone.csv` makes `my-phone`): say so instead of only listing
            // the measured devices.
            guard let p = try? predictors.predictor(device), p.spaceID == space else { throw error }
            throw NASError(.unknownDevice, "'\(device)' is not a measured device of \(space), but it is the id of a predictor "
                           + "for it: give predictor '\(device)' instead of device (hwnas: --predictor \(device))", field: "device")
        }
    }

    /// A base predictor: an id, else (with `space`) a fixture device's default predictor;
    /// errors name `field`.
    public func basePredictor(_ base: String, space: String?, control: JobControl, field: String = "base") throws(NASError) -> TrainedPredictor {
        if let p = try? predictors.predictor(base) { return p }
        guard let space else {
            throw NASError(.unknownPredictor, "no predictor with id '\(base)' (give `space` to use a fixture device's default predictor as the \(field))", field: field)
        }
        do {
            return try predictors.defaultPredictor(space: space, device: base, control: control)
        } catch {
            throw error.kind == .unknownDevice
                ? NASError(.unknownPredictor, "'\(base)' is neither a predictor id nor a device of \(space): \(error.message)", field: field)
                : error
        }
    }
}
