import NASCore
import NASData
import NASSpaces

/// The pool `adaptProxy` may blend besides the proxy: one lookup-table model per fixture
/// device of a space, fitted by least squares on every measurement of that device (milliseconds
/// to fit, so no default predictor has to be trained first).
public enum FixturePool {
    /// LUT models of every fixture device of `space` except those in `excluding`; devices whose
    /// fit fails (too few measurements) are skipped.
    public static func luts(catalog: DataCatalog, space: String, excluding: Set<String>) throws(NASError) -> [ProxyLatencyModel] {
        let impl = try SpaceRegistry.space(space)
        let enc = ActiveOneHot(space: impl)
        var out: [ProxyLatencyModel] = []
        var seen = Set<String>()
        for device in catalog.deviceNames(space: space) where !excluding.contains(device) && seen.insert(device).inserted {
            let m = try catalog.measurements(space: space, device: device)
            guard m.archs.count >= 2 * enc.dimension,
                  let lut = try? LUTModel.fit(archs: m.archs, latency: m.latency, space: impl, encoding: enc) else { continue }
            out.append(.model(.lut(lut), name: device, space: impl))
        }
        return out
    }
}
