import NASCore
import NASData
import NASNeural
import NASSpaces

/// The proxy device's latency as adaptation sees it: a function of architectures, plus, when
/// the proxy is a neural predictor, its network (which `finetune` fine-tunes, as OneProxy does).
public struct ProxyLatencyModel: Sendable {
    /// Proxy device (or predictor) name.
    public var name: String
    /// The space.
    public var space: any SearchSpace
    /// Milliseconds of the proxy for architectures.
    public var predict: @Sendable ([Architecture]) throws(NASError) -> [Double]
    /// The proxy's network on `ActiveOneHot` input, when it has one.
    public var network: NeuralRegressor?
    /// The latency model behind `predict`, when there is one (needed to save an adapted
    /// predictor that blends several devices; measured lookups have none).
    public var model: LatencyModel?
    /// The architectures a fixture device measured, when its table holds only part of a space
    /// that other fixture devices measured in full (NB201's OneProxy devices: 1,999 of 15,625
    /// cells, not a random part); nil for a full table or a predictor (`FixturePool.models` sets
    /// it, `FixturePool.matching(_:samples:)` reads it).
    public var partialTable: Set<Architecture>?

    /// Wraps a function (and optionally a network and the model it evaluates).
    public init(name: String, space: any SearchSpace, network: NeuralRegressor? = nil, model: LatencyModel? = nil,
                predict: @escaping @Sendable ([Architecture]) throws(NASError) -> [Double]) {
        self.name = name
        self.space = space
        self.network = network
        self.model = model
        self.predict = predict
    }

    /// A measured device of the fixtures used as proxy: looks latencies up; an architecture the
    /// device has no measurement of is an `invalidParams` error naming it.
    public static func measured(catalog: DataCatalog, space: String, device: String) throws(NASError) -> ProxyLatencyModel {
        let impl = try SpaceRegistry.space(space)
        let m = try catalog.measurements(space: space, device: device)
        var table: [Architecture: Double] = [:]
        table.reserveCapacity(m.archs.count)
        for (a, v) in zip(m.archs, m.latency) { table[a] = v }
        let lookup = table
        return ProxyLatencyModel(name: device, space: impl) { (archs: [Architecture]) throws(NASError) -> [Double] in
            var out: [Double] = []
            out.reserveCapacity(archs.count)
            for (i, a) in archs.enumerated() {
                guard let v = lookup[impl.canonical(a)] else {
                    throw NASError(.invalidParams, "proxy device '\(device)' has no measurement of \(impl.format(a)); use a predictor as proxy", field: "archs[\(i)]")
                }
                out.append(v)
            }
            return out
        }
    }

    /// A trained predictor used as proxy (its network is fine-tunable when it is a plain MLP).
    public static func predictor(_ p: TrainedPredictor, space: any SearchSpace) -> ProxyLatencyModel {
        var net: NeuralRegressor?
        if case .mlp(let r) = p.model { net = r }
        if case .split(.mlp(let r), _) = p.model { net = r }
        return ProxyLatencyModel(name: p.id, space: space, network: net, model: p.model) { (archs: [Architecture]) throws(NASError) -> [Double] in
            try p.predict(archs: archs)
        }
    }

    /// A latency model (e.g. a fixture device's LUT) used as proxy or pool member.
    public static func model(_ m: LatencyModel, name: String, space: any SearchSpace) -> ProxyLatencyModel {
        let enc = ActiveOneHot(space: space)
        return ProxyLatencyModel(name: name, space: space, model: m) { (archs: [Architecture]) throws(NASError) -> [Double] in
            try m.predict(archs, space: space, encoding: enc)
        }
    }
}
