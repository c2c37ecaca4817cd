import NASCore

/// An architecture as a client writes it: the space's string format, an integer (NB201's
/// official index), or the space's object form (e.g. OFA `{"ks":[..],"e":[..],"d":[..],"r":[..]}`).
public enum ArchitectureInput: Codable, Sendable, Hashable {
    /// The space's string format.
    case text(String)
    /// An integer form (the NB201 index).
    case index(Int)
    /// The object form: field name → integers.
    case fields([String: [Int]])
    /// The object form as its JSON text, kept by a big request's decoder that found it to be an
    /// object of integer lists (`IntegerListObject`): the space reads it from the bytes
    /// (`parse(objectText:)`), else it is resolved as its `fields`. The same architecture, and
    /// the same errors, as `fields`.
    case objectText(ArchitectureObjectText)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .text(s); return }
        if let i = try? c.decode(Int.self) { self = .index(i); return }
        if let f = try? c.decode([String: [Int]].self) { self = .fields(f); return }
        throw DecodingError.typeMismatch(ArchitectureInput.self, .init(codingPath: decoder.codingPath, debugDescription: Self.expectedForms))
    }

    /// The error of a value that is no architecture.
    public static let expectedForms = "expected an architecture: a string, an integer index, or an object of integer lists"

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .index(let i): try c.encode(i)
        case .fields(let f): try c.encode(f)
        case .objectText(let text): try c.encode(try text.fields())
        }
    }

    /// The same input holding no more than its own text (`ArchitectureObjectText.compacted`): fit
    /// to be kept, e.g. in a key of a remembered answer.
    public var compacted: ArchitectureInput {
        if case .objectText(let text) = self { return .objectText(text.compacted) }
        return self
    }

    /// The canonical architecture in `space`; errors are `invalidArchitecture` naming `field`.
    public func resolve(in space: any SearchSpace, field: String) throws(NASError) -> Architecture {
        try resolve(in: space, field: { field })
    }

    /// `resolve(in:field:)` with the field's name built only on error (the hot path of
    /// 100,000-architecture requests builds no strings). `parse` returns canonical
    /// architectures, so nothing is canonicalized again here.
    public func resolve(in space: any SearchSpace, field: () -> String) throws(NASError) -> Architecture {
        do throws(NASError) {
            let a: Architecture
            switch self {
            case .text(let s): a = try space.parse(s)
            case .index(let i): a = try space.parse(index: i)
            case .fields(let f): a = try space.parse(fields: f)
            case .objectText(let text):
                if let fast = text.withBytes({ space.parse(objectText: $0) }) {
                    a = fast
                } else {
                    a = try space.parse(fields: text.fields())
                }
            }
            try space.validate(a)
            return a
        } catch {
            var e = error
            if e.kind == .invalidParams { e.kind = .invalidArchitecture }
            throw e.inField(field())
        }
    }

    /// Resolves a list, naming `field[i]` on error.
    public static func resolve(_ inputs: [ArchitectureInput], in space: any SearchSpace,
                               field: String = "archs") throws(NASError) -> [Architecture] {
        try resolve(inputs[...], in: space, field: field)
    }

    /// Resolves a slice of a list, naming `field[i]` on error with `i` the index in the list
    /// (not generic: the hot loop of a big `predict` stays specialized).
    public static func resolve(_ inputs: ArraySlice<ArchitectureInput>, in space: any SearchSpace,
                               field: String = "archs") throws(NASError) -> [Architecture] {
        var out: [Architecture] = []
        out.reserveCapacity(inputs.count)
        for i in inputs.startIndex..<inputs.endIndex {
            out.append(try inputs[i].resolve(in: space, field: { "\(field)[\(i)]" }))
        }
        return out
    }
}
