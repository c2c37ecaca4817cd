import NASCore
import NASSearch
import NASSpaces

/// The generator's file format (version 1), little-endian:
///
///     magic "HWNASGEN" (8 bytes) | version u32 | payload length u64 | payload | FNV-1a-64(payload) u64
///
/// Payload: space id, accuracy label, metadata (count, key/value strings), budget range (2 f64),
/// embedding and hidden sizes, cardinalities, parameters (count + f32 bits), archive (count, each
/// genes + latency f64 + accuracy f64), stats (iterations, queries, elapsed ms, hypervolume, mean
/// reward, seed). Strings are u32 length + UTF-8. A wrong magic, version, length or checksum, or a
/// payload that does not parse, is `NASError(.corruptFile)`.
public enum GeneratorFile {
    /// The leading bytes of every generator file.
    public static let magic: [UInt8] = Array("HWNASGEN".utf8)
    /// The format version this build writes and reads.
    public static let version: UInt32 = 1

    /// The file's bytes.
    public static func encode(_ g: TrainedGenerator) -> [UInt8] {
        var p = BinaryWriter()
        p.string(g.space.id)
        p.string(g.accuracyLabel)
        let keys = g.metadata.keys.sorted()
        p.count32(keys.count)
        for key in keys {
            p.string(key)
            p.string(g.metadata[key]!)
        }
        p.double(g.scale.lowerMs)
        p.double(g.scale.upperMs)
        p.count32(g.network.embeddingSize)
        p.count32(g.network.hiddenSize)
        p.count32(g.network.cardinalities.count)
        for c in g.network.cardinalities { p.count32(c) }
        p.floats32(g.network.parameters)
        p.count32(g.archive.count)
        for e in g.archive {
            p.raw(e.arch.genes)
            p.double(e.latencyMs)
            p.double(e.accuracy)
        }
        p.count32(g.stats.iterations)
        p.u64(UInt64(g.stats.queries))
        p.double(g.stats.elapsedMs)
        p.double(g.stats.frontHypervolume)
        p.double(g.stats.meanReward)
        p.u64(g.stats.seed)

        return envelope.wrap(p.bytes)
    }

    /// The file's envelope (magic, version, length, checksum).
    public static var envelope: BinaryEnvelope { BinaryEnvelope(magic: magic, version: version) }

    /// A generator from a file's bytes; the space is looked up in `SpaceRegistry`.
    public static func decode(_ bytes: [UInt8]) throws(NASError) -> TrainedGenerator {
        let payload: Range<Int>
        switch envelope.payloadRange(of: bytes) {
        case .success(let r): payload = r
        case .failure(.tooShort), .failure(.badMagic):
            throw NASError(.corruptFile, "not a generator file (bad magic or too short)")
        case .failure(.version(let v)):
            throw NASError(.corruptFile, "generator file version \(v) is not supported (this build reads \(version))")
        case .failure(.length(let length, _)):
            throw NASError(.corruptFile, "generator file length field \(length) does not match its size")
        case .failure(.checksum): throw NASError(.corruptFile, "generator file checksum mismatch")
        }
        let payloadEnd = payload.upperBound
        var p = BinaryReader(bytes, from: payload.lowerBound, to: payloadEnd, name: "generator file")
        let spaceID = try p.string()
        let space: any SearchSpace
        do { space = try SpaceRegistry.space(spaceID) } catch {
            throw NASError(.corruptFile, "generator file names unknown space '\(spaceID)'")
        }
        let label = try p.string()
        var metadata: [String: String] = [:]
        for _ in 0..<(try p.count32(max: 1 << 16)) {
            let key = try p.string()
            metadata[key] = try p.string()
        }
        let scale: BudgetScale
        do { scale = try BudgetScale(lowerMs: try p.double(), upperMs: try p.double()) } catch {
            throw NASError(.corruptFile, "generator file holds an invalid budget range")
        }
        let k = try p.count32(max: 1 << 12), h = try p.count32(max: 1 << 14)
        var cards: [Int] = []
        for _ in 0..<(try p.count32(max: 1 << 12)) { cards.append(try p.count32(max: 256)) }
        guard cards == space.cardinalities, k >= 2, h >= 1 else {
            throw NASError(.corruptFile, "generator shape does not match space \(spaceID)")
        }
        let network = try PolicyNetwork(cardinalities: cards, embeddingSize: k, hiddenSize: h, parameters: try p.floats32())
        var archive: [SearchCandidate] = []
        for _ in 0..<(try p.count32()) {
            let arch = Architecture(genes: try p.raw(cards.count))
            do { try space.validate(arch) } catch { throw NASError(.corruptFile, "generator archive: \(error.message)") }
            archive.append(SearchCandidate(arch: arch, latencyMs: try p.double(), accuracy: try p.double()))
        }
        let stats = GeneratorTrainingStats(iterations: try p.count32(), queries: Int(try p.u64()), elapsedMs: try p.double(),
                                           frontHypervolume: try p.double(), meanReward: try p.double(), seed: try p.u64())
        guard p.position == payloadEnd else { throw NASError(.corruptFile, "generator file has trailing bytes") }
        return TrainedGenerator(space: space, network: network, scale: scale, archive: archive, accuracyLabel: label,
                                metadata: metadata, stats: stats)
    }

    /// Saves atomically (temporary file + fsync + rename).
    public static func save(_ g: TrainedGenerator, to path: String) throws(NASError) {
        try AtomicFile.write(encode(g), to: path)
    }

    /// Loads a saved generator.
    public static func load(_ path: String) throws(NASError) -> TrainedGenerator {
        try decode(try AtomicFile.read(path))
    }
}
