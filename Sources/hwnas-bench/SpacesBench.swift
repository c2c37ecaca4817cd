// hwnas-bench spaces: parse and encode throughput for 100,000 OFA MobileNetV3 architectures,
// and the analytic MACs/params of OFA subnets against the counts shipped with the accuracy data.
import Foundation
import NASCore
import NASData
import NASSpaces

func runSpacesBench(arguments: [String]) throws {
    var count = 100_000
    var fixtures: String? = nil
    var i = 0
    while i < arguments.count {
        switch arguments[i] {
        case "--count": i += 1; count = Int(arguments[i]) ?? count
        case "--fixtures": i += 1; fixtures = arguments[i]
        default: throw NASError(.invalidParams, "unknown option \(arguments[i]); usage: hwnas-bench spaces [--count N] [--fixtures DIR]")
        }
        i += 1
    }
    let space = OFAMobileNetV3Space()
    // Strings as a client sends them: random archs with random (non-canonical) inactive slots.
    var rng = SeededGenerator(seed: 1)
    var strings: [String] = []
    strings.reserveCapacity(count)
    for _ in 0..<count {
        var genes = [UInt8](repeating: 0, count: space.cardinalities.count)
        for g in 0..<genes.count { genes[g] = UInt8(rng.nextInt(space.cardinalities[g])) }
        let v = ElasticValues.values(space, Architecture(genes: genes))
        strings.append(v)
    }
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }
    var archs: [Architecture] = []
    var best = (parse: Double.infinity, encode: Double.infinity)
    var matrix = FloatMatrix(rows: 0, cols: 0)
    for _ in 0..<3 {
        let p = try seconds { archs = try strings.map { try space.parse($0) } }
        let e = try seconds { matrix = try space.encode(archs) }
        best = (min(best.parse, p), min(best.encode, e))
    }
    print("ofa_mbv3: \(count) archs, encoding dim \(matrix.cols) (best of 3)")
    print(String(format: "  parse  %.1f ms  (%.2f M archs/s)", best.parse * 1e3, Double(count) / best.parse / 1e6))
    print(String(format: "  encode %.1f ms  (%.2f M archs/s)", best.encode * 1e3, Double(count) / best.encode / 1e6))
    print(String(format: "  parse+encode %.1f ms", (best.parse + best.encode) * 1e3))

    // MACs and params against fixtures/ofa_mbv3/accuracy_imagenet_top1.csv.
    let dir = try FixturesLocator.locate(fixtures)
    let text = try String(contentsOfFile: dir + "/ofa_mbv3/accuracy_imagenet_top1.csv", encoding: .utf8)
    var lines = text.utf8.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
    let header = lines.removeFirst().split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    guard let si = header.firstIndex(of: "arch_str"), let mi = header.firstIndex(of: "macs"), let pi = header.firstIndex(of: "params") else {
        throw NASError(.corruptFile, "accuracy_imagenet_top1.csv lacks arch_str/macs/params")
    }
    var macErr = 0.0, paramErr = 0.0, maxMacErr = 0.0, n = 0
    for line in lines where !line.isEmpty {
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let c = space.cost(of: try space.parse(f[si]))
        let m = Double(f[mi])!, p = Double(f[pi])!
        let em = abs(c.macs - m) / m
        macErr += em
        maxMacErr = max(maxMacErr, em)
        paramErr += abs(c.params - p) / p
        n += 1
    }
    print("ofa_mbv3 cost vs accuracy_imagenet_top1.csv (\(n) subnets at r=224):")
    print(String(format: "  MACs mean relative error %.4f%% (max %.4f%%); params mean relative error %.4f%%",
                 macErr / Double(n) * 100, maxMacErr * 100, paramErr / Double(n) * 100))
}

/// Formats a possibly non-canonical OFA gene vector with its leftover inactive values (as the
/// data sets' strings have them).
enum ElasticValues {
    static func values(_ space: OFAMobileNetV3Space, _ arch: Architecture) -> String {
        let ks = [3, 5, 7], e = [3, 4, 6], d = [2, 3, 4]
        let g = arch.genes.map { Int($0) }
        return "ks=" + g[0..<20].map { String(ks[$0]) }.joined(separator: "-")
            + ";e=" + g[20..<40].map { String(e[$0]) }.joined(separator: "-")
            + ";d=" + g[40..<45].map { String(d[$0]) }.joined(separator: "-")
            + ";r=\(128 + 4 * g[45])"
    }
}
