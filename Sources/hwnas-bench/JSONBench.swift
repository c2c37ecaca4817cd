// `hwnas-bench json [--mb 10] [--spaces nb201:pixel3,...]`
//
// The daemon's request parser on a `predict` request of about `--mb` MB per space and form
// (arch strings, then arch objects), in process, best of 5:
// - parse: `JSONParser.parse` of the whole message; decode: `JSONValueDecoder` into the real
//   `PredictRequest`; parse + decode is "the request parser" (MB/s);
// - resolve: `ArchitectureInput.resolve` (each space's byte-level parser, validation);
// - then, for the first space's strings, the result side (encode + write 100,000 numbers) and
//   Foundation's JSONSerialization / JSONDecoder as the peers.
// Writes Benchmarks/results/json.md.
import Foundation
import HWNASServer
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

func runJSONBench(arguments: [String]) throws {
    let targetMB = Double(benchOption(arguments, "--mb") ?? "") ?? 10
    var md = "# hwnas-bench json\n\n"
    md += "Run: `swift run -c release hwnas-bench json \(arguments.joined(separator: " "))`; \(benchProvenance()); \(ProcessInfo.processInfo.activeProcessorCount) cores.\n\n"
    md += "## The request parser on a ~\(Int(targetMB)) MB `predict` request per space (in process, best of 5)\n\n"
    md += "parse = `JSONParser.parse` of the message; decode = `JSONValueDecoder` into `PredictRequest`; resolve = every architecture parsed (byte level), validated and canonical.\n\n"
    md += "| space | form | archs | MB | parse MB/s | decode MB/s | parse + decode MB/s | resolve archs/s | parse + decode + resolve archs/s |\n|---|---|---|---|---|---|---|---|---|\n"
    print("hwnas-bench json: request parser, ~\(targetMB) MB per space and form (best of 5)")
    for (spaceID, device) in bigPredictSpaces(arguments) {
        let space = try SpaceRegistry.space(spaceID)
        let pool = bigPredictPool(space)
        for objects in [false, true] {
            let perArch = Double(pool.prefix(1000).map { bigPredictArchJSON($0, in: space, objects: objects).count + 1 }.reduce(0, +)) / Double(min(1000, pool.count))
            let count = Int(targetMB * 1e6 / perArch)
            let params = bigPredictParams(space: space, device: device, pool: pool, count: count, objects: objects)
            let bytes = Array("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"predict\",\"params\":".utf8) + params + Array("}}".utf8)
            let mb = Double(bytes.count) / 1e6
            var parsed: JSONValue = .null
            let tParse = try bestSeconds(5) { parsed = try JSONParser.parse(bytes) }
            var request: PredictRequest?
            let tDecode = try bestSeconds(5) {
                request = try JSONValueDecoder(rootPath: "params").decode(PredictRequest.self, from: parsed["params"]!)
            }
            parsed = .null
            guard let archs = request?.archs, archs.count == count else { throw NASError(.internal, "decoded \(request?.archs.count ?? 0) archs of \(count)") }
            var resolved: [Architecture] = []
            let tResolve = try bestSeconds(5) { resolved = try ArchitectureInput.resolve(archs, in: space) }
            precondition(resolved.count == count)
            let form = objects ? "objects" : "strings"
            let n = Double(count)
            md += "| \(spaceID) | \(form) | \(count) | \(String(format: "%.1f", mb)) | \(Int(mb / tParse)) | \(Int(mb / tDecode)) | **\(Int(mb / (tParse + tDecode)))** | \(Int(n / tResolve / 1000))k | \(Int(n / (tParse + tDecode + tResolve) / 1000))k |\n"
            print("  \(spaceID) \(form): \(count) archs, " + String(format: "%.1f MB: parse %.1f ms, decode %.1f ms (%.0f MB/s), resolve %.1f ms",
                                                                     mb, tParse * 1000, tDecode * 1000, mb / (tParse + tDecode), tResolve * 1000))
        }
    }

    // The result side and Foundation's peers, on 100,000 NB201 strings.
    let count = 100_000
    let space = try SpaceRegistry.space("nb201")
    let params = bigPredictParams(space: space, device: "pixel3", pool: bigPredictPool(space), count: count, objects: false)
    let bytes = Array("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"predict\",\"params\":".utf8) + params + Array("}}".utf8)
    let mb = Double(bytes.count) / 1e6
    var rng = SeededGenerator(seed: 2)
    let latencies = (0..<count).map { _ in rng.nextDouble() * 30 }  // synthetic numbers, only their text size matters
    var parsed: JSONValue = .null
    let tParse = try bestSeconds(5) { parsed = try JSONParser.parse(bytes) }
    let tDecode = try bestSeconds(5) {
        _ = try JSONValueDecoder(rootPath: "params").decode(BenchPredictParams.self, from: parsed["params"]!)
    }
    var out: [UInt8] = []
    let tEncode = try bestSeconds(5) {
        let v = try JSONValueEncoder().encode(BenchPredictResult(latencies: latencies))
        out = JSONWriter.write(OutgoingMessage.response(id: .number(1), result: v))
    }
    let outMB = Double(out.count) / 1e6
    let data = Data(bytes)
    let tFoundationParse = try bestSeconds(3) { _ = try JSONSerialization.jsonObject(with: data) }
    struct Envelope: Codable { var params: BenchPredictParams }
    let tFoundationDecode = try bestSeconds(3) { _ = try JSONDecoder().decode(Envelope.self, from: data) }
    let tFoundationWrite = try bestSeconds(3) {
        _ = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": 1, "result": ["latencies": latencies]])
    }
    md += "\n## Beside Foundation: 100,000 NB201 strings (\(String(format: "%.1f", mb)) MB), params as `[String]`; a result of 100,000 numbers\n\n"
    md += "| step | ms | MB/s |\n|---|---|---|\n"
    func row(_ name: String, _ t: Double, _ size: Double) {
        md += "| \(name) | \(String(format: "%.1f", t * 1000)) | \(Int(size / t)) |\n"
    }
    row("JSONParser.parse (request)", tParse, mb)
    row("JSONValueDecoder -> params struct", tDecode, mb)
    row("parse + decode", tParse + tDecode, mb)
    row("encode + write result (\(String(format: "%.1f", outMB)) MB)", tEncode, outMB)
    row("Foundation JSONSerialization.jsonObject", tFoundationParse, mb)
    row("Foundation JSONDecoder -> params struct", tFoundationDecode, mb)
    row("Foundation JSONSerialization.data (result)", tFoundationWrite, outMB)
    print(md)
    try AtomicFile.write(Array(md.utf8), to: "Benchmarks/results/json.md")
    print("written to Benchmarks/results/json.md")
}
