// hwnas-bench: the project's benchmarks. Each figure reported in an issue's closing note is
// produced by one of these subcommands in a release build:
//   swift run -c release hwnas-bench <command> [options]
// Each command lives in its own file as `func run<Name>Bench(arguments: [String]) throws`.
import Foundation

/// Subcommand name → entry point. Add one line per benchmark.
let commands: [(name: String, summary: String, run: ([String]) throws -> Void)] = [
    // (name, one-line summary, entry point)
    ("predictors", "latency predictor accuracy, few-shot transfer, hardware generalization, speed (issue 4)", runPredictorsBench),
    ("fewshot", "leave-devices-out few-shot adaptation on HELP's NB201/FBNet split, k = 5/10/20 and HELP's reference archs (issue 19)", runFewShotBench),
    ("monotonicity", "latency SRCC matrices, proxy adaptation, Pareto reuse (issue 5)", runMonotonicityBench),
    ("generate", "PNAG generator: regret vs optimum and 20 searches, queries, hypervolume, unseen budgets (issue 7)", runGenerateBench),
    ("search", "NB201 regret and Pareto hypervolume, ofa_mbv3 search speed vs Python peer (issue 6)", runSearchBench),
    ("ensemble-dump", "adaptProxy-without-proxy (ensemble) draws: each member's predictions of every NB201 cell, for Benchmarks/ensemble_intervals/*.py (issue 17 item 4 analysis)", runEnsembleDump),
    ("intervals", "coverage of predict {interval} on held-out NB201 cells: defaults, finetune/adaptProxy/adapt from 20 samples, mlp-hw; the nearest-GPU answer for an unseen GPU in NB201/FBNet/OFA (issue 17)", runIntervalsBench),
    ("robust", "one corrupted sample among 20: held-out SRCC of finetune/adaptProxy with and without the outlier screen (issue 17)", runRobustBench),
    ("budgets", "NB201 budgets at confidence 0.95: measured within-budget share and regret for default, finetune, adaptProxy (issue 17)", runBudgetsBench),
    ("json", "request parser per space and form (strings, objects) on a ~10 MB predict request: parse, decode, resolve; result writing and Foundation peers (issues 2, 22)", runJSONBench),
    ("stdio", "real hwnasd over stdio: 1-arch predict, generate and search round trips; 100,000-arch predict per space end to end (JSON, f32-base64) beside parser, resolve and engine-only rates (issue 22)", runStdioBench),
    ("rpc", "server latencies: cancel -> -32800, quick request while a long one runs (issue 2)", runRPCBench),
    ("pretrained", "train the models shipped in fixtures/pretrained/ (mlp-hw defaults, OFA accuracy) with the daemon's recipes; --write DIR writes them with provenance.json (issue 22)", runPretrainedBench),
    ("speed", "MLP engine: GEMM GFLOP/s, predict 100,000 archs, training on 1,000 samples vs Python peer (issue 4)", runSpeedBench),
    ("spaces", "ofa_mbv3 parse/encode throughput (100,000 archs) and MACs/params vs the CSV (issue 3)", runSpacesBench),
    ("device-loop", "this CPU under onnxruntime: export+measure throughput, repeat-measurement noise floor, predictors on its data (issue 15)", runDeviceLoopBench),
    ("fuzz", "100,000 hostile inputs through hwnasd: per-class counts, code histogram, no crash/hang (issue 8)", runFuzzBench),
    ("trust", "degenerate NB201 cells with/without, proxy objectives, OFA resolution and accuracy-predictor persistence (issue 17)", runTrustBench),
    ("suggest", "which archs to measure on a new device: suggestSamples vs HELP's references vs random, held-out devices; moreSamples check (issue 16)", runSuggestBench),
    ("startup", "daemon start-up vs state directory size: 10,000 saved predictors, indexed vs not, first predict (issue 22)", runStartupBench),
    ("load", "8 long + 1,000 small requests in flight with cancels: exactly-once, predict p50/p99, peak RSS (issue 8)", runLoadBench),
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let command = commands.first(where: { $0.name == name }) else {
    var usage = "usage: hwnas-bench <command> [options]\ncommands:\n"
    for c in commands { usage += "  \(c.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(c.summary)\n" }
    FileHandle.standardError.write(Data(usage.utf8))
    exit(args.isEmpty || args.first == "--help" ? 0 : 2)
}
do {
    try command.run(Array(args.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("hwnas-bench \(name): \(error)\n".utf8))
    exit(1)
}
