/// What a newcomer needs to know about a measured device: a human name, one line of
/// description and the source of its latencies. Facts come only from `hardware/devices.csv`
/// and the fixtures' README (its table of sources and its caveats); nothing is guessed, so a
/// device the sources do not describe says so.
public struct DeviceDescription: Sendable, Equatable {
    /// E.g. `Google Pixel 3`.
    public var displayName: String
    /// E.g. `Google Pixel 3, phone, batch 1; latencies from HW-NAS-Bench`.
    public var description: String
    /// Where the latencies come from, e.g. `HW-NAS-Bench`.
    public var source: String?

    /// The description of `device`, measured in latency table `table`, with its devices.csv
    /// row `spec` if it has one; `specs` are all devices.csv rows (a OneProxy copy of an
    /// HW-NAS-Bench device borrows its name).
    public static func describe(device: String, table: String?, spec: DeviceSpec?, specs: [DeviceSpec]) -> DeviceDescription {
        if let spec {
            let name = spec.gpuName ?? device
            var parts = [name, kindPhrase(spec.kind)]
            if let b = spec.batch { parts.append("batch \(b)") }
            var text = parts.joined(separator: ", ")
            if let s = spec.source { text += "; latencies from \(s)" }
            for note in notes where note.device == device { text += "; " + note.text }
            return DeviceDescription(displayName: name, description: text, source: spec.source)
        }
        for origin in origins where origin.table == table && device.hasPrefix(origin.prefix) {
            let suffix = String(device.dropFirst(origin.prefix.count))
            let twin = origin.borrowsNames ? specs.first { $0.name == suffix && $0.source == "HW-NAS-Bench" } : nil
            let name = twin?.gpuName ?? origin.name(suffix)
            var text = name + (twin.map { ", " + kindPhrase($0.kind) } ?? "")
            text += "; latencies from \(origin.source) (fixtures/\(table ?? ""))"
            if twin == nil && origin.undescribed { text += "; the sources do not describe this device beyond its name '\(suffix)'" }
            for note in notes where note.device == device { text += "; " + note.text }
            return DeviceDescription(displayName: name, description: text, source: origin.source)
        }
        return DeviceDescription(displayName: device, description: "\(device); not described by the fixtures", source: nil)
    }

    /// devices.csv kinds in words.
    static func kindPhrase(_ kind: String) -> String {
        switch kind {
        case "gpu": return "GPU"
        case "cpu": return "CPU"
        case "mobile": return "phone"
        case "embedded-cpu": return "embedded CPU board"
        case "asic": return "accelerator (ASIC)"
        default: return kind
        }
    }

    /// Devices without a devices.csv row, by table and name prefix (fixtures/README.md).
    struct Origin: Sendable {
        var table: String
        var prefix: String
        var source: String
        var name: @Sendable (String) -> String
        var borrowsNames = false
        var undescribed = true
    }

    static let origins: [Origin] = [
        Origin(table: "nb201_oneproxy", prefix: "true_", source: "nn-Meter via OneProxy", name: { "nn-Meter device \($0)" }),
        Origin(table: "nb201_oneproxy", prefix: "rice_", source: "HW-NAS-Bench via OneProxy", name: { "HW-NAS-Bench device \($0)" },
               borrowsNames: true),
        Origin(table: "nb201_oneproxy", prefix: "eagle_", source: "BRP-NAS/Eagle via OneProxy", name: { "BRP-NAS/Eagle device \($0)" }),
        Origin(table: "ofa_mbv3_seed", prefix: "rtx2080ti", source: "the seed paper's repository (NAS_PerformanceEstimation)",
               name: { _ in "RTX 2080 Ti" }, undescribed: false),
        Origin(table: "ofa_mbv3_seed", prefix: "note10_lut", source: "the seed paper's repository (NAS_PerformanceEstimation)",
               name: { _ in "Samsung Note10 (lookup table)" }, undescribed: false),
    ]

    /// The README's caveats, per device.
    static let notes: [(device: String, text: String)] = [
        ("titanx_1", "may be the Pascal TITAN X (assumed) or the Maxwell GTX TITAN X"),
        ("titanx_32", "may be the Pascal TITAN X (assumed) or the Maxwell GTX TITAN X"),
        ("titanx_64", "may be the Pascal TITAN X (assumed) or the Maxwell GTX TITAN X"),
        ("titanx_256", "may be the Pascal TITAN X (assumed) or the Maxwell GTX TITAN X"),
        ("gold_6226", "batch size not stated by the source"),
        ("gold_6240", "batch size not stated by the source"),
        ("silver_4114", "batch size not stated by the source"),
        ("pixel3", "near-zero latencies (0.003 ms) for NB201 cells whose output is cut off by none edges"),
        ("raspi4", "near-zero latencies (0.003 ms) for NB201 cells whose output is cut off by none edges"),
        ("rice_edgetpu", "no measurement for 259 architectures"),
        ("eagle_gtx", "ranks architectures almost exactly as eagle_i7 does (Spearman 0.998), a quirk of the source"),
        ("eagle_i7", "ranks architectures almost exactly as eagle_gtx does (Spearman 0.998), a quirk of the source"),
        ("rtx2080ti", "measured, batch size not stated"),
        ("note10_lut", "OFA's per-layer latency lookup table summed per architecture (what a LUT-based NAS sees), not an end-to-end measurement"),
    ]
}
