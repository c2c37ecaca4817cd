import NASCore

/// The official NAS-Bench-201 index order, decoded from the generated hex table
/// (`nb201OfficialOrderHex`, made by scripts/gen_nb201_index_table.py).
///
/// A cell's product code is the sum of op[i] * 5^i over its 6 edges.
struct NB201IndexTable: Sendable {
    /// Official index -> product code.
    let codeOfIndex: [UInt16]
    /// Product code -> official index.
    let indexOfCode: [UInt16]

    /// Decoded once per process.
    static let shared = NB201IndexTable()

    private init() {
        var codes: [UInt16] = []
        codes.reserveCapacity(NB201Space.count)
        var acc: UInt16 = 0
        var nibbles = 0
        for c in nb201OfficialOrderHex.utf8 {
            let v: UInt16
            switch c {
            case 48...57: v = UInt16(c - 48)
            case 97...102: v = UInt16(c - 87)
            default: continue
            }
            acc = acc << 4 | v
            nibbles += 1
            if nibbles == 4 {
                codes.append(acc)
                acc = 0
                nibbles = 0
            }
        }
        precondition(codes.count == NB201Space.count, "NB201 index table is corrupt")
        var inverse = [UInt16](repeating: 0, count: NB201Space.count)
        for (i, c) in codes.enumerated() { inverse[Int(c)] = UInt16(i) }
        codeOfIndex = codes
        indexOfCode = inverse
    }

    /// Product code of a 6-gene cell.
    static func code(of arch: Architecture) -> Int {
        var c = 0
        for i in stride(from: 5, through: 0, by: -1) { c = c * 5 + Int(arch.genes[i]) }
        return c
    }

    /// The cell of a product code.
    static func architecture(code: UInt16) -> Architecture {
        var c = Int(code)
        var genes = [UInt8](repeating: 0, count: 6)
        for i in 0..<6 {
            genes[i] = UInt8(c % 5)
            c /= 5
        }
        return Architecture(genes: genes)
    }
}
