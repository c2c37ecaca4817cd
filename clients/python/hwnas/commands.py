"""What each `hwnas` RPC command accepts: its flags (with kinds, help and the param they set),
a summary, an example. hwnas.cli parses command lines against these and prints them as help.

Flag kinds: "name" (kept as a string), "int", "number", "json" (a JSON value), "spec" (a JSON
object, else a GPU name: `3090` stays the string "3090"), "switch" (no
value, true), "arch" (repeatable, collected into params.archs; an integer is NB201's index),
"budget" (a number of ms -> {"latency_ms": N}, or a JSON object), "numbers" / "names"
(repeatable, collected into a list).
"""

__all__ = ["Flag", "Command", "RPC_COMMANDS", "GLOBAL_FLAGS"]


class Flag:
    """One `--flag`: the param it sets (`param`, default the flag in camelCase), its kind, help."""

    def __init__(self, name, kind, help, param=None, required=False, metavar=None):
        self.name, self.kind, self.help, self.required = name, kind, help, required
        self.param = param or _camel(name)
        self.metavar = metavar or {"switch": "", "arch": "ARCH", "int": "N", "number": "X", "numbers": "X",
                                   "budget": "MS", "json": "JSON", "list": "LIST", "names": "NAME"}.get(kind, "NAME")

    @property
    def repeats(self):
        return self.kind in ("arch", "numbers", "names")

    def usage(self):
        return f"--{self.name}" + (f" {self.metavar}" if self.metavar else "") + (" ..." if self.repeats else "")


class Command:
    """An RPC command: `method` with `flags`; `summary` (one line), `example` (a command line);
    `one_of`: groups of flag names of which the command line needs at least one each;
    `misplaced`: flags the command does not take that people reach for, each with what to do instead."""

    def __init__(self, name, method, summary, flags, example, notes="", one_of=(), misplaced=None):
        self.name, self.method, self.summary, self.flags, self.example, self.notes = (
            name, method, summary, flags, example, notes)
        self.one_of = [tuple(group) for group in one_of]
        self.misplaced = dict(misplaced or {})

    def flag(self, name):
        return next((f for f in self.flags if f.name == name), None)


def _camel(name):
    head, *rest = name.split("-")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


# Flags every command takes (handled by the CLI, not sent to the daemon).
GLOBAL_FLAGS = [
    Flag("state", "name", "where the daemon keeps trained predictors and generators (default $XDG_DATA_HOME/hwnasd)",
         metavar="DIR"),
    Flag("json", "switch", "print the result as JSON (the default when stdout is not a terminal)"),
    Flag("human", "switch", "print the human summary even when stdout is not a terminal"),
    Flag("quiet", "switch", "no progress on stderr"),
    Flag("params", "json", "more params as a JSON object, merged into the request (for params without a flag)"),
    Flag("help", "switch", "show this help"),
]

SPACE = Flag("space", "name", "search space: nb201, fbnet, ofa_mbv3, proxyless, mbv2", required=True)
SPACE_OPT = Flag("space", "name", "search space: nb201, fbnet, ofa_mbv3, proxyless, mbv2")
DEVICE = Flag("device", "name", "a measured device (see `hwnas devices`), e.g. pixel3")
PREDICTOR = Flag("predictor", "name", "a trained latency predictor id (see `hwnas predictors`)")
SPEC = Flag("spec", "spec", 'a GPU name (e.g. "NVIDIA GeForce RTX 3090", 3090) or a JSON object of device specs',
            metavar="GPU|JSON")
BATCH = Flag("batch", "int", "batch size, with --spec")
SEED = Flag("seed", "int", "random seed (default 0)")
SAVE = Flag("save", "json", "false: keep in memory only (default true: saved in the state dir)")
SAMPLES = Flag("samples", "json", 'measured latencies: a JSON list of {"arch": ..., "latency_ms": ...}')
OBJECTIVE = Flag("objective", "json", 'objective, e.g. {"accuracy": "cifar100"} (see protocol/search.md)')
SAMPLES_FROM = Flag("samples-from", "name", "a samples CSV (arch,latency_ms,...; # lines skipped), e.g. from `hwnas measure`",
                    metavar="FILE")
