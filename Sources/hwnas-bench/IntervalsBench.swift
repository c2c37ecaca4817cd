// `hwnas-bench intervals [--fixtures DIR] [--state DIR] [--seeds N] [--sections dfaAEhn] [--devices a,b] [--defaults-space S]
//                        [--nn-mlp yes] [--bins N] [--outer-bins[-<kind>] yes|no] [--spread-edges[-<kind>] a,b|none]
//                        [--spread-envelope[-<kind>] yes|no] [--spread-upper own|all|mean]
//                        [--write-tables FILE] [--write-hw-profiles FILE] [--draws DIR]
//                        [--adapt-families f,g]`
//
// Coverage of `predict {interval}` on data the predictor and its error profile never saw, per
// NB201 fixture device (degenerate cells left out, as the defaults' trainer does):
// - d, defaults: the trainer's own held-out cells (14,284), cut in two halves; the profile built
//   on one half (as the trainer builds it on all of them) is judged on the other, and back;
// - f/a, fine-tuned and adapted predictors from 20 samples of the device (base: the device that
//   ranks it best), `--seeds` draws per device: the Student-t profile, and the profile calibrated
//   by a `FewSampleIntervalTable` computed from the OTHER devices' draws (leave-device-out);
// - A, `adapt` (`FewShotAdaptation.adapt`, base chosen from the fixture pool minus the device) from
//   20 samples, judged the same way with its own leave-device-out table;
// - E, `adaptProxy` without a proxy (`ProxyEnsemble.adapt`: the mean of the 3 closest pool members'
//   adaptations, pool = the fixture pool minus the device) from 20 samples, the same way;
//   `--write-tables` writes the tables of all devices' draws as `FewSampleIntervalTables.swift`
//   (the kinds not run keep the tables shipped now);
// - h, the hardware-generalized model: per GPU, its own held-out profile (split-half), and the
//   unseen-GPU profile judged on a model that never saw the GPU's chip, the profile built from
//   the OTHER chips' left-out errors only; `--write-hw-profiles` writes the profile of every
//   chip's left-out errors as `HardwareGeneralizedUnseenProfiles.swift` (what predict ships);
// - n, the nearest-GPU answer of `predict {spec}` for a GPU it never measured, per space (NB201,
//   FBNet, OFA) and GPU setting: the setting's chip left out of the GPUs, its nearest GPU among the
//   others answers, and the interval is `NearestGPUInterval` calibrated without that chip
//   (`runNearestGPUIntervals`); `--nn-mlp yes` adds the span with mlp-hw's answer that `predict`
//   ships (one mlp-hw fit per chip and space).
import Foundation
import NASCore
import NASPredictors
import NASSpaces

