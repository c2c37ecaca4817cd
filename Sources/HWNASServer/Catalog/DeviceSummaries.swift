import HWNASApplication
import JSONRPC
import NASData
import NASSpaces

extension DomainServices {
    /// Every device with measurements: kind, batch, a human name and description (see
    /// `DeviceDescription`); `detailed` adds specs and the number of archs measured per space.
    public func deviceSummaries(detailed: Bool = false) -> [DeviceSummary] {
        let specs = (try? catalog.deviceSpecs()) ?? []
        var bySpace: [String: [String]] = [:]
        var tableOf: [String: String] = [:]
        var counts: [String: [String: Int]] = [:]
        var order: [String] = []
        for space in SpaceRegistry.all.map(\.id) {
            for table in catalog.tableNames(space: space) {
                let measured = detailed ? catalog.measuredCounts(ofTable: table) : [:]
                for d in catalog.devices(ofTable: table) {
                    if bySpace[d] == nil { order.append(d) }
                    if !(bySpace[d]?.contains(space) ?? false) { bySpace[d, default: []].append(space) }
                    tableOf[d] = tableOf[d] ?? table
                    if let n = measured[d] { counts[d, default: [:]][space, default: 0] += n }
                }
            }
        }
        return order.map { name in
            let spec = specs.first { $0.name == name }
            let about = DeviceDescription.describe(device: name, table: tableOf[name], spec: spec, specs: specs)
            var specValues: JSONValue? = nil
            if detailed, let spec, spec.gpuName != nil || !spec.values.isEmpty {
                var o: [String: JSONValue] = spec.values.mapValues { .number($0) }
                if spec.kind == "gpu", let g = spec.gpuName { o["gpu"] = .string(g) }
                if let a = spec.architecture { o["architecture"] = .string(a) }
                specValues = o.isEmpty ? nil : .object(o)
            }
            return DeviceSummary(name: name, kind: spec?.kind ?? Self.guessKind(name), batch: spec?.batch,
                                 spaces: bySpace[name] ?? [], displayName: about.displayName,
                                 description: about.description, source: about.source, specs: specValues,
                                 archsMeasured: detailed ? counts[name] : nil)
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