ARCH = Flag("arch", "arch", "an architecture in the space's format, or an NB201 index; repeat for more", param="archs")
ARCHS = Flag("arch", "arch", ARCH.help, param="archs", required=True)  # commands that need at least one
ARCHS_FROM = Flag("archs-from", "names", "a file of architectures: one per line, a CSV with an arch column (a samples CSV), "
                  "or JSON (a list, or a search/generate/sample result: `hwnas search --pareto > front.json`); repeat for more",
                  metavar="FILE")
ONNX = Flag("onnx", "names", "ONNX files `hwnas export` wrote (a file, or a folder's *.onnx): their architectures; repeat for more",
            param="onnxFiles", metavar="PATH")
INCLUDE_DEGENERATE = Flag("include-degenerate", "switch",
                          "keep degenerate architectures (NB201 cells with no data path), left out by default")
LATENCY_SOURCE = ("device", "predictor", "spec")

_commands = [
    Command("devices", "hwnas/listDevices", "list measured devices with their names, specs and sources",
            [SPACE_OPT], "hwnas devices --space nb201"),
    Command("predictors", "hwnas/listPredictors", "list trained latency predictors",
            [SPACE_OPT, Flag("device", "name", "only predictors for this device"),
             Flag("limit", "int", "at most N, sorted by id (a page; `next` in --json names the id to pass as --after)"),
             Flag("after", "name", "only the predictors whose id sorts after this one", metavar="ID")],
            "hwnas predictors --space nb201"),
    Command("info", "initialize", "what the daemon offers: version, methods, spaces, devices", [], "hwnas info"),
    Command("space-info", "hwnas/spaceInfo", "one search space: decisions, size, encodings", [SPACE],
            "hwnas space-info --space fbnet"),
    Command("sample", "hwnas/sample", "random architectures of a space",
            [SPACE, Flag("count", "int", "how many (default 1)"), SEED], "hwnas sample --space nb201 --count 3"),
    Command("encode", "encode", "architectures as feature vectors",
            [SPACE, ARCH, ARCHS_FROM, Flag("encoding", "name", "encoding name (default the space's first, onehot)"),
             Flag("include-dimensions", "switch", "also say what each dimension means"),
             Flag("output", "name", "json (default) or f32-base64")],
            "hwnas encode --space nb201 --arch 0 --arch '|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|'",
            one_of=[("arch", "archs-from")]),
    Command("predict", "predict", "predicted latency (ms) of architectures on a device",
            [SPACE_OPT, DEVICE, PREDICTOR, SPEC, BATCH, ARCH, ARCHS_FROM, ONNX,
             Flag("interval", "number", "a prediction interval at this level (0.5-0.99), where the predictor has one"),
             Flag("output", "name", "json (default) or f32-base64")],
            "hwnas predict --space nb201 --device pixel3 --arch 42 --arch 7", one_of=[LATENCY_SOURCE, ("arch", "archs-from", "onnx")],
            notes="--onnx reads the space and architecture from files `hwnas export` wrote (their hwnasd.* metadata)."),
    Command("train", "train", "train a latency predictor on a device's measurements or on samples",
            [SPACE, DEVICE, SAMPLES, SAMPLES_FROM, Flag("model", "name", "default, lut, flops, mlp, lut+mlp or mlp-hw"),
             Flag("train-size", "int", "training samples (default 1000 nb201, 900 others)"), SEED,
             Flag("id", "name", "the predictor's id"), Flag("hidden", "json", "MLP layer widths, e.g. [256,256]"),
             Flag("max-epochs", "int", "MLP epochs (default 500, early stopping)"), SAVE, INCLUDE_DEGENERATE],
            "hwnas train --space nb201 --device pixel3 --model lut --id lut-pixel3"),
    Command("evaluate", "evaluate", "a predictor's error on a device's measurements or on samples",
            [PREDICTOR, SPACE_OPT, DEVICE, SAMPLES, SAMPLES_FROM, INCLUDE_DEGENERATE], "hwnas evaluate --predictor lut-pixel3"),
    Command("finetune", "finetune", "adapt a predictor to a new device from a few measured samples",
            [Flag("base", "name", "the predictor (or, with --space, the measured device) to start from", required=True),
             SPACE_OPT, SAMPLES, SAMPLES_FROM, Flag("blend-with", "list", "more predictor ids or devices to blend: a JSON list or comma-separated names (the result names members and weights)"),
             Flag("epochs", "int", "fine-tuning epochs"), Flag("freeze", "int", "MLP layers to keep fixed"),
             Flag("method", "name", "auto (default), affine, finetune or lut"), Flag("device", "name", "a name for the new device"),
             Flag("id", "name", "the new predictor's id"), SEED, SAVE],
            "hwnas finetune --base pixel3 --space nb201 --samples-from samples.csv --id my-phone",
            notes="--samples takes a JSON list or @FILE (JSON, or a .csv read as --samples-from does).",
            one_of=[("samples-from", "samples")]),
    Command("adapt", "adapt", "the recommended few-shot path: adapt to a new device from a few samples, choosing "
            "among fine-tuning, blending and proxy adaptation by cross-validation",
            [SPACE_OPT, Flag("base", "name", "the predictor (or measured device, with --space) to start from; "
                             "default: the pool device closest to the samples"),
             Flag("target", "json", 'the target: {"name": ..., "samples": [...]}, or with --samples-from its name '
                  "(default the file's stem)"), SAMPLES_FROM,
             Flag("pool", "list", "what may be blended: true (default, every other device of the space), false, "
                  "or devices / predictor ids (a JSON list or comma-separated names)"),
             Flag("families", "list", 'families to choose among, a JSON list or comma-separated names (default "finetune", "blend", '
                  '"proxy", "mean"; also "mix", "proxy+mix", "blend+proxy+mix"; "stack" combines '
                  'the single families given, or blend, proxy and mix, instead of choosing)'),
             Flag("eval-samples", "json", "held-out samples to report the error on"), SEED, SAVE],
            "hwnas adapt --space nb201 --samples-from my-phone.csv",
            notes="finetune and adapt-proxy are adapt restricted to one family (kept for scripts that use them).",
            one_of=[("samples-from", "target")]),
    Command("adapt-proxy", "adaptProxy", "fit a proxy device's predictor to a target from a few samples",
            [Flag("proxy", "name", "the proxy predictor (or measured device, with --space); default: the mean of the "
                  "adaptations of the --proxies (3) devices of --space closest to the samples"),
             Flag("proxies", "int", "without --proxy: how many closest devices to adapt and average (default 3)"), SPACE_OPT,
             Flag("target", "json", 'the target: {"name": ..., "samples": [...]}, or with --samples-from its name '
                  "(default the file's stem)"), SAMPLES_FROM,
             Flag("method", "name", "with --proxy: auto (default), affine, residual, finetune or pool"), Flag("pool", "switch", "also blend the space's other devices"),
             Flag("eval-samples", "json", "held-out samples to report the error on"), SEED, SAVE],
            "hwnas adapt-proxy --space nb201 --samples-from my-phone.csv", one_of=[("samples-from", "target")]),
    Command("suggest", "suggestSamples", "which architectures to measure on a new device (then adapt-proxy)",
            [SPACE, Flag("count", "int", "how many architectures", required=True),
             Flag("proxies", "list", "devices or predictor ids that place the candidates: a JSON list or comma-separated names (default all)"),
             Flag("measured", "json", "samples already measured: a JSON list, or @FILE.csv"),
             Flag("exclude", "json", "architectures never to suggest, a JSON list"),
             Flag("candidates", "json", "the architectures to choose among, a JSON list (default the space's)"),
             Flag("criterion", "name", "stratified (default), quantile, k-center, d-optimal, representative, random"),
             Flag("estimate", "json", "false: skip expectedSRCC"), SEED],
            "hwnas suggest --space nb201 --count 10",
            notes="Measure the archs (hwnas measure --archs-from), then adapt-proxy; or do all of it with hwnas new-device."),
    Command("search", "search", "the most accurate architecture under a latency budget, or the Pareto front",
            [SPACE, DEVICE, PREDICTOR, SPEC, BATCH, OBJECTIVE,
             Flag("budget", "budget", "latency budget in ms (or a JSON object)"),
             Flag("pareto", "switch", "find the latency/accuracy Pareto front instead of a budget's best"),
             Flag("algorithm", "name", "evolution (default), nsga2 or random"),
             Flag("population", "int", "population size"), Flag("parents", "int", "parents per generation"),
             Flag("generations", "int", "generations (default 500)"), Flag("max-queries", "int", "stop after this many predictions"),
             Flag("mutation-probability", "number", "per-decision mutation probability"),
             Flag("mutate-ratio", "number", "share of children made by mutation"),
             Flag("safety-margin", "number", "keep predicted latency this fraction under the budget"),
             Flag("confidence", "number", "meet the budget with this probability (0.5-0.99), from the predictor's errors"),
             SEED, INCLUDE_DEGENERATE],
            "hwnas search --space nb201 --device pixel3 --budget 5", one_of=[("budget", "pareto"), LATENCY_SOURCE]),
    Command("generate", "generate", "architectures for latency budgets from a trained generator, without searching",
            [Flag("generator", "name", "a generator id (or --space and --device for the device's default)"), SPACE_OPT,
             DEVICE, Flag("budget", "numbers", "a latency budget in ms; repeat for more", param="budgets", required=True),
             Flag("samples", "int", "candidates per budget checked with the predictor (default 16)"), SEED],
            "hwnas generate --space nb201 --device pixel3 --budget 3 --budget 6",
            misplaced={"predictor": "a generator answers for the predictor it was trained with: train one first "
                                    "(hwnas train-generator --space SPACE --predictor NAME), then give --generator ID"}),
    Command("train-generator", "trainGenerator", "train a generator that maps a latency budget to an architecture",
            [SPACE, DEVICE, PREDICTOR, SPEC, BATCH, OBJECTIVE,
             Flag("budget", "numbers", "a latency budget in ms to train for; repeat for more", param="budgets"),
             Flag("budget-range", "json", 'train for budgets in a range: {"min": 2, "max": 8}'),
             Flag("iterations", "int", "training iterations"), Flag("samples-per-budget", "int", "samples per budget and iteration"),
             SEED, Flag("id", "name", "the generator's id"), SAVE, INCLUDE_DEGENERATE],
            "hwnas train-generator --space nb201 --device pixel3 --budget 5"),
    Command("save", "save", "write a predictor to the state dir", [Flag("predictor", "name", "predictor id", required=True)],
            "hwnas save --predictor lut-pixel3"),
    Command("load", "load", "load a predictor file", [Flag("path", "name", "a .hwnp file", required=True, metavar="FILE")],
            "hwnas load --path lut-pixel3.hwnp"),
    Command("delete-predictor", "deletePredictor", "forget a predictor and delete its file",
            [Flag("predictor", "name", "predictor id", required=True)], "hwnas delete-predictor --predictor lut-pixel3"),
    Command("monotonicity", "monotonicity", "rank correlation of latencies across devices",
            [SPACE, Flag("device", "names", "a device; repeat for more (default all of the space)", param="devices"),
             ARCH, Flag("metric", "name", "spearman (default) or kendall"),
             Flag("target", "name", "also name the best proxy for this device")],
            "hwnas monotonicity --space nb201 --device pixel3 --device pixel2"),
    Command("export", "export", "write architectures as ONNX models (to run or time them on a device)",
            [SPACE, ARCH, ARCHS_FROM, Flag("dir", "name", "a folder: one file per architecture, <space>-<hash>.onnx", metavar="DIR"),
             Flag("path", "name", "one file, for exactly one architecture", metavar="FILE"),
             Flag("format", "name", "onnx (default)"),
             Flag("resolution", "int", "input size (ofa_mbv3, mbv2: 128...224 step 4; nb201, fbnet: 32; proxyless: 224)"),
             Flag("batch", "int", "batch size (default 1)"), Flag("seed", "int", "weight seed (default 0)"),
             Flag("weights", "name", "random (default) or zeros"),
             Flag("prune-dead", "switch", "leave out operations off every data path (nb201)")],
            "hwnas export --space nb201 --arch 0 --arch 15624 --dir onnx/", one_of=[("arch", "archs-from")]),
    Command("reuse", "reuse", "re-rank a proxy device's Pareto front for a target device",
            [SPACE, Flag("proxy", "name", "proxy predictor or device", required=True),
             Flag("target", "name", "target device", required=True), OBJECTIVE],
            "hwnas reuse --space nb201 --proxy pixel3 --target pixel2"),
]

RPC_COMMANDS = {c.name: c for c in _commands}
