import NASCore
import NASSpaces

/// An architecture object's JSON text (UTF-8), e.g. `{"ks":[3,5,..],"e":[..],..}`, as a big
/// request's decoder keeps it for the space to read (`ArchitectureInput.objectText`).
///
/// Texts share blocks: a decoder copies a run of consecutive objects of the request into one
/// block and gives each its range, so that 100,000 objects cost a few hundred allocations, not
/// 100,000, and threads resolving different parts of a list touch different blocks' reference
/// counts (a slice of the whole request would make them share one).
public struct ArchitectureObjectText: Sendable, Hashable {
    /// The block holding this text (and its neighbours').
    private let block: [UInt8]
    /// Where the text lies in `block`.
    private let range: Range<Int>

    /// The text `block[range]`.
    public init(block: [UInt8], range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= block.count, "the text lies in its block")
        self.block = block
        self.range = range
    }

    /// A text of its own.
    public init(_ bytes: [UInt8]) {
        self.init(block: bytes, range: 0..<bytes.count)
    }

    /// Runs `body` on the text's bytes.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        block.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// The same text (whichever blocks hold them).
    public static func == (a: Self, b: Self) -> Bool {
        a.block[a.range].elementsEqual(b.block[b.range])
    }

    /// Hashes the text (not the block).
    public func hash(into hasher: inout Hasher) {
        withBytes { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The same text in a block of its own, keeping no neighbour's text (and no request) alive.
    public var compacted: ArchitectureObjectText {
        range.count == block.count ? self : ArchitectureObjectText(Array(block[range]))
    }

    /// Its members as field name → integers (`IntegerListObject.fields`); `.internal` when the
    /// text is not an object of integer lists, which its decoder rules out.
    public func fields() throws(NASError) -> [String: [Int]] {
        guard let f = withBytes({ IntegerListObject.fields($0) }) else {
            throw NASError(.internal, "an architecture object's text is not an object of integer lists")
        }
        return f
    }
}
