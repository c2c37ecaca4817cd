import HWNASApplication
import NASData
import NASSpaces

extension DomainServices {
    /// Every device with measurements, with its kind and batch where devices.csv states them.
    public func deviceSummaries() -> [DeviceSummary] {
        let specs = (try? catalog.deviceSpecs()) ?? []
        var bySpace: [String: [String]] = [:]
        var order: [String] = []
        for space in SpaceRegistry.all.map(\.id) {
            for d in catalog.deviceNames(space: space) {
                if bySpace[d] == nil { order.append(d) }
                bySpace[d, default: []].append(space)
            }
        }
        return order.map { name in
            let spec = specs.first { $0.name == name }
            return DeviceSummary(name: name, kind: spec?.kind ?? Self.guessKind(name), batch: spec?.batch,
                                 spaces: bySpace[name] ?? [])
        }
    }

    /// Kind of the devices devices.csv does not describe (nn-Meter, HW-NAS-Bench, Eagle, OFA seed).
    static func guessKind(_ name: String) -> String {
        if name.contains("gpu") || name.contains("gtx") || name.contains("rtx") || name.contains("jetson") { return "gpu" }
        if name.contains("tpu") || name.contains("eyeriss") { return "asic" }
        if name.contains("raspi") { return "embedded-cpu" }
        if name.contains("pixel") || name.contains("note10") || name.contains("855") || name.hasPrefix("true_") { return "mobile" }
        if name.contains("i7") || name.contains("cpu") { return "cpu" }
        return "unknown"
    }
}
