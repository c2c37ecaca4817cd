import NASCore
import Synchronization
@testable import NASSearch

/// A SYNTHETIC test space (no real data): 6 decisions × 5 options (15,625 architectures, like
/// NB201), with a made-up additive latency and an accuracy that mostly grows with latency plus
/// a pairwise interaction, so that budgets trade accuracy for latency.
struct SyntheticSpace: SearchSpace {
    var id: String { "synthetic" }
    var summary: String { "synthetic test space" }
    var cardinalities: [Int] { [5, 5, 5, 5, 5, 5] }
    var decisionNames: [String] { (0..<6).map { "d\($0)" } }
    func optionLabels(ofDecision i: Int) -> [String] { (0..<5).map(String.init) }
    var size: Double { 15_625 }
    var inputDescription: String { "none" }
    func parse(_ text: String) throws(NASError) -> Architecture {
        let g = text.split(separator: "-").compactMap { UInt8($0) }
        let a = Architecture(genes: g)
        try validate(a)
        return a
    }
    func parse(fields: [String: [Int]]) throws(NASError) -> Architecture {
        Architecture(genes: (fields["g"] ?? []).map { UInt8($0) })
    }
    func fields(of arch: Architecture) -> [String: [Int]] { ["g": arch.genes.map(Int.init)] }
    func format(_ arch: Architecture) -> String { arch.genes.map(String.init).joined(separator: "-") }
    func canonicalize(_ arch: inout Architecture) {}
    func isActive(decision i: Int, in arch: Architecture) -> Bool { true }
    var encodings: [String] { ["onehot"] }
    func encodingDimension(_ encoding: String) throws(NASError) -> Int { 30 }
    func encodingInfo(_ encoding: String) throws(NASError) -> [EncodingDimension] { [] }
    func encode(_ arch: Architecture, encoding: String, into out: UnsafeMutableBufferPointer<Float>) {
        for (i, g) in arch.genes.enumerated() { out[i * 5 + Int(g)] = 1 }
    }
    func cost(of arch: Architecture) -> ArchitectureCost {
        ArchitectureCost(macs: Double(arch.genes.reduce(0) { $0 + Int($1) }) * 1e6, params: 1e3)
    }
    func enumerateAll() -> [Architecture]? {
        (0..<15_625).map { n in
            var x = n
            var g = [UInt8](repeating: 0, count: 6)
            for i in 0..<6 { g[i] = UInt8(x % 5); x /= 5 }
            return Architecture(genes: g)
        }
    }
    func officialIndex(of arch: Architecture) -> Int? {
        arch.genes.reversed().reduce(0) { $0 * 5 + Int($1) }
    }

    /// Synthetic latency (ms): 1 + the option costs.
    static func latency(_ a: Architecture) -> Double {
        var t = 1.0
        for (i, g) in a.genes.enumerated() { t += Double(Int(g) * (i % 3 + 1)) * 0.5 }
        return t
    }

    /// Synthetic accuracy (%): grows with the options, with an interaction between decisions 0 and 5.
    static func accuracy(_ a: Architecture) -> Double {
        var s = 50.0
        for (i, g) in a.genes.enumerated() { s += Double(g) * Double(7 - i) * 0.8 }
        if a.genes[0] == a.genes[5] { s += 3 }
        return s
    }

    /// A search problem on this space, counting the architectures each objective is asked about.
    static func problem(calls: Counter? = nil) -> SearchProblem {
        SearchProblem(space: SyntheticSpace(),
                      latency: { archs throws(NASError) in
                          calls?.add(archs.count)
                          return archs.map(latency)
                      },
                      accuracy: { archs throws(NASError) in archs.map(accuracy) },
                      accuracyLabel: "synthetic accuracy")
    }

    /// Best accuracy within `budget`, by enumeration.
    static func optimum(budget: Double) -> Double {
        SyntheticSpace().enumerateAll()!.filter { latency($0) <= budget }.map(accuracy).max() ?? -.infinity
    }
}

/// A thread-safe counter of the architectures an objective was asked about.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ n: Int) { value.add(n, ordering: .relaxed) }
    var total: Int { value.load(ordering: .relaxed) }
}
