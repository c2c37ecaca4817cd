import NASCore

/// Binary form of an `MLP`, little-endian and versioned, embedded in predictor files:
///
///     u32 magic "MLPW" · u32 version (1) · ints layerSizes · per layer: floats weights, floats biases
///     · u64 FNV-1a of everything before it in this block
///
/// (ints/floats are the `BinaryWriter` arrays: u64 count, then the values.) Decoding checks the
/// magic, version, shapes, finiteness and checksum; anything wrong is `.corruptFile`.
extension MLP {
    /// "MLPW" read as a little-endian u32.
    static let codingMagic: UInt32 = 0x5750_4C4D
    /// The block version this code writes and reads.
    static let codingVersion: UInt32 = 1

    /// Appends this network's block to `writer`.
    public func encode(into writer: inout BinaryWriter) {
        let start = writer.bytes.count
        writer.u32(MLP.codingMagic)
        writer.u32(MLP.codingVersion)
        writer.ints(layerSizes)
        for l in 0..<layerCount {
            writer.floats(weights[l])
            writer.floats(biases[l])
        }
        writer.u64(FNV1a.hash(writer.bytes[start...]))
    }

    /// Reads one network block at the reader's position.
    public static func decode(from reader: inout BinaryReader) throws(NASError) -> MLP {
        let start = reader.position
        guard try reader.u32() == codingMagic else { throw reader.corrupt("no MLP block at byte \(start)") }
        let version = try reader.u32()
        guard version == codingVersion else {
            throw reader.corrupt("MLP block version \(version) (this build reads version \(codingVersion))")
        }
        let sizes = try reader.ints()
        guard (2...64).contains(sizes.count), sizes.allSatisfy({ (1...65536).contains($0) }) else {
            throw reader.corrupt("implausible MLP layer sizes \(sizes)")
        }
        var weights: [[Float]] = [], biases: [[Float]] = []
        for l in 0..<(sizes.count - 1) {
            let w = try reader.floats(), b = try reader.floats()
            guard w.count == sizes[l] * sizes[l + 1], b.count == sizes[l + 1] else {
                throw reader.corrupt("MLP layer \(l) does not match its \(sizes[l])x\(sizes[l + 1]) shape")
            }
            guard w.allSatisfy(\.isFinite), b.allSatisfy(\.isFinite) else {
                throw reader.corrupt("MLP layer \(l) holds non-finite parameters")
            }
            weights.append(w)
            biases.append(b)
        }
        let expected = FNV1a.hash(reader.bytes[start..<reader.position])
        guard try reader.u64() == expected else { throw reader.corrupt("MLP block checksum mismatch") }
        do {
            return try MLP(layerSizes: sizes, weights: weights, biases: biases)
        } catch {
            throw reader.corrupt(error.message)
        }
    }

    /// This network as a standalone byte block (the same block predictor files embed).
    public func encoded() -> [UInt8] {
        var writer = BinaryWriter()
        encode(into: &writer)
        return writer.bytes
    }

    /// Decodes a standalone block made by `encoded()`; trailing bytes are an error.
    /// Any damage is `NASError(.corruptFile)`, never a crash.
    public init(encoded bytes: [UInt8], source: String = "<memory>") throws(NASError) {
        var reader = BinaryReader(bytes, from: 0, to: bytes.count, name: "predictor file \(source)")
        let net = try MLP.decode(from: &reader)
        guard reader.position == bytes.count else { throw reader.corrupt("\(bytes.count - reader.position) trailing bytes") }
        self = net
    }
}
