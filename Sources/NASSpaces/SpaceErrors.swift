import NASCore

/// Builders for the `.invalidArchitecture` errors every space raises, so that messages share
/// one shape: "<space>: <position>: <problem>; allowed: <values>".
enum SpaceErrors {
    /// An error naming the position at fault and the allowed values.
    static func invalid(_ space: String, _ position: String, _ problem: String,
                        allowed: String? = nil) -> NASError {
        var msg = "\(space): \(position): \(problem)"
        if let allowed { msg += "; allowed: \(allowed)" }
        return NASError(.invalidArchitecture, msg, field: position)
    }

    /// An error about the whole architecture (no single position).
    static func malformed(_ space: String, _ problem: String) -> NASError {
        NASError(.invalidArchitecture, "\(space): \(problem)")
    }

    /// `3, 5, 7` from a list of allowed values.
    static func list<T>(_ values: [T]) -> String {
        values.map { "\($0)" }.joined(separator: ", ")
    }

    /// An error for an unknown encoding name.
    static func unknownEncoding(_ space: String, _ encoding: String, known: [String]) -> NASError {
        NASError(.invalidParams, "space \(space) has no encoding '\(encoding)'; known: \(known.joined(separator: ", "))",
                 field: "encoding")
    }
}

/// Maps an allowed value (e.g. kernel size 5) to its option index, with a per-position error.
@inline(__always)
func optionIndex(of value: Int, in allowed: [Int], space: String, position: @autoclosure () -> String) throws(NASError) -> UInt8 {
    for (i, a) in allowed.enumerated() where a == value { return UInt8(i) }
    throw SpaceErrors.invalid(space, position(), "value \(value) out of range", allowed: SpaceErrors.list(allowed))
}
