import NASCore

/// A space's JSON object form (`{"ks":[3,5,..],"e":[..],"d":[..],"r":[..]}`, `{"ops":[..]}`)
/// read straight from the object's text into a flat buffer of values: the byte-level path of
/// `SearchSpace.parse(objectText:)`, so that a big request's objects become genes without a
/// dictionary or array per object.
///
/// It reads one spelling, the common one (`IntegerListObject`'s grammar: JSON whitespace
/// anywhere, keys without escapes, non-negative integers as JSON writes them), with each member
/// named once; anything else (unknown or repeated keys, wrong counts, other number spellings)
/// is not read, and the space's `parse(fields:)` then accepts or explains it.
public struct ObjectForm: Sendable {
    /// One member: its names (the first is the one the space writes; the others are aliases),
    /// how many integers it holds, and whether it may be absent.
    public struct Member: Sendable {
        /// Names, e.g. `["r", "resolution"]`.
        public var names: [String]
        /// Number of integers.
        public var count: Int
        /// Whether an object may leave it out.
        public var optional: Bool

        /// A member.
        public init(_ names: [String], count: Int, optional: Bool = false) {
            self.names = names
            self.count = count
            self.optional = optional
        }
    }

    /// At most this many members, and this many names in all.
    public static let capacity = 8
    /// Names are at most this many bytes.
    public static let maxNameBytes = 16

    // The tables live in fixed-size vectors: a form is a plain value, copied and read by the
    // threads that resolve a big request without any reference counting.
    /// Per name: its length, its bytes 0..<8 and 8..<16 (little-endian, zero-padded), its member.
    private var nameLengths = SIMD8<Int32>()
    private var nameLow = SIMD8<UInt64>()
    private var nameHigh = SIMD8<UInt64>()
    private var memberOfName = SIMD8<Int32>()
    private var nameCount = 0
    /// Per member: its count and where its values start.
    private var counts = SIMD8<Int32>()
    private var offsets = SIMD8<Int32>()
    /// Bit k: member k must be present.
    private var required: UInt64 = 0
    /// Values of all members, back to back in member order.
    public private(set) var total = 0

    /// A form of `members`, whose values lie in member order in the flat buffer (at most
    /// `capacity` members and names, each name at most `maxNameBytes` bytes).
    public init(_ members: [Member]) {
        precondition(members.count <= Self.capacity && members.map(\.names.count).reduce(0, +) <= Self.capacity,
                     "an object form has at most \(Self.capacity) members and names")
        for (k, m) in members.enumerated() {
            for name in m.names {
                let utf8 = Array(name.utf8)
                precondition(utf8.count <= Self.maxNameBytes, "an object form's names are at most \(Self.maxNameBytes) bytes")
                let (low, high) = utf8.withUnsafeBufferPointer { Self.pack($0) }
                (nameLengths[nameCount], nameLow[nameCount], nameHigh[nameCount]) = (Int32(utf8.count), low, high)
                memberOfName[nameCount] = Int32(k)
                nameCount += 1
            }
            (counts[k], offsets[k]) = (Int32(m.count), Int32(total))
            total += m.count
            if !m.optional { required |= 1 << UInt64(k) }
        }
    }

    /// The bytes 0..<8 and 8..<16 of a key of at most 16 bytes, little-endian, zero-padded.
    @inline(__always)
    private static func pack(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var low: UInt64 = 0, high: UInt64 = 0
        for j in 0..<min(8, key.count) { low |= UInt64(key[j]) << UInt64(8 * j) }
        for j in min(8, key.count)..<key.count { high |= UInt64(key[j]) << UInt64(8 * (j - 8)) }
        return (low, high)
    }

    /// The member a key names, or nil.
    @inline(__always)
    fileprivate func member(named key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard key.count <= Self.maxNameBytes else { return nil }
        let (low, high) = Self.pack(key)
        for s in 0..<nameCount where nameLengths[s] == Int32(key.count) && nameLow[s] == low && nameHigh[s] == high {
            return Int(memberOfName[s])
        }
        return nil
    }

    /// Where member `k`'s values start in the flat buffer.
    public func offset(_ k: Int) -> Int { Int(offsets[k]) }

    /// Reads the object text `b` (exactly one object, JSON whitespace around it allowed) into
    /// `out` (`total` values): the members present as a bit mask (bit k: member k), or nil when
    /// `b` is not this form in the common spelling.
    public func read(_ b: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Int>) -> UInt64? {
        var reader = Reader(form: self, out: out)
        guard let end = IntegerListObject.scan(b, from: IntegerListObject.skipSpace(b, 0), &reader),
              IntegerListObject.skipSpace(b, end) == b.count, reader.seen & required == required else { return nil }
        return reader.seen
    }

    /// `read` on a stack buffer, then `make` of the values and the members present (no heap
    /// allocation before `make`); nil when the text is not this form or `make` says nil.
    public func architecture(_ b: UnsafeBufferPointer<UInt8>,
                             _ make: (UnsafeBufferPointer<Int>, UInt64) -> Architecture?) -> Architecture? {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: total) { values in
            values.initialize(repeating: 0)
            guard let seen = read(b, into: values) else { return nil }
            return make(UnsafeBufferPointer(values), seen)
        }
    }

    /// Fills the flat buffer member by member: each member once, with exactly its count.
    private struct Reader: IntegerListVisitor {
        let form: ObjectForm
        let out: UnsafeMutableBufferPointer<Int>
        var seen: UInt64 = 0
        /// The current member's values: where they go, how many it holds and has.
        var offset = 0
        var count = 0
        var filled = 0

        init(form: ObjectForm, out: UnsafeMutableBufferPointer<Int>) {
            self.form = form
            self.out = out
        }

        mutating func begin(key: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let k = form.member(named: key) else { return false }
            let bit: UInt64 = 1 << UInt64(k)
            guard seen & bit == 0 else { return false }
            seen |= bit
            (offset, count, filled) = (Int(form.offsets[k]), Int(form.counts[k]), 0)
            return true
        }

        mutating func value(_ v: Int) -> Bool {
            guard filled < count else { return false }
            out[offset + filled] = v
            filled += 1
            return true
        }

        func end() -> Bool { filled == count }
    }
}
