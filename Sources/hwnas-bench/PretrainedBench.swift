// `hwnas-bench pretrained`: generates the models shipped in `fixtures/pretrained/` (issue 22):
// the default hardware-generalized predictor of every space with GPUs (`default-<space>-mlp-hw`,
// what `predict {spec}` uses), the OFA ImageNet top-1 accuracy predictor, and the fixture default
// predictors whose training runs longest (`PredictorTrainer.shippedDefaultMinimumEpochs`), each trained by the
// daemon's own code with today's recipes and seeds, written in the files the daemon reads
// (`.hwnp`, `.hwna`), with `provenance.json`: recipe, seeds, fixture digests, commit, date, CPU,
// and the held-out metrics reached. Without `--write` it trains, prints the provenance and says
// whether each model is byte-identical to the shipped one (a reproducibility check).
import Foundation
import NASCore
import NASData
import NASPredictors
import NASSearch
import NASSpaces

/// Entry point of `hwnas-bench pretrained [--fixtures DIR] [--write DIR] [--spaces nb201,fbnet,ofa_mbv3] [--no-ofa-accuracy] [--no-defaults]`.
func runPretrainedBench(arguments: [String]) throws {
    let known: Set<String> = ["--fixtures", "--write", "--spaces", "--no-ofa-accuracy", "--no-defaults"]
    if let unknown = arguments.first(where: { $0.hasPrefix("--") && !known.contains($0) }) {
        throw NASError(.invalidParams, "unknown option \(unknown)")
    }
    let fixtures = benchOption(arguments, "--fixtures"), output = benchOption(arguments, "--write")
    let spaces = benchOption(arguments, "--spaces")?.split(separator: ",").map(String.init)
    let ofaAccuracy = !arguments.contains("--no-ofa-accuracy"), defaults = !arguments.contains("--no-defaults")
    let catalog = DataCatalog(fixturesDirectory: try FixturesLocator.locate(fixtures))
    let trainer = HardwareGeneralizedTrainer(catalog: catalog)
    let hardwareSpaces = spaces ?? SpaceRegistry.entries.map(\.space.id).filter { (try? trainer.gpuDevices(space: $0).count) ?? 0 >= 2 }
    var models: [[String: Any]] = []
    var files: [(name: String, bytes: [UInt8])] = []

    func fileDigests(_ names: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for n in names { out[n] = try catalog.fileDigest([n]) }
        return out
    }
    func recipe(_ c: MLPTrainingConfig) -> [String: Any] {
        ["hidden": c.hidden, "learningRate": c.learningRate, "batchSize": c.batchSize, "maxEpochs": c.maxEpochs,
         "patience": c.patience, "weightDecay": c.weightDecay, "validationFraction": c.validationFraction, "seed": c.seed]
    }
    func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(xs.count, 1)) }

    for space in hardwareSpaces {
        let id = "default-\(space)-mlp-hw"
        let counter = EpochCounter()
        let t0 = Date(), cpu0 = benchCPUSeconds()
        // Exactly what PredictorStore.defaultHardwarePredictor trains.
        let p = try trainer.train(TrainRequest(space: space, model: .hardware, id: id), control: counter.control)
        let seconds = Date().timeIntervalSince(t0), cpu = benchCPUSeconds() - cpu0
        let bytes = PredictorFile.encode(p)
        let name = id + "." + PredictorFile.fileExtension
        files.append((name, bytes))
        func summary(limit: Int) throws -> [String: Any] {
            let m = try trainer.heldOutMetrics(of: p, space: space, limit: limit)
            return ["rule": "the first \(limit) rows of each training GPU it did not train on, at the GPU's spec (HardwareGeneralizedTrainer.heldOutMetrics)",
                    "meanRMSEms": mean(m.map(\.metrics.rmse)), "meanSRCC": mean(m.map(\.metrics.spearman)),
                    "perGPU": Dictionary(uniqueKeysWithValues: m.map { ($0.device, ["rmse": $0.metrics.rmse, "srcc": $0.metrics.spearman, "rows": $0.metrics.count]) })]
        }
        var config = HardwareGeneralizedTrainer.defaultConfig
        config.seed = 0
        var r = recipe(config)
        r["predictorRecipe"] = HardwareGeneralizedTrainer.recipe
        r["rowsPerGPU"] = PredictorTrainer.defaultTrainSize(space: space)
        r["transform"] = "logStandardized"
        r["encoding"] = "ActiveOneHot + DeviceSpecVector"
        models.append([
            "file": name, "bytes": bytes.count, "kind": "mlp-hw", "space": space, "id": id, "recipe": r,
            "gpus": try trainer.gpuDevices(space: space).map(\.name),
            "fixtureFiles": try fileDigests(try trainer.fixtureFiles(space: space)),
            "fixtureDigest": p.notes[HardwareGeneralizedTrainer.fixtureDigestKey] ?? "",
            "fixtureDigestRule": "DataCatalog.fileDigest(fixtureFiles), kept in the file's notes (\(HardwareGeneralizedTrainer.fixtureDigestKey)); the daemon uses the file only when its fixtures have it",
            "trainRows": p.metrics.trainCount, "epochs": counter.count,
            "trainingSeconds": seconds, "trainingCPUSeconds": cpu,
            "heldOut": try summary(limit: 3000), "check": try summary(limit: 100),
        ])
        print("\(id): \(counter.count) epochs, \(String(format: "%.2f", seconds)) s (\(String(format: "%.2f", cpu)) CPU s), \(bytes.count) bytes")
    }

    if ofaAccuracy {
        let space = try SpaceRegistry.space(OFAMobileNetV3Space().id)
        let counter = EpochCounter()
        let t0 = Date(), cpu0 = benchCPUSeconds()
        // Exactly what OFAAccuracyPredictor.loadOrTrain trains.
        let p = try OFAAccuracyPredictor.train(catalog: catalog, space: space, control: counter.control)
        let seconds = Date().timeIntervalSince(t0), cpu = benchCPUSeconds() - cpu0
        let data = try catalog.ofaAccuracy()
        let fingerprint = OFAAccuracyPredictor.dataFingerprint(archs: data.archs, top1: data.top1)
        let bytes = p.encoded(dataFingerprint: fingerprint)
        files.append((OFAAccuracyPredictor.fileName, bytes))
        var r = recipe(OFAAccuracyPredictor.defaultConfig)
        r["accuracyRecipe"] = OFAAccuracyPredictor.recipe
        r["holdOutFraction"] = 0.2
        r["transform"] = p.regressor.transform.rawValue
        r["encoding"] = p.encoding
        models.append([
            "file": OFAAccuracyPredictor.fileName, "bytes": bytes.count, "kind": "ofa-accuracy", "space": space.id, "recipe": r,
            "fixtureFiles": try fileDigests([DataCatalog.ofaAccuracyFile]),
            "fixtureDigest": fingerprint,
            "fixtureDigestRule": "OFAAccuracyPredictor.dataFingerprint of the parsed measurements, kept in the file; the daemon uses the file only when its fixtures have it",
            "trainRows": p.trainingCount, "epochs": counter.count,
            "trainingSeconds": seconds, "trainingCPUSeconds": cpu,
            "heldOut": ["rule": "20% of the 2,223 measurements (seed 0), never trained on", "rmse": p.heldOut.rmse,
                        "srcc": p.heldOut.spearman, "rows": p.heldOut.count],
        ])
        print("\(OFAAccuracyPredictor.fileName): \(counter.count) epochs, \(String(format: "%.2f", seconds)) s (\(String(format: "%.2f", cpu)) CPU s), \(bytes.count) bytes")
    }

    if defaults {
        // Exactly what PredictorStore.defaultPredictor trains; shipped when its training is long.
        let trainer = PredictorTrainer(catalog: catalog)
        var config = MLPTrainingConfig()
        config.seed = 0
        for space in spaces ?? SpaceRegistry.entries.map(\.space.id) {
            var seen = Set<String>()
            for device in catalog.deviceNames(space: space) where seen.insert(device).inserted {
                let counter = EpochCounter()
                let t0 = Date(), cpu0 = benchCPUSeconds()
                let p = try trainer.train(PredictorStore.defaultTrainRequest(space: space, device: device), control: counter.control)
                let seconds = Date().timeIntervalSince(t0), cpu = benchCPUSeconds() - cpu0
                guard counter.count >= PredictorTrainer.shippedDefaultMinimumEpochs else { continue }
                let bytes = PredictorFile.encode(p)
                let name = p.id + "." + PredictorFile.fileExtension
                files.append((name, bytes))
                var r = recipe(config)
                r["predictorRecipe"] = PredictorTrainer.recipe
                r["model"] = "auto"
                r["trainRows"] = PredictorTrainer.defaultTrainSize(space: space)
                r["excludeDegenerate"] = true
                models.append([
                    "file": name, "bytes": bytes.count, "kind": "default", "space": space, "device": device, "id": p.id, "recipe": r,
                    "variant": p.metrics.variant,
                    "fixtureFiles": try fileDigests(try trainer.fixtureFiles(space: space, device: device)),
                    "fixtureDigest": p.notes[TrainedPredictor.fixtureDigestKey] ?? "",
                    "fixtureDigestRule": "DataCatalog.fileDigest(fixtureFiles), kept in the file's notes (\(TrainedPredictor.fixtureDigestKey)); the daemon uses the file only when its fixtures have it and its recipe is the build's",
                    "shippedBecause": "auto trained \(counter.count) epochs in all, >= PredictorTrainer.shippedDefaultMinimumEpochs (\(PredictorTrainer.shippedDefaultMinimumEpochs))",
                    "trainRows": p.metrics.trainCount, "epochs": counter.count,
                    "trainingSeconds": seconds, "trainingCPUSeconds": cpu,
                    "heldOut": ["rule": "every measured architecture of the device not trained on, degenerate ones left out",
                                "rmse": p.metrics.heldOut?.rmse ?? .nan, "srcc": p.metrics.heldOut?.spearman ?? .nan,
                                "rows": p.metrics.heldOut?.count ?? 0],
                ])
                print("\(p.id): \(counter.count) epochs, \(String(format: "%.2f", seconds)) s (\(String(format: "%.2f", cpu)) CPU s), \(bytes.count) bytes")
            }
        }
    }

    let provenance: [String: Any] = [
        "generatedBy": ShippedModels.regenerateCommand,
        "hwnasdCommit": benchCommandOutput(["git", "rev-parse", "HEAD"])
            + (benchCommandOutput(["git", "status", "--porcelain", "--untracked-files=no"]).isEmpty ? "" : " (with uncommitted changes)"),
        "date": ISO8601DateFormatter().string(from: Date()),
        "cpu": pretrainedCPUName(), "cores": ProcessInfo.processInfo.activeProcessorCount,
        "loadAverage": benchLoadAverage(),
        "models": models,
    ]
    let json = try JSONSerialization.data(withJSONObject: provenance, options: [.prettyPrinted, .sortedKeys])
    print(String(decoding: json, as: UTF8.self))
    let shipped = catalog.shippedModelsDirectory
    for f in files {
        let old = try? AtomicFile.read(shipped + "/" + f.name)
        print("\(f.name): \(old == nil ? "not shipped" : old! == f.bytes ? "identical to the shipped file" : "differs from the shipped file")")
    }
    if let output {
        try AtomicFile.createDirectory(output)
        for f in files { try AtomicFile.write(f.bytes, to: output + "/" + f.name) }
        try AtomicFile.write(Array(json) + [UInt8(ascii: "\n")], to: output + "/" + ShippedModels.provenanceFile)
        print("wrote \(files.count) models and \(ShippedModels.provenanceFile) to \(output)")
    }
}

/// The CPU's model name from /proc/cpuinfo.
private func pretrainedCPUName() -> String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
    return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
}
