// hwnas-bench load: the real hwnasd under load. Phase 1 keeps 8 long requests (searches and MLP
// trainings, each cancelled after 0.2–1 s and replaced) and 1,000 small requests (predict 70 %,
// encode 30 %, 3 % of them cancelled) in flight until --requests small ones are answered; every
// request must get exactly one response. Phase 2 measures predict round trips one at a time
// while 8 searches run (target p99 < 10 ms). Peak RSS is the daemon's VmHWM.
//   swift run -c release hwnas-bench load [--requests 50000] [--probes 2000] [--seed 1]
import Foundation
import HWNASTestSupport
import JSONRPC
import NASCore

func runLoadBench(arguments: [String]) throws {
    let total = benchOption(arguments, "--requests").flatMap(Int.init) ?? 50_000
    let probes = benchOption(arguments, "--probes").flatMap(Int.init) ?? 2_000
    var rng = SeededGenerator(seed: benchOption(arguments, "--seed").flatMap(UInt64.init) ?? 1)
    let window = 1_000, longSlots = 8
    let d = try DaemonProcess(framing: .contentLength)
    guard d.call(1, "initialize")?["result"] != nil,
          d.call(2, "train", ["space": "nb201", "device": "pixel3", "model": "lut", "trainSize": 1_000, "id": "load-lut"])?["result"] != nil
    else { throw BenchFailure("setup failed") }

    struct Pending { var kind: String; var sent: UInt64 }
    var pending: [Int: Pending] = [:]
    var answered = Set<Int>()
    var duplicates = 0, unexpected = 0
    var codes: [String: [Int: Int]] = [:]
    var latencyMs: [String: [Double]] = [:]
    var cancels: [(id: Int, at: UInt64)] = []
    var nextID = 100
    var sentSmall = 0, smallInFlight = 0, longInFlight = 0, longStarted = 0, smallCancelled = 0
    let now = { DispatchTime.now().uptimeNanoseconds }
    let archs = (0..<20).map { _ in JSONValue.number(Double(Int.random(in: 0..<15_625, using: &rng))) }

    func sendLong() {
        let id = nextID; nextID += 1
        longStarted += 1
        if longStarted % 2 == 0 {
            d.sendRequest(id, "search", ["space": "nb201", "predictor": "load-lut", "budget": ["latency_ms": 30],
                                         "population": 20, "generations": 1_000_000, "seed": .number(Double(id))])
            pending[id] = Pending(kind: "search", sent: now())
        } else {
            d.sendRequest(id, "train", ["space": "nb201", "device": "pixel3", "model": "mlp", "maxEpochs": 100_000,
                                        "id": .string("load-train-\(id)"), "save": false])
            pending[id] = Pending(kind: "train", sent: now())
        }
        longInFlight += 1
        cancels.append((id, now() + UInt64(Int.random(in: 200...1_000, using: &rng)) * 1_000_000))
    }
    func sendSmall() {
        let id = nextID; nextID += 1
        let n = Int.random(in: 1...20, using: &rng)
        if Int.random(in: 0..<10, using: &rng) < 7 {
            d.sendRequest(id, "predict", ["predictor": "load-lut", "archs": .array(Array(archs.prefix(n)))])
            pending[id] = Pending(kind: "predict", sent: now())
        } else {
            d.sendRequest(id, "encode", ["space": "nb201", "archs": .array(Array(archs.prefix(n)))])
            pending[id] = Pending(kind: "encode", sent: now())
        }
        sentSmall += 1
        smallInFlight += 1
        if Int.random(in: 0..<100, using: &rng) < 3 {
            d.notify("$/cancelRequest", ["id": .number(Double(id))])
            smallCancelled += 1
        }
    }
    func handle(_ m: JSONValue, record: Bool = true) {
        guard let id = m["id"]?.intValue else { unexpected += 1; return }
        guard let p = pending.removeValue(forKey: id) else {
            if answered.contains(id) { duplicates += 1 } else { unexpected += 1 }
            return
        }
        answered.insert(id)
        let code = m["error"]?["code"]?.intValue ?? 0
        codes[p.kind, default: [:]][code, default: 0] += 1
        if record { latencyMs[p.kind, default: []].append(Double(now() - p.sent) / 1e6) }
        if p.kind == "search" || p.kind == "train" { longInFlight -= 1 } else if p.kind == "predict" || p.kind == "encode" { smallInFlight -= 1 }
    }

    // Phase 1: flood.
    let t0 = Date()
    while sentSmall < total || !pending.isEmpty {
        let stopping = sentSmall >= total
        while !stopping && longInFlight < longSlots { sendLong() }
        while sentSmall < total && smallInFlight < window { sendSmall() }
        let t = now()
        for c in cancels where c.at <= t || stopping { d.notify("$/cancelRequest", ["id": .number(Double(c.id))]) }
        cancels.removeAll { $0.at <= t || stopping }
        guard let m = d.wait(timeout: 30, { _ in true }) else { throw BenchFailure("no message for 30 s with \(pending.count) requests pending") }
        if m["method"] != nil { continue }
        handle(m)
        while let more = d.wait(timeout: 0, { _ in true }) { if more["method"] == nil { handle(more) } }
    }
    let floodWall = Date().timeIntervalSince(t0)
    let rssAfterFlood = d.peakRSSMiB ?? .nan

    // Phase 2: predict one at a time while 8 searches run.
    var searchIDs: [Int] = []
    for _ in 0..<longSlots {
        let id = nextID; nextID += 1
        d.sendRequest(id, "search", ["space": "nb201", "predictor": "load-lut", "budget": ["latency_ms": 30],
                                     "population": 20, "generations": 1_000_000, "seed": .number(Double(id))])
        pending[id] = Pending(kind: "search (phase 2)", sent: now())
        searchIDs.append(id)
    }
    usleep(300_000)
    var probe: [Double] = []
    for i in 0..<probes {
        let id = nextID; nextID += 1
        let s = now()
        d.sendRequest(id, "predict", ["predictor": "load-lut", "archs": [.number(Double(i % 15_625))]])
        guard let r = d.response(id, timeout: 30), r["result"] != nil else { throw BenchFailure("probe predict \(id) failed") }
        probe.append(Double(now() - s) / 1e6)
    }
    let stillRunning = searchIDs.filter { pending[$0] != nil }.count
    for id in searchIDs { d.notify("$/cancelRequest", ["id": .number(Double(id))]) }
    while !pending.isEmpty {
        guard let m = d.wait(timeout: 30, { _ in true }) else { throw BenchFailure("searches not answered after cancel") }
        if m["method"] == nil { handle(m, record: false) }
    }
    let peak = d.peakRSSMiB ?? .nan
    _ = d.call(nextID, "shutdown")

    func f(_ x: Double) -> String { String(format: "%.2f", x) }
    print("# hwnas-bench load --requests \(total) --probes \(probes)\n")
    print("Phase 1: \(longSlots) long requests (search/train, cancelled after 0.2–1 s and replaced) + \(window) small requests in flight")
    print("- small requests: \(total) (\(smallCancelled) cancelled) in \(f(floodWall)) s = \(Int(Double(total) / floodWall))/s; long requests started: \(longStarted)")
    print("- every request answered exactly once: \(duplicates == 0 && unexpected == 0) (duplicates \(duplicates), unexpected \(unexpected), unanswered \(pending.count))")
    print("\n| kind | responses | p50 ms | p99 ms | codes |\n|---|---:|---:|---:|---|")
    for kind in ["predict", "encode", "search", "train", "search (phase 2)"] {
        let l = latencyMs[kind] ?? []
        let c = (codes[kind] ?? [:]).sorted { $0.key > $1.key }.map { "\($0.key == 0 ? "result" : String($0.key)): \($0.value)" }.joined(separator: ", ")
        print("| \(kind) | \(l.count) | \(f(benchQuantile(l, 0.5))) | \(f(benchQuantile(l, 0.99))) | \(c) |")
    }
    print("\n(phase 1 round trips include queueing behind up to \(window) requests in flight)")
    print("\nPhase 2: predict (1 arch) one at a time while \(longSlots) searches run (\(stillRunning) still running at the end)")
    print("- \(probes) round trips: p50 \(f(benchQuantile(probe, 0.5))) ms, p99 \(f(benchQuantile(probe, 0.99))) ms, max \(f(probe.max() ?? .nan)) ms (target p99 < 10 ms)")
    print("\nDaemon peak RSS (VmHWM): \(f(rssAfterFlood)) MiB after phase 1, \(f(peak)) MiB at the end")
    if duplicates + unexpected > 0 { throw BenchFailure("requests answered more than once or unexpected replies") }
}
