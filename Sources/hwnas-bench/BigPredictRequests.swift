// The big `predict` requests of `hwnas-bench stdio` and `json`: every space's architectures in
// its string or object form, cycling over a fixed pool, and the (space, device) pairs measured.
import Foundation
import JSONRPC
import NASCore
import NASSpaces

/// The (space, device) pairs of the big-predict rows, one per space by default:
/// `--spaces nb201:pixel3,fbnet:pixel3,...`.
func bigPredictSpaces(_ args: [String]) -> [(space: String, device: String)] {
    let text = benchOption(args, "--spaces")
        ?? "nb201:pixel3,fbnet:pixel3,ofa_mbv3:2080ti_1,mbv2:onnxrt_epyc_zen4,proxyless:onnxrt_epyc_zen4"
    return text.split(separator: ",").compactMap { item in
        let parts = item.split(separator: ":")
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
    }
}

/// The architectures of a big request: all NB201 cells, else 20,000 samples (seed 7), cycled.
func bigPredictPool(_ space: any SearchSpace) -> [Architecture] {
    space.enumerateAll() ?? space.sample(count: 20_000, seed: 7)
}

/// One architecture as JSON: its string form (quoted) or its object form.
func bigPredictArchJSON(_ arch: Architecture, in space: any SearchSpace, objects: Bool) -> [UInt8] {
    if objects {
        return JSONWriter.write(.object(space.fields(of: arch).mapValues { .array($0.map { .number(Double($0)) }) }))
    }
    return JSONWriter.write(.string(space.format(arch)))
}

/// The `predict` params text `{"space":..,"device":..,"archs":[...]` (left open, so that callers
/// can add members) of `count` architectures cycling over `pool`.
func bigPredictParams(space: any SearchSpace, device: String, pool: [Architecture], count: Int, objects: Bool) -> [UInt8] {
    let encoded = pool.map { bigPredictArchJSON($0, in: space, objects: objects) }
    var out = Array("{\"space\":\"\(space.id)\",\"device\":\"\(device)\",\"archs\":[".utf8)
    out.reserveCapacity(out.count + count * ((encoded.map(\.count).max() ?? 0) + 1) + 64)
    for i in 0..<count {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        out += encoded[i % encoded.count]
    }
    out.append(UInt8(ascii: "]"))
    return out
}

/// Best wall time (s) of `repeats` runs of `body`.
func bestSeconds(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    return best
}
