import JSONRPC
import NASCore

/// `encode`: feature vectors of architectures.
public struct EncodeRequest: RequestType {
    public static let method = "encode"
    public typealias Response = EncodeResult
    /// Search space id.
    public var space: String
    /// Architectures (strings, indices or objects).
    public var archs: [ArchitectureInput]
    /// Encoding name (default: the space's first, `onehot`).
    public var encoding: String?
    /// Also return what each dimension means.
    public var includeDimensions: Bool?
    /// `json` (default: `vectors` as arrays) or `f32-base64` (`vectors_f32`: the row-major
    /// matrix as little-endian float32, base64; far smaller and faster for large batches).
    public var output: String?
}

/// A big `encode` decodes from its text, as a big `predict` does.
extension EncodeRequest: JSONTextDecodable {
    public static func decode(jsonText bytes: [UInt8], in range: Range<Int>) -> EncodeRequest? {
        ArchitectureInput.decode(Self.self, jsonText: bytes, in: range, archs: \.archs)
    }
}

/// Result of `encode`.
public struct EncodeResult: Codable, Sendable {
    /// The encoding used.
    public var encoding: String
    /// Length of each vector.
    public var dimension: Int
    /// One vector per architecture, in request order (`output: json`).
    public var vectors: [[Float]]?
    /// The same, packed (`output: f32-base64`): `count × dimension` float32, row-major.
    public var vectorsF32: String?
    /// Number of vectors.
    public var count: Int
    /// Meaning of each dimension, when asked for.
    public var dimensions: [DimensionInfo]?
    /// Indices (in request order) of the degenerate architectures (`SearchSpace.isDegenerate`:
    /// NB201 cells with no data path from input to output); absent when there are none.
    public var degenerate: [Int]?

    enum CodingKeys: String, CodingKey {
        case encoding, dimension, vectors, count, dimensions, degenerate
        case vectorsF32 = "vectors_f32"
    }
}

/// One dimension of an encoding.
public struct DimensionInfo: Codable, Sendable {
    public var index: Int
    public var name: String
    public var kind: String
    public var description: String
}