func runIntervalsBench(arguments: [String]) throws {
    let s = try NewDeviceScenario(arguments: arguments)
    let seeds = UInt64(benchOption(arguments, "--seeds") ?? "") ?? 1
    let levels = [0.8, 0.9, 0.95]
    let sections = Set(benchOption(arguments, "--sections") ?? "dfaAEhn")
    let devices = benchOption(arguments, "--devices").map { $0.split(separator: ",").map(String.init) } ?? NewDeviceScenario.devices
    let bins = Int(benchOption(arguments, "--bins") ?? "") ?? 3
    // `--outer-bins yes|no`: two more table bins, for predictions below and above every sample's;
    // `--spread-edges a,b|none`: the spread classes the tables are kept for. Either for one kind
    // only: `--outer-bins-<kind>`, `--spread-edges-<kind>`. Default: as shipped for the kind.
    func outerOption(_ kind: String) -> Bool? {
        (benchOption(arguments, "--outer-bins-\(kind)") ?? benchOption(arguments, "--outer-bins")).map { $0 == "yes" }
    }
    func edgesOption(_ kind: String) -> [Double]? {
        (benchOption(arguments, "--spread-edges-\(kind)") ?? benchOption(arguments, "--spread-edges")).map {
            $0 == "none" ? [] : $0.split(separator: ",").compactMap { Double($0) }
        }
    }
    func envelopeOption(_ kind: String) -> Bool? {
        (benchOption(arguments, "--spread-envelope-\(kind)") ?? benchOption(arguments, "--spread-envelope")).map { $0 == "yes" }
    }
    let sampleCount = 20
    func f(_ x: Double) -> String { NewDeviceScenario.f(x) }
    NewDeviceScenario.emit("# hwnas-bench intervals\n")
    NewDeviceScenario.emit("Run: `swift run -c release hwnas-bench intervals \(arguments.joined(separator: " "))`, \(ProcessInfo.processInfo.activeProcessorCount) cores.\n")
    NewDeviceScenario.emit("Coverage = share of held-out cells whose measured latency lies in [lower, upper] of `predict {interval}`; target: within ±0.03 of the level at 0.9. Width = median (upper − lower) / prediction at 0.9.\n")

    /// (coverage per level, median relative width at 0.9) of `profile` on (predicted, measured) pairs.
    func judge(_ profile: ErrorProfile, _ pred: [Double], _ actual: [Double]) -> ([Double], Double) {
        var cover = [Double](repeating: 0, count: levels.count), widths: [Double] = []
        for i in pred.indices {
            for (l, level) in levels.enumerated() {
                let b = profile.interval(prediction: pred[i], level: level)!
                if actual[i] >= b.lower && actual[i] <= b.upper { cover[l] += 1 }
                if level == 0.9 { widths.append((b.upper - b.lower) / max(pred[i], 1e-9)) }
            }
        }
        let n = Double(pred.count)
        return (cover.map { $0 / n }, widths.sorted()[widths.count / 2])
    }
    /// A held-out profile built on one half of (predicted, measured) pairs and judged on the
    /// other, and back: coverage per level and width, averaged over the two halves.
    func splitHalf(_ pred: [Double], _ actual: [Double], maxBins: Int) -> ([Double], Double) {
        var cover = [Double](repeating: 0, count: levels.count), width = 0.0
        for half in 0..<2 {
            let fit = pred.indices.filter { $0 % 2 == half }, test = pred.indices.filter { $0 % 2 != half }
            let profile = ErrorProfile(predicted: fit.map { pred[$0] }, actual: fit.map { actual[$0] }, maxBins: maxBins)!
            let (c, w) = judge(profile, test.map { pred[$0] }, test.map { actual[$0] })
            for l in levels.indices { cover[l] += c[l] / 2 }
            width += w / 2
        }
        return (cover, width)
    }
    func verdict(_ c: Double) -> String { abs(c - 0.9) <= 0.03 ? "yes" : "**no**" }

    if sections.contains("d") {
        // `--defaults-space S`: the defaults of another space (its devices: `--devices`).
        let dSpace = try SpaceRegistry.space(benchOption(arguments, "--defaults-space") ?? "nb201")
        NewDeviceScenario.emit("## Defaults (the daemon's `default-\(dSpace.id)-<device>`: \(PredictorTrainer.defaultTrainSize(space: dSpace.id)) cells trained, profile from the held-out cells)\n")
        NewDeviceScenario.emit("| device | variant | held-out cells | coverage 0.8 | coverage 0.9 | coverage 0.95 | width 0.9 | 0.9 within ±0.03 |")
        NewDeviceScenario.emit("|---|---|---|---|---|---|---|---|")
        for d in devices {
            let p = try s.store.defaultPredictor(space: dSpace.id, device: d)
            var m = try s.catalog.measurements(space: dSpace.id, device: d)
            // As the trainer does for a default (recipe 5): degenerate cells out, then the split.
            let live = dSpace.nonDegenerateIndices(m.archs)
            m = (archs: live.map { m.archs[$0] }, latency: live.map { m.latency[$0] })
            let order = PredictorTrainer.splitOrder(count: m.archs.count, seed: 0)
            let held = Array(order[min(PredictorTrainer.defaultTrainSize(space: dSpace.id), m.archs.count)...])
            precondition(held.count == p.metrics.testCount, "the trainer's split changed")
            guard !held.isEmpty else { continue }
            let pred = try p.predict(archs: held.map { m.archs[$0] }), actual = held.map { m.latency[$0] }
            let (cover, width) = splitHalf(pred, actual, maxBins: 32)
            NewDeviceScenario.emit("| \(d) | \(p.metrics.variant) | \(held.count) | \(f(cover[0])) | \(f(cover[1])) | \(f(cover[2])) | \(f(width)) | \(verdict(cover[1])) |")
        }

    }
    // Fits on a few samples: every draw's cross-validated residual summary and its held-out
    // cells; then each device judged with a table calibrated on the OTHER devices only.
    struct Draw { let residuals: FewSampleResiduals; let pred: [Double]; let actual: [Double]; let live: [Bool]; let base: String }
    // `--draws DIR`: each draw's fit outcome (residual summary, held-out predictions, base) saved
    // there and read back by a later run, which then fits nothing for it (the fits are seeded,
    // so a saved draw is the draw; a table or judging change can be re-run in seconds).
    let drawsDirectory = benchOption(arguments, "--draws")
    if let dir = drawsDirectory { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    func saveDraw(_ path: String, residuals: FewSampleResiduals, pred: [Double], base: String) throws {
        var w = BinaryWriter()
        w.string(base)
        w.string(residuals.encoded)
        w.doubles(pred)
        try AtomicFile.write(w.bytes, to: path)
    }
    func loadDraw(_ path: String) -> (residuals: FewSampleResiduals, pred: [Double], base: String)? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var r = BinaryReader(Array(data), from: 0, to: data.count, name: path)
        guard let base = try? r.string(), let text = try? r.string(), let residuals = FewSampleResiduals(encoded: text),
              let pred = try? r.doubles() else { return nil }
        return (residuals, pred, base)
    }
    var tables = FewSampleIntervalTable.allShipped
    var enveloped = FewSampleIntervalTable.envelopedKinds
    // `--adapt-families f,g`: `adapt`'s candidate families in section A (e.g. `stack`), judged
    // also with the shipped `adapt` table (what such a fit is calibrated by); keep its draws in
    // their own `--draws` directory, and its tables are not written.
    let adaptFamilies = try benchFamilies(arguments, "--adapt-families")
    if adaptFamilies != nil && benchOption(arguments, "--write-tables") != nil {
        throw NASError(.invalidParams, "--adapt-families judges other families against the shipped adapt table; it writes no tables")
    }
    let kinds: [(kind: String, section: Character)] = [(FineTuner.intervalKind, "f"), (ProxyAdaptation.intervalKind, "a"), (FewShotAdaptation.intervalKind, "A"),
                                                       (ProxyEnsemble.intervalKind, "E")]
    let fixturePool = sections.contains(where: { "aAE".contains($0) })
        ? try FixturePool.models(catalog: s.catalog, space: "nb201", excluding: []) : []
    for (kind, _) in kinds.filter({ sections.contains($0.section) }) {
        var draws: [String: [Draw]] = [:], fitSeconds: [Double] = [], addedSeconds: [Double] = []
        for d in devices {
            var base = s.base(for: d)
            for seed in 0..<seeds {
                let (idx, held) = s.split(target: d, k: sampleCount, seed: seed)
                let actual = held.map { s.measured[d]![$0] }, live = held.map { !s.space.isDegenerate(s.all[$0]) }
                let cache = drawsDirectory.map { "\($0)/\(kind)-\(d)-\(seed).draw" }
                if let cache, let saved = loadDraw(cache) {
                    draws[d, default: []].append(Draw(residuals: saved.residuals, pred: saved.pred, actual: actual, live: live, base: saved.base))
                    continue
                }
                let samples = s.samples(idx, target: d)
                let start = Date()
                let p: TrainedPredictor
                switch kind {
                case FineTuner.intervalKind: p = try s.fineTuned(base: base, samples: samples, seed: seed)
                case ProxyAdaptation.intervalKind: p = try s.adapted(pool: fixturePool, base: base, target: d, samples: samples, seed: seed)
                case ProxyEnsemble.intervalKind:
                    let e = try s.ensembled(pool: fixturePool, target: d, samples: samples, seed: seed)
                    (p, base) = (e.predictor, e.members.joined(separator: "+"))
                default:
                    let out = try s.adaptedByChoice(pool: fixturePool, target: d, samples: samples, seed: seed, families: adaptFamilies)
                    (p, base) = (out.predictor, "\(out.base) (\(out.family.rawValue))")
                }
                fitSeconds.append(Date().timeIntervalSince(start))
                guard let r = p.fewSampleResiduals else { throw NASError(.internal, "\(kind) on \(d) saved no residual summary") }
                // What the table adds to a fit: its predictions of the samples, their summary and the profile.
                let added = Date()
                let positions = try p.predict(archs: samples.map(\.arch))
                _ = FewSampleResiduals(predicted: positions, actual: samples.map(\.latencyMs), positions: positions)
                _ = ErrorProfile(fewSamples: r, table: .shipped(space: "nb201", kind: kind, for: r))
                addedSeconds.append(Date().timeIntervalSince(added))
                let pred = try p.predict(archs: held.map { s.all[$0] })
                draws[d, default: []].append(Draw(residuals: r, pred: pred, actual: actual, live: live, base: base))
                if let cache { try saveDraw(cache, residuals: r, pred: pred, base: base) }
            }
        }
        let edges = edgesOption(kind) ?? FewSampleIntervalTable.spreadEdges(space: "nb201", kind: kind)
        let outer = outerOption(kind) ?? (FewSampleIntervalTable.allShipped[FewSampleIntervalTable.key(space: "nb201", kind: kind, spreadClass: 0)]?.outerBins ?? false)
        let rows = outer ? bins + 2 : bins
        let classes = edges.count + 1
        /// The normalized live held-out residuals of `ds`' draws in spread class `k`, one group per draw.
        func groups(_ ds: [String], _ k: Int) -> [[(z: Double, bin: Int)]] {
            ds.flatMap { draws[$0]! }.filter { FewSampleIntervalTable.spreadClass($0.residuals, edges: edges) == k }.map { x in
                let live = x.pred.indices.filter { x.live[$0] }
                return x.residuals.normalized(predicted: live.map { x.pred[$0] }, actual: live.map { x.actual[$0] }, bins: rows, outer: outer)
            }
        }
        // `--spread-envelope[-<kind>] yes`: every class above the first is widened to cover the
        // one-class table of the same devices (`FewSampleIntervalTable.envelope(with:)`).
        let envelope = envelopeOption(kind) ?? FewSampleIntervalTable.envelopedKinds.contains(kind)
        if envelope { enveloped.insert(kind) } else { enveloped.remove(kind) }
        /// The table of each spread class from `ds`' draws (each class's groups normalized once);
        /// with the envelope, the classes above the first widened to cover the one of every spread.
        func classTables(_ ds: [String]) -> [FewSampleIntervalTable?] {
            let perClass = (0..<classes).map { groups(ds, $0) }
            func make(_ g: [[(z: Double, bin: Int)]]) -> FewSampleIntervalTable? {
                FewSampleIntervalTable(groups: g, bins: rows, sampleCount: sampleCount, outerBins: outer)
            }
            let own = perClass.map(make)
            // `--spread-upper all|mean` (a study, not shipped): the classes above the first take the
            // table of every spread instead, or the entry-wise mean of theirs and that one.
            if let how = benchOption(arguments, "--spread-upper"), how != "own", classes > 1, let one = make(perClass.flatMap { $0 }) {
                return own.enumerated().map { k, t in
                    guard k > 0, let t else { return t }
                    return how == "all" ? one : FewSampleIntervalTable(
                        sampleCount: t.sampleCount, z: zip(t.z, one.z).map { a, b in zip(a, b).map { ($0 + $1) / 2 } }, outerBins: t.outerBins)
                }
            }
            guard envelope, classes > 1, let one = make(perClass.flatMap { $0 }) else { return own }
            return own.enumerated().map { k, t in k > 0 ? t.flatMap { $0.envelope(with: one) } : t }
        }
        let isAdapt = kind == FewShotAdaptation.intervalKind
        // Kinds judged also with the `adaptProxy` table: would the existing table do for them?
        // (`adapt` with `--adapt-families`: with the shipped `adapt` table, what such a fit gets.)
        let borrows = isAdapt || kind == ProxyEnsemble.intervalKind
        let borrowedKind = isAdapt && adaptFamilies != nil ? FewShotAdaptation.intervalKind : ProxyAdaptation.intervalKind
        let how = kind == ProxyEnsemble.intervalKind ? "mean of adaptProxy auto with each of the 3 pool members closest to the samples as proxy; pool = the fixture pool minus the device; base column: the most frequent members"
            : isAdapt ? "base chosen by the samples from the fixture pool minus the device, family by `adapt`'s outer cross-validation\(adaptFamilies.map { " among " + $0.map(\.rawValue).joined(separator: ", ") } ?? ""); base column: the most frequent base (family)"
            : "auto; base = the device ranking it best"
        NewDeviceScenario.emit("\n## \(kind) from \(sampleCount) samples of the device (\(how)): \(seeds) sample draws per device\n")
        NewDeviceScenario.emit("Each draw: \(sampleCount) random cells of the device are the samples; its other cells with a data path are held out (\(draws.values.first?.first.map { x in x.live.filter { $0 }.count } ?? 0) cells). Coverage: **mean over the \(seeds) draws** [lowest – highest draw]. *Student-t*: the one-bin profile cross-validated on the samples (what shipped before). *Calibrated*: `FewSampleIntervalTable` (\(bins) position bins\(outer ? " and one each below and above the samples' predictions" : ""); \(edges.isEmpty ? "one spread class" : "spread classes split at \(edges.map { NewDeviceScenario.f($0, 2) }.joined(separator: ", ")) of the samples' log-latency SD")), computed from the OTHER \(devices.count - 1) devices' draws only (leave-device-out). All cells: the calibrated interval judged on every held-out cell, degenerate ones included. Spread: the draws' mean sample log-latency SD (class). SE: standard deviation of the draws' calibrated coverage at 0.9 over √draws, the noise of the mean itself.\(borrows ? " *\(borrowedKind) table*: the same residuals calibrated with the shipped `\(borrowedKind)` table (built from all 8 devices' \(borrowedKind) draws, so not leave-device-out): whether the existing table would do." : "")\n")
        NewDeviceScenario.emit("| device | base | spread | Student-t 0.9 | calibrated 0.8 | calibrated 0.9 | calibrated 0.95 | width 0.9 (Student-t → calibrated) | all cells 0.9 | SE of the mean 0.9 | calibrated 0.9 within ±0.03 |\(borrows ? " \(borrowedKind) table 0.9 |" : "")")
        NewDeviceScenario.emit("|---|---|---|---|---|---|---|---|---|---|---|\(borrows ? "---|" : "")")
        var met = 0
        // Per device, the calibrated coverage at 0.9 and the share of live held-out cells by where
        // the prediction falls among the samples' predictions: below the lowest, the table's
        // position bins, above the highest (pooled over the draws).
        var byRange: [String: (covered: [Double], cells: [Double])] = [:]
        for d in devices {
            let others = devices.filter { $0 != d }
            let ldo = classTables(others)
            var covered = [Double](repeating: 0, count: bins + 2), cells = [Double](repeating: 0, count: bins + 2)
            var plain: [Double] = [], cal: [[Double]] = [], all: [Double] = [], borrowed: [Double] = [], wPlain = 0.0, wCal = 0.0
            for x in draws[d]! {
                let live = x.pred.indices.filter { x.live[$0] }
                let lp = live.map { x.pred[$0] }, la = live.map { x.actual[$0] }
                let (cp, wp) = judge(ErrorProfile(fewSamples: x.residuals, table: nil), lp, la)
                let profile = ErrorProfile(fewSamples: x.residuals, table: ldo[FewSampleIntervalTable.spreadClass(x.residuals, edges: edges)])
                let (cc, wc) = judge(profile, lp, la)
                for (p, a) in zip(lp, la) {
                    let pos = x.residuals.positions
                    let r = p < pos[0] ? 0 : p > pos[pos.count - 1] ? bins + 1 : 1 + x.residuals.positionBin(p, bins: bins)
                    let b = profile.interval(prediction: p, level: 0.9)!
                    cells[r] += 1
                    if a >= b.lower && a <= b.upper { covered[r] += 1 }
                }
                plain.append(cp[1]); cal.append(cc); all.append(judge(profile, x.pred, x.actual).0[1])
                wPlain += wp / Double(seeds); wCal += wc / Double(seeds)
                if borrows {
                    let proxyTable = FewSampleIntervalTable.shipped(space: "nb201", kind: borrowedKind, for: x.residuals)
                    borrowed.append(judge(ErrorProfile(fewSamples: x.residuals, table: proxyTable), lp, la).0[1])
                }
            }
            func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
            func spread(_ v: [Double]) -> String { "\(f(mean(v))) [\(f(v.min()!)) – \(f(v.max()!))]" }
            let c9 = cal.map { $0[1] }
            // The draws' own noise: the standard error of the mean of `seeds` draws' coverage.
            let se = (c9.reduce(0) { $0 + ($1 - mean(c9)) * ($1 - mean(c9)) } / Double(max(c9.count - 1, 1)) / Double(c9.count)).squareRoot()
            if abs(mean(c9) - 0.9) <= 0.03 { met += 1 }
            byRange[d] = (covered, cells)
            let sd = draws[d]!.map(\.residuals.latencySpread).reduce(0, +) / Double(seeds)
            let bases = Dictionary(grouping: draws[d]!.map(\.base), by: { $0 })
            let base = bases.max { a, b in a.value.count < b.value.count || (a.value.count == b.value.count && a.key > b.key) }!.key
            let more = bases.count > 1 ? " +\(bases.count - 1) more" : ""
            NewDeviceScenario.emit("| \(d) | \(base)\(more) | \(NewDeviceScenario.f(sd, 2)) | \(spread(plain)) | \(f(mean(cal.map { $0[0] }))) | \(spread(c9)) | \(f(mean(cal.map { $0[2] }))) | \(f(wPlain)) → \(f(wCal)) | \(f(mean(all))) | \(f(se)) | \(verdict(mean(c9))) |\(borrows ? " \(spread(borrowed)) |" : "")")
        }
        let ranges = ["below the lowest sample"] + (0..<bins).map { "position bin \($0)" } + ["above the highest sample"]
        NewDeviceScenario.emit("\nCalibrated coverage at 0.9 by where the prediction falls among the samples' predictions (the position bins cut the samples' predictions in \(bins) equal counts; the first and last bins include the cells below and above every sample), pooled over the draws; in brackets the share of held-out cells there.\n")
        NewDeviceScenario.emit("| device | " + ranges.joined(separator: " | ") + " |")
        NewDeviceScenario.emit("|---|" + ranges.map { _ in "---|" }.joined())
        for d in devices {
            let (covered, cells) = byRange[d]!, total = cells.reduce(0, +)
            NewDeviceScenario.emit("| \(d) | " + ranges.indices.map { r in
                cells[r] == 0 ? "—" : "\(f(covered[r] / cells[r])) (\(NewDeviceScenario.f(100 * cells[r] / total, 0)) %)"
            }.joined(separator: " | ") + " |")
        }
        let fits = fitSeconds.sorted(), adds = addedSeconds.sorted()
        let timing = fits.isEmpty ? "every draw read from `--draws` (no fit timed)"
            : "median \(NewDeviceScenario.f(fits[fits.count / 2], 2)) s over the \(fits.count) draws fitted in this run; what the table adds to it (the model's predictions of its samples, their residual summary and the profile): median \(NewDeviceScenario.f(adds[adds.count / 2] * 1000, 3)) ms"
        NewDeviceScenario.emit("\nCalibrated mean coverage at 0.9 within ±0.03 on \(met) of \(devices.count) devices. Time per \(kind) (release, this run): \(timing).")
        for key in tables.keys where key.hasPrefix(String(FewSampleIntervalTable.key(space: "nb201", kind: kind, spreadClass: 0).dropLast())) { tables[key] = nil }
        for (k, t) in classTables(devices).enumerated() {
            tables[FewSampleIntervalTable.key(space: "nb201", kind: kind, spreadClass: k)] = t
        }
    }
    if let path = benchOption(arguments, "--write-tables") {
        var text = "// Generated by `hwnas-bench intervals --write-tables <this file>`; do not edit by hand.\n"
        let kept = Set(tables.keys.map { String($0.split(separator: "/")[1]) })
            .subtracting(kinds.filter { sections.contains($0.section) }.map(\.kind)).sorted()
        text += "// Run: hwnas-bench intervals \(arguments.joined(separator: " "))\(kept.isEmpty ? "" : " (tables of \(kept.joined(separator: ", ")) kept from the file before)"); see FewSampleIntervalTable and Benchmarks/results/intervals.md.\n\n"
        text += "extension FewSampleIntervalTable {\n    /// The shipped tables by \"<space>/<kind>\".\n    static let shippedTables: [String: FewSampleIntervalTable] = [\n"
        for (key, t) in tables.sorted(by: { $0.key < $1.key }) {
            text += "        \"\(key)\": FewSampleIntervalTable(sampleCount: \(t.sampleCount), z: [\n"
            for row in t.z { text += "            [" + row.map { String(format: "%.4f", $0) }.joined(separator: ", ") + "],\n" }
            text += "        ]\(t.outerBins ? ", outerBins: true" : "")),\n"
        }
        text += "    ]\n\n    /// The kinds whose tables above the first spread class were widened to cover the table of\n    /// every spread (`envelope(with:)`).\n"
        text += "    public static let envelopedKinds: Set<String> = [" + enveloped.sorted().map { "\"\($0)\"" }.joined(separator: ", ") + "]\n}\n"
        try AtomicFile.write(Array(text.utf8), to: path)
    }

    if sections.contains("h") {
        NewDeviceScenario.emit("\n## Hardware-generalized model (`default-nb201-mlp-hw`, all GPUs)\n")
        NewDeviceScenario.emit("Per GPU setting (chip and batch size). *Own profile*: what `predict {spec, interval}` uses for a training GPU's spec, the GPU's own held-out profile (≤ 8 bins) of the model trained on every GPU, built on one half of its held-out cells (at most 3,000) and judged on the other, and back (as for the defaults). *Unseen GPU*: what any other spec gets, judged as a GPU the model never saw: the model fitted without this GPU's chip (every batch size of it; `HardwareGeneralizedTrainer.leaveOneChipOut`, at most 3,000 cells per setting), its interval from the unseen-GPU profile built as the shipped one is (`unseenGPUProfile`) but from the OTHER chips' left-out errors only. *Before*: the same predictions judged with what such a spec got before, the pooled held-out profile of the model trained on every GPU (GPUs it had seen).\n")
        NewDeviceScenario.emit("*Bias*: the median of measured/predicted − 1 of the model that never saw the chip; *spread*: the 5–95 % range of measured/predicted around that median (what an interval of this GPU alone would need to span at 0.9). A bias larger than half the spread puts this GPU's cells mostly on one side of any interval centred like the others'.\n")
        NewDeviceScenario.emit("| GPU | own 0.9 | own width 0.9 | own 0.9 within ±0.03 | unseen: bias | unseen: spread | unseen: before 0.9 | unseen 0.8 | unseen 0.9 | unseen 0.95 | unseen width 0.9 (before → now) | unseen 0.9 within ±0.03 |")
        NewDeviceScenario.emit("|---|---|---|---|---|---|---|---|---|---|---|---|")
        let trainer = HardwareGeneralizedTrainer(catalog: s.catalog)
        let gpus = try trainer.gpuDevices(space: "nb201")
        var config = HardwareGeneralizedTrainer.defaultConfig
        config.seed = 0
        let perDevice = PredictorTrainer.defaultTrainSize(space: "nb201")
        let fit = try trainer.fit(space: s.space, devices: gpus, perDevice: perDevice, config: config, control: .none)
        let model = LatencyModel.hardware(fit.model)
        var pairs: [String: (pred: [Double], actual: [Double])] = [:]
        for g in gpus {
            let held = fit.heldOut[g.name]!
            let n = min(3000, held.archs.count)
            pairs[g.name] = (try model.predict(Array(held.archs.prefix(n)), space: s.space, encoding: ActiveOneHot(space: s.space),
                                               device: try trainer.spec(forDevice: g.name)), Array(held.latency.prefix(n)))
        }
        let pooled = ErrorProfile(predicted: gpus.flatMap { pairs[$0.name]!.pred }, actual: gpus.flatMap { pairs[$0.name]!.actual })!
        let unseen = try trainer.leaveOneChipOut(space: s.space, devices: gpus, perDevice: perDevice, config: config, control: .none)
        var met = (own: 0, unseen: 0, before: 0), biases: [Double] = [], coverages: [Double] = []
        for g in gpus {
            let (own, ownWidth) = splitHalf(pairs[g.name]!.pred, pairs[g.name]!.actual, maxBins: 8)
            let e = unseen.first { $0.device == g.name }!
            let profile = HardwareGeneralizedTrainer.unseenGPUProfile(unseen.filter { $0.chip != e.chip })!
            let (c, w) = judge(profile, e.predicted, e.actual)
            let (b, bw) = judge(pooled, e.predicted, e.actual)
            let ratios = zip(e.actual, e.predicted).map { $0 / $1 }.sorted()
            let median = ErrorProfile.empiricalQuantile(ratios, 0.5)
            let spread = (ErrorProfile.empiricalQuantile(ratios, 0.95) - ErrorProfile.empiricalQuantile(ratios, 0.05)) / median
            biases.append(median - 1)
            coverages.append(c[1])
            if abs(own[1] - 0.9) <= 0.03 { met.own += 1 }
            if abs(c[1] - 0.9) <= 0.03 { met.unseen += 1 }
            if abs(b[1] - 0.9) <= 0.03 { met.before += 1 }
            NewDeviceScenario.emit("| \(g.name) | \(f(own[1])) | \(f(ownWidth)) | \(verdict(own[1])) | \(NewDeviceScenario.f(100 * (median - 1), 1)) % | \(NewDeviceScenario.f(100 * spread, 1)) % | \(f(b[1])) | \(f(c[0])) | \(f(c[1])) | \(f(c[2])) | \(f(bw)) → \(f(w)) | \(verdict(c[1])) |")
        }
        let meanCoverage = coverages.reduce(0, +) / Double(coverages.count)
        if let path = benchOption(arguments, "--write-hw-profiles"), let shipped = HardwareGeneralizedTrainer.unseenGPUProfile(unseen) {
            let text = "// Generated by `hwnas-bench intervals --sections h --write-hw-profiles <this file>`; do not edit by hand.\n"
                + "// Run: hwnas-bench intervals \(arguments.joined(separator: " ")); the default mlp-hw recipe's errors on GPU chips it never saw\n"
                + "// (leaveOneChipOut, every chip of the fixtures), see Benchmarks/results/intervals.md.\n\n"
                + "extension HardwareGeneralizedTrainer {\n    /// The shipped unseen-GPU profiles (`ErrorProfile.encoded`) by space.\n"
                + "    static let shippedUnseenGPUProfiles: [String: String] = [\n        \"nb201\": \"\(shipped.encoded)\",\n    ]\n}\n"
            try AtomicFile.write(Array(text.utf8), to: path)
        }
        NewDeviceScenario.emit("\nWithin ±0.03 of 0.9: own profile \(met.own) of \(gpus.count); unseen GPU \(met.unseen) of \(gpus.count) (before: \(met.before)). Unseen GPU: mean coverage at 0.9 over the settings \(f(meanCoverage)); bias from \(NewDeviceScenario.f(100 * biases.min()!, 1)) % to \(NewDeviceScenario.f(100 * biases.max()!, 1)) %.")
    }
    if sections.contains("n") { try runNearestGPUIntervals(s, levels: levels, withMLP: benchOption(arguments, "--nn-mlp") == "yes") }
}
