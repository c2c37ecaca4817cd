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
        var p = GeneratorByteWriter()
        p.string(g.space.id)
        p.string(g.accuracyLabel)
        let keys = g.metadata.keys.sorted()
        p.count(keys.count)
        for key in keys {
            p.string(key)
            p.string(g.metadata[key]!)
        }
        p.f64(g.scale.lowerMs)
        p.f64(g.scale.upperMs)
        p.count(g.network.embeddingSize)
        p.count(g.network.hiddenSize)
        p.count(g.network.cardinalities.count)
        for c in g.network.cardinalities { p.count(c) }
        p.floats(g.network.parameters)
        p.count(g.archive.count)
        for e in g.archive {
            p.raw(e.arch.genes)
            p.f64(e.latencyMs)
            p.f64(e.accuracy)
        }
        p.count(g.stats.iterations)
        p.u64(UInt64(g.stats.queries))
        p.f64(g.stats.elapsedMs)
        p.f64(g.stats.frontHypervolume)
        p.f64(g.stats.meanReward)
        p.u64(g.stats.seed)

        var out = GeneratorByteWriter()
        out.raw(magic)
        out.u32(version)
        out.u64(UInt64(p.bytes.count))
        out.raw(p.bytes)
        out.u64(fnv1a64(p.bytes[...]))
        return out.bytes
    }

    /// A generator from a file's bytes; the space is looked up in `SpaceRegistry`.
    public static func decode(_ bytes: [UInt8]) throws(NASError) -> TrainedGenerator {
        let header = magic.count + 4 + 8
        guard bytes.count >= header + 8, Array(bytes[0..<magic.count]) == magic else {
            throw NASError(.corruptFile, "not a generator file (bad magic or too short)")
        }
        var r = GeneratorByteReader(bytes, from: magic.count, to: bytes.count)
        let v = try r.u32()
        guard v == version else {
            throw NASError(.corruptFile, "generator file version \(v) is not supported (this build reads \(version))")
        }
        let length = try r.u64()
        guard length == UInt64(bytes.count - header - 8) else {
            throw NASError(.corruptFile, "generator file length field \(length) does not match its size")
        }
        let payloadEnd = header + Int(length)
        var sumReader = GeneratorByteReader(bytes, from: payloadEnd, to: bytes.count)
        guard try sumReader.u64() == fnv1a64(bytes[header..<payloadEnd]) else {
            throw NASError(.corruptFile, "generator file checksum mismatch")
        }
        var p = GeneratorByteReader(bytes, from: header, to: payloadEnd)
        let spaceID = try p.string()
        let space: any SearchSpace
        do { space = try SpaceRegistry.space(spaceID) } catch {
            throw NASError(.corruptFile, "generator file names unknown space '\(spaceID)'")
        }
        let label = try p.string()
        var metadata: [String: String] = [:]
        for _ in 0..<(try p.count(max: 1 << 16)) {
            let key = try p.string()
            metadata[key] = try p.string()
        }
        let scale: BudgetScale
        do { scale = try BudgetScale(lowerMs: try p.f64(), upperMs: try p.f64()) } catch {
            throw NASError(.corruptFile, "generator file holds an invalid budget range")
        }
        let k = try p.count(max: 1 << 12), h = try p.count(max: 1 << 14)
        var cards: [Int] = []
        for _ in 0..<(try p.count(max: 1 << 12)) { cards.append(try p.count(max: 256)) }
        guard cards == space.cardinalities, k >= 2, h >= 1 else {
            throw NASError(.corruptFile, "generator shape does not match space \(spaceID)")
        }
        let network = try PolicyNetwork(cardinalities: cards, embeddingSize: k, hiddenSize: h, parameters: try p.floats())
        var archive: [SearchCandidate] = []
        for _ in 0..<(try p.count()) {
            let arch = Architecture(genes: try p.raw(cards.count))
            do { try space.validate(arch) } catch { throw NASError(.corruptFile, "generator archive: \(error.message)") }
            archive.append(SearchCandidate(arch: arch, latencyMs: try p.f64(), accuracy: try p.f64()))
        }
        let stats = GeneratorTrainingStats(iterations: try p.count(), queries: Int(try p.u64()), elapsedMs: try p.f64(),
                                           frontHypervolume: try p.f64(), meanReward: try p.f64(), seed: try p.u64())
        guard p.position == payloadEnd else { throw NASError(.corruptFile, "generator file has trailing bytes") }
        return TrainedGenerator(space: space, network: network, scale: scale, archive: archive, accuracyLabel: label,
                                metadata: metadata, stats: stats)
    }

    /// Saves atomically (temporary file + fsync + rename); a file over `maxBytes` is not written.
    public static func save(_ g: TrainedGenerator, to path: String, maxBytes: Int = CheckedFileHeader.defaultMaxBytes) throws(NASError) {
        let bytes = encode(g)
        try CheckedFileHeader.checkWritable(bytes, to: path, maxBytes: maxBytes)
        try AtomicFile.write(bytes, to: path)
    }

    /// Loads a saved generator, header first, refusing files over `maxBytes`.
    public static func load(_ path: String, maxBytes: Int = CheckedFileHeader.defaultMaxBytes) throws(NASError) -> TrainedGenerator {
        try decode(CheckedFileHeader.read(path, magic: magic, version: version, kind: "generator", maxBytes: maxBytes))
    }
}
