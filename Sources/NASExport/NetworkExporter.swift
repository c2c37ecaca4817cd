import NASCore
import NASSpaces

/// What an export writes besides the architecture.
public struct ExportOptions: Sendable, Equatable {
    /// Batch size of the graph's input and output (1...1024).
    public var batch: Int
    /// Seed of the random weights.
    public var seed: UInt64
    /// Random or zero weights.
    public var weights: WeightFill
    /// Leave out operations whose output reaches no graph output (NB201's edges off every data
    /// path, as TFLite-style runtimes do); the default keeps them, as PyTorch runs them.
    public var pruneDead: Bool

    /// Options with the protocol's defaults: batch 1, seed 0, random weights, nothing pruned.
    public init(batch: Int = 1, seed: UInt64 = 0, weights: WeightFill = .random, pruneDead: Bool = false) {
        self.batch = batch
        self.seed = seed
        self.weights = weights
        self.pruneDead = pruneDead
    }
}

/// One exported network.
public struct ExportedNetwork: Sendable {
    /// The architecture exported (canonical; with the requested resolution).
    public var arch: Architecture
    /// The input resolution.
    public var resolution: Int
    /// The ONNX model.
    public var bytes: [UInt8]
    /// MACs of one sample of the exported graph, in the cost model's convention.
    public var macs: Double
    /// Parameters of the exported graph, each folded batch norm counted as its 2 per channel.
    public var params: Double
}

/// Exports architectures of the search spaces as ONNX networks (`NetworkBuilder` per space,
/// `ONNXSerializer` for the bytes).
public enum NetworkExporter {
    /// The builders, one per space that can be exported. A new space registers its builder here.
    public static let builders: [any NetworkBuilder] = [
        NB201Network(), FBNetNetwork(), OFAMobileNetV3Network(), ProxylessNetwork(), MobileNetV2Network(),
    ]

    /// Largest batch accepted.
    public static let maxBatch = 1024

    /// The builder of a space, or `invalidParams` naming the spaces that can be exported.
    public static func builder(for space: any SearchSpace) throws(NASError) -> any NetworkBuilder {
        guard let b = builders.first(where: { $0.spaceID == space.id }) else {
            throw NASError(.invalidParams, "space '\(space.id)' cannot be exported; exportable: \(builders.map(\.spaceID).joined(separator: ", "))",
                           field: "space")
        }
        return b
    }

    /// The input resolutions a space's networks take: its fixed one, or the options of its `r`
    /// decision.
    public static func resolutions(of space: any SearchSpace) throws(NASError) -> [Int] {
        let b = try builder(for: space)
        if let r = b.fixedResolution { return [r] }
        guard let i = space.decisionNames.firstIndex(of: "r") else { return [] }
        return space.optionLabels(ofDecision: i).compactMap { Int($0) }
    }

    /// The input resolution of `arch`.
    public static func resolution(of arch: Architecture, in space: any SearchSpace) throws(NASError) -> Int {
        let b = try builder(for: space)
        if let r = b.fixedResolution { return r }
        guard let r = space.fields(of: arch)["r"]?.first else {
            throw NASError(.internal, "space '\(space.id)' has neither a fixed resolution nor an r field")
        }
        return r
    }

    /// `arch` at input `resolution` (the same architecture for a space with one resolution);
    /// `invalidParams` on `resolution` when the space does not have it.
    public static func architecture(_ arch: Architecture, in space: any SearchSpace, resolution: Int) throws(NASError) -> Architecture {
        let allowed = try resolutions(of: space)
        guard allowed.contains(resolution) else {
            let list = allowed.count > 3 ? "\(allowed.first!)...\(allowed.last!) step \(allowed[1] - allowed[0])" : allowed.map(String.init).joined(separator: ", ")
            throw NASError(.invalidParams, "\(space.id) has no resolution \(resolution); allowed: \(list) (or leave resolution out)",
                           field: "resolution")
        }
        guard try builder(for: space).fixedResolution == nil else { return arch }
        var f = space.fields(of: arch)
        f["r"] = [resolution]
        var a = try space.parse(fields: f)
        space.canonicalize(&a)
        return a
    }

    /// The graph of `arch` (canonical, valid in `space`) with its counts.
    public static func graph(_ arch: Architecture, in space: any SearchSpace, options: ExportOptions) throws(NASError) -> GraphBuilder {
        let b = try builder(for: space)
        return b.build(arch, resolution: try resolution(of: arch, in: space), batch: options.batch, pruneDead: options.pruneDead)
    }

    /// The ONNX model of `arch` (canonical, valid in `space`).
    public static func export(_ arch: Architecture, in space: any SearchSpace, options: ExportOptions) throws(NASError) -> ExportedNetwork {
        guard (1...maxBatch).contains(options.batch) else {
            throw NASError(.invalidParams, "batch must be in 1...\(maxBatch), got \(options.batch)", field: "batch")
        }
        let g = try graph(arch, in: space, options: options)
        let r = try resolution(of: arch, in: space)
        let doc = "\(space.id) \(space.format(arch)); batch \(options.batch), \(options.weights.rawValue) weights (seed \(options.seed)), BN folded into the convs\(options.pruneDead ? ", dead operations pruned" : "")"
        let bytes = ONNXSerializer.modelBytes(g.graph, fill: options.weights, seed: options.seed, docString: doc,
                                              metadata: metadata(arch, in: space, resolution: r, options: options))
        return ExportedNetwork(arch: arch, resolution: r, bytes: bytes, macs: g.macs, params: g.params)
    }

    /// The key prefix of the `metadata_props` every export carries.
    public static let metadataPrefix = "hwnasd."

    /// What a file says about itself, for a tool that times it far from the daemon (`hwnas
    /// measure --onnx`): `hwnasd.space`, `hwnasd.arch` (formatted, canonical), `hwnasd.batch`,
    /// `hwnasd.weights`, `hwnasd.seed`, `hwnasd.pruneDead`, `hwnasd.resolution`.
    public static func metadata(_ arch: Architecture, in space: any SearchSpace, resolution: Int,
                                options: ExportOptions) -> [(key: String, value: String)] {
        [("space", space.id), ("arch", space.format(arch)), ("batch", String(options.batch)),
         ("weights", options.weights.rawValue), ("seed", String(options.seed)),
         ("pruneDead", options.pruneDead ? "true" : "false"), ("resolution", String(resolution))]
            .map { (key: metadataPrefix + $0.0, value: $0.1) }
    }

    /// A file name for `arch` exported with `options`: `<space>-<16 hex digits>.onnx`, the hex a
    /// 64-bit FNV-1a hash of the formatted architecture and the options that change the bytes,
    /// so different exports into one directory do not collide and equal ones coincide.
    public static func fileName(_ arch: Architecture, in space: any SearchSpace, options: ExportOptions) -> String {
        let key = "\(space.format(arch))|b\(options.batch)|s\(options.seed)|\(options.weights.rawValue)|\(options.pruneDead ? "pruned" : "full")"
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return "\(space.id)-\(String(repeating: "0", count: 16 - hex.count))\(hex).onnx"
    }
}
