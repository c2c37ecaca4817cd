// `hwnas-bench json [--mb 10] [--spaces nb201:pixel3,...]`
//
// The daemon's request parser on a `predict` request of about `--mb` MB per space and form
// (arch strings, then arch objects), in process, best of 5:
// - tree: `JSONParser.parse` of the whole message, then `JSONValueDecoder` into the real
//   `PredictRequest` (every big request before issue 22's text decoding; still the path of any
//   text the text decoder does not read);
// - text: what the daemon now does with a big request: the scan of the message's envelope and
//   its params' members (one pass, for a progress token), then `PredictRequest.decode(jsonText:in:)`
//   (members but `archs` from small parse trees, architectures straight from the bytes in one
//   more pass): "the request parser" (MB/s);
// - resolve: `ArchitectureInput.resolve` of what each path decoded (each space's byte-level
//   parser of strings and, for text-decoded objects, of objects; validation);
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
    md += "tree = `JSONParser.parse` of the message, then `JSONValueDecoder` into `PredictRequest` (the path before text decoding); text = the daemon's big-request path: the envelope and params scan, then `PredictRequest.decode(jsonText:in:)` (architectures read from the bytes); resolve = every architecture parsed (byte level), validated and canonical. The request parser is the text column.\n\n"
    md += "| space | form | archs | MB | tree parse MB/s | tree decode MB/s | tree parse + decode MB/s | **text decode MB/s** | tree + resolve archs/s | text + resolve archs/s | text + resolve MB/s |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
    print("hwnas-bench json: request parser, ~\(targetMB) MB per space and form (best of 5)")
    for (spaceID, device) in bigPredictSpaces(arguments) {
        let space = try SpaceRegistry.space(spaceID)
        let pool = bigPredictPool(space)
        for objects in [false, true] {
            let perArch = Double(pool.prefix(1000).map { bigPredictArchJSON($0, in: space, objects: objects).count + 1 }.reduce(0, +)) / Double(min(1000, pool.count))
            let count = Int(targetMB * 1e6 / perArch)
            let params = bigPredictParams(space: space, device: device, pool: pool, count: count, objects: objects)
            let prefix = Array("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"predict\",\"params\":".utf8)
            let bytes = prefix + params + Array("}}".utf8)
            let mb = Double(bytes.count) / 1e6
            // The tree path.
            var parsed: JSONValue = .null
            let tParse = try bestSeconds(5) { parsed = try JSONParser.parse(bytes) }
            var request: PredictRequest?
            let tDecode = try bestSeconds(5) {
                request = try JSONValueDecoder(rootPath: "params").decode(PredictRequest.self, from: parsed["params"]!)
            }
            parsed = .null
            guard let treeArchs = request?.archs, treeArchs.count == count else { throw NASError(.internal, "decoded \(request?.archs.count ?? 0) archs of \(count)") }
            request = nil
            var resolved: [Architecture] = []
            let tTreeResolve = try bestSeconds(5) { resolved = try ArchitectureInput.resolve(treeArchs, in: space) }
            let treeResolved = resolved
            // The text path, as the daemon runs it on a big request.
            let paramsRange = prefix.count..<(bytes.count - 1)
            let tText = try bestSeconds(5) {
                guard let (envelope, inner) = EnvelopeScanner.members(of: bytes, withMembersOf: "params"),
                      envelope.last?.value == paramsRange, inner != nil else {
                    throw NASError(.internal, "the envelope scan did not find the params")
                }
                request = PredictRequest.decode(jsonText: bytes, in: paramsRange)
            }
            let tScan = bestSeconds(5) { _ = EnvelopeScanner.members(of: bytes, withMembersOf: "params") }
            guard let textArchs = request?.archs, textArchs.count == count else {
                throw NASError(.internal, "the text decoder did not read the \(spaceID) request (it would fall back to the tree)")
            }
            request = nil
            let tTextResolve = try bestSeconds(5) { resolved = try ArchitectureInput.resolve(textArchs, in: space) }
            guard resolved == treeResolved else { throw NASError(.internal, "the text path resolved other architectures than the tree path") }
            let form = objects ? "objects" : "strings"
            let n = Double(count)
            md += "| \(spaceID) | \(form) | \(count) | \(String(format: "%.1f", mb)) | \(Int(mb / tParse)) | \(Int(mb / tDecode)) | \(Int(mb / (tParse + tDecode))) | **\(Int(mb / tText))** | \(Int(n / (tParse + tDecode + tTreeResolve) / 1000))k | \(Int(n / (tText + tTextResolve) / 1000))k | \(Int(mb / (tText + tTextResolve))) |\n"
            print("  \(spaceID) \(form): \(count) archs, " + String(format: "%.1f MB: tree parse %.1f ms + decode %.1f ms (%.0f MB/s), text %.1f ms (%.0f MB/s; the scan %.1f ms); resolve tree %.1f ms, text %.1f ms",
                                                                     mb, tParse * 1000, tDecode * 1000, mb / (tParse + tDecode), tText * 1000, mb / tText, tScan * 1000,
                                                                     tTreeResolve * 1000, tTextResolve * 1000))
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
