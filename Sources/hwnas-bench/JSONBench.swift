// hwnas-bench json: throughput of the daemon's JSON hot path on a 100,000-architecture request
// (JSONParser, JSONValueDecoder into a Codable params struct, JSONValueEncoder + JSONWriter for a
// 100,000-number result) against Foundation's JSONSerialization and JSONDecoder.
import Foundation
import JSONRPC
import NASCore
import NASSpaces

private struct BenchPredictParams: Codable {
    var space: String
    var device: String
    var archs: [String]
}

private struct BenchPredictResult: Codable {
    var latencies: [Double]
}

private func seconds(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    return best
}

func runJSONBench(arguments: [String]) throws {
    let count = arguments.first.flatMap(Int.init) ?? 100_000
    let space = try SpaceRegistry.space("nb201")
    let archs = space.sample(count: count, seed: 1).map(space.format)
    let request: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": "predict",
                              "params": ["space": "nb201", "device": "pixel3", "archs": .array(archs.map { .string($0) })]]
    let bytes = JSONWriter.write(request)
    let mb = Double(bytes.count) / 1e6
    var rng = SeededGenerator(seed: 2)
    let latencies = (0..<count).map { _ in rng.nextDouble() * 30 }  // synthetic numbers, only their text size matters
    print("hwnas-bench json: request of \(count) archs = \(String(format: "%.1f", mb)) MB (best of 5)")

    var parsed: JSONValue = .null
    let tParse = try seconds(5) { parsed = try JSONParser.parse(bytes) }
    var params: BenchPredictParams?
    let tDecode = try seconds(5) {
        params = try JSONValueDecoder(rootPath: "params").decode(BenchPredictParams.self, from: parsed["params"]!)
    }
    precondition(params?.archs.count == count)
    var out: [UInt8] = []
    let tEncode = try seconds(5) {
        let v = try JSONValueEncoder().encode(BenchPredictResult(latencies: latencies))
        out = JSONWriter.write(OutgoingMessage.response(id: .number(1), result: v))
    }
    let outMB = Double(out.count) / 1e6
    let data = Data(bytes)
    let tFoundationParse = try seconds(3) { _ = try JSONSerialization.jsonObject(with: data) }
    struct Envelope: Codable { var params: BenchPredictParams }
    let tFoundationDecode = try seconds(3) { _ = try JSONDecoder().decode(Envelope.self, from: data) }
    let tFoundationWrite = try seconds(3) {
        _ = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": 1, "result": ["latencies": latencies]])
    }

    func row(_ name: String, _ t: Double, _ size: Double) {
        print("  \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%8.1f ms %8.1f MB/s", t * 1000, size / t))")
    }
    row("JSONParser.parse (request)", tParse, mb)
    row("JSONValueDecoder -> params struct", tDecode, mb)
    row("parse + decode", tParse + tDecode, mb)
    row("encode + write result (\(String(format: "%.1f", outMB)) MB)", tEncode, outMB)
    row("Foundation JSONSerialization.jsonObject", tFoundationParse, mb)
    row("Foundation JSONDecoder -> params struct", tFoundationDecode, mb)
    row("Foundation JSONSerialization.data (result)", tFoundationWrite, outMB)
}
