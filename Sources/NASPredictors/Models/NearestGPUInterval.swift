import Foundation
import NASCore
import NASData

/// The prediction interval of the nearest-GPU answer (`NearestGPUModel`) for a spec that no
/// measured GPU of the space has (issue 17 item 4): how far a GPU chip's latencies lie from those
/// of its nearest measured GPU of another chip, over the chips of the fixtures.
///
/// Each calibration *setting* is one measured GPU (chip and batch size) answered as an unseen
/// spec would be: by its nearest GPU (`NearestGPUModel.nearest`) among the settings of the other
/// calibration chips, at the same batch. Its errors are the log ratios measured/answer over the
/// architectures both measured. The interval at `level` is the answer × e^(±q), q the quantile
/// at `level` of |log ratio| pooled with equal weight per setting (a split-conformal band on a
/// symmetric log residual, the chip being the exchangeable unit). It is computed from the
/// fixtures it answers from (NB201: about 40 ms, `hwnas-bench intervals --sections n`); the daemon
/// computes it once per space (`DomainServices.nearestGPUCalibration`).
///
/// What bounds it: a GPU's latencies differ from its neighbour's by a bias of its own (NB201 −17 %
/// to +20 %, OFA −49 % to +95 % median ratio) against a small spread within the GPU, and with
/// 3–4 chips per space one band for every unseen spec cannot hold per GPU
/// (`Benchmarks/results/intervals.md`, `hwnas-bench intervals --sections n`).
public struct NearestGPUInterval: Sendable {
    /// One measured GPU answered by its nearest GPU of another chip.
    public struct Setting: Sendable {
        /// The chip (`DeviceSpec.gpuName`, else the device name) and the device (chip and batch).
        public var chip: String
        public var device: String
        /// The nearest GPU of another calibration chip, which answered.
        public var neighbour: String
        /// log(measured / neighbour's measurement) over the architectures both measured.
        public var logRatios: [Double]

        /// The median of measured/answer − 1: this GPU's own bias against its neighbour.
        public var bias: Double {
            let s = logRatios.sorted()
            return exp(ErrorProfile.empiricalQuantile(s, 0.5)) - 1
        }
    }

    /// The calibration settings.
    public let settings: [Setting]
    /// |log ratio| of every setting, sorted, with each value's weight (1 / its setting's count).
    private let sortedAbs: [(value: Double, weight: Double)]
    /// The lowest and highest setting bias (median measured/answer − 1), computed once: each
    /// bias sorts its setting's ratios, which per call was half of a `predict {spec, interval}`.
    public let biasRange: (lower: Double, upper: Double)
    /// Running sums of `sortedAbs`' weights, for `halfWidth`.
    private let cumulativeWeights: [Double]

    /// An interval from `settings`; nil when none has an error.
    public init?(settings: [Setting]) {
        let kept = settings.filter { !$0.logRatios.isEmpty }
        guard !kept.isEmpty else { return nil }
        self.settings = kept
        sortedAbs = kept.flatMap { s in s.logRatios.map { (abs($0), 1 / Double(s.logRatios.count)) } }.sorted { $0.value < $1.value }
        var running = 0.0
        cumulativeWeights = sortedAbs.map { running += $0.weight; return running }
        let b = kept.map(\.bias)
        biasRange = (b.min() ?? 0, b.max() ?? 0)
    }

    /// The calibration chips.
    public var chips: [String] { Array(Set(settings.map(\.chip))).sorted() }

    /// q at `level`: the smallest |log ratio| whose weighted share at or below it reaches `level`
    /// (a binary search over the running sums, added in the same order as a scan would).
    public func halfWidth(level: Double) -> Double {
        let target = level * Double(settings.count) - 1e-12
        var lo = 0, hi = cumulativeWeights.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulativeWeights[mid] >= target { hi = mid } else { lo = mid + 1 }
        }
        return lo < sortedAbs.count ? sortedAbs[lo].value : (sortedAbs.last?.value ?? 0)
    }

    /// The central interval at `level` for an answer of `ms`: `ms × e^(−q)` to `ms × e^q`; with
    /// `alongside` (the hardware-generalized MLP's prediction for the same spec), the span of both
    /// widened so: where the two models disagree the interval grows by their disagreement. The
    /// band's q is not recalibrated for it, so it can only cover more (judged leave-one-chip-out it
    /// lifted NB201's lowest GPU from 0.80 to 0.93, `hwnas-bench intervals --sections n --nn-mlp yes`).
    public func interval(prediction ms: Double, alongside other: Double? = nil, level: Double) -> (lower: Double, upper: Double) {
        let q = halfWidth(level: level)
        let o = other.flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? ms
        return (min(ms, o) * exp(-q), max(ms, o) * exp(q))
    }

    /// The `confidence` margin of a nearest-GPU answer (`search`'s `confidence` for an unseen
    /// spec): an answer ≤ budget × (1 − margin) lies within the budget when its log ratio is ≤ q,
    /// q the |log ratio| quantile at `confidence` (`halfWidth`), which holds for at least that share
    /// of the calibration's latencies, P(r ≤ q) ≥ P(|r| ≤ q), whatever the sign of a chip's bias.
    /// 1 − e^(−q), at most 0.5 as `ErrorProfile.margin`.
    public func margin(confidence: Double) -> Double {
        min(max(1 - exp(-halfWidth(level: min(max(confidence, 0.5), 0.99))), 0), 0.5)
    }

    /// The calibration of `space`'s GPUs (`HardwareGeneralizedTrainer.gpuDevices`), each chip
    /// answered by its nearest among the other chips; with `excludingChip`, that chip is neither
    /// calibrated nor an answer (the benchmark judges a chip with the interval of the others).
    /// Nil with fewer than two chips.
    public static func calibrate(catalog: DataCatalog, space: String, excludingChip: String? = nil) throws(NASError) -> NearestGPUInterval? {
        let gpus = try HardwareGeneralizedTrainer(catalog: catalog).gpuDevices(space: space).filter { chip(of: $0) != excludingChip }
        var measured: [String: (archs: [Architecture], latency: [Double])] = [:]
        for d in gpus { measured[d.name] = try catalog.measurements(space: space, device: d.name) }
        var settings: [Setting] = []
        for d in gpus {
            let pool = gpus.filter { chip(of: $0) != chip(of: d) }
            guard !pool.isEmpty, let n = try NearestGPUModel.nearest(to: DeviceSpecVector.values(of: d), among: pool) else { continue }
            settings.append(Setting(chip: chip(of: d), device: d.name, neighbour: n.name,
                                    logRatios: logRatios(measured[d.name]!, answer: measured[n.name]!)))
        }
        return NearestGPUInterval(settings: settings)
    }

    /// The chip of a GPU device: its GPU name, else its device name (as `leaveOneChipOut`).
    public static func chip(of d: DeviceSpec) -> String { d.gpuName ?? d.name }

    /// log(measured / answer) over the architectures with a finite positive latency in both.
    public static func logRatios(_ measured: (archs: [Architecture], latency: [Double]),
                                 answer: (archs: [Architecture], latency: [Double])) -> [Double] {
        var out: [Double] = []
        func add(_ a: Double, _ b: Double) { if a.isFinite, b.isFinite, a > 0, b > 0 { out.append(log(a / b)) } }
        if measured.archs == answer.archs {
            for i in measured.latency.indices { add(measured.latency[i], answer.latency[i]) }
        } else {
            let lookup = NearestGPUModel.measurementLookup(answer)
            for (i, a) in measured.archs.enumerated() { if let b = lookup[a] { add(measured.latency[i], b) } }
        }
        return out
    }
}
