"""Short human summaries of results (what `hwnas` prints on a terminal; --json prints the JSON)."""
import json

from .client import decode_f32
from .format import sig, table

__all__ = ["summarize", "latency_text"]


def _interval(c):
    """(lower, upper) of a candidate's latency when the result carries one, else None."""
    if "lower" in c and "upper" in c and isinstance(c["lower"], (int, float)):
        return c["lower"], c["upper"]
    iv = c.get("latencyInterval") or c.get("latency_interval") or c.get("interval")
    if isinstance(iv, dict) and "lower" in iv and "upper" in iv:
        return iv["lower"], iv["upper"]
    if isinstance(iv, (list, tuple)) and len(iv) == 2:
        return iv[0], iv[1]
    return None


def latency_text(c):
    """'3.758 ms' or '3.758 ms (3.5–4.1)' when the candidate has an interval."""
    text = f"{sig(c.get('latency_ms'))} ms"
    iv = _interval(c)
    if iv:
        text += f" ({sig(iv[0])}–{sig(iv[1])})"
    return text


def _score_word(r):
    """'accuracy', or 'score' where the objective is a proxy such as +MACs (its label says which)."""
    return "score" if "not an accuracy" in str(r.get("accuracyLabel", "")) else "accuracy"


def _search(r, params):
    word = _score_word(r)
    lines = []
    best = r.get("best")
    budget = (params.get("budget") or {}).get("latency_ms")
    head = "Pareto search" if params.get("pareto") else "search"
    space = params.get("space", "")
    on = f"{space}/{params['device']}" if params.get("device") else f"{space} with predictor {r.get('predictor')}"
    lines.append(f"{head} {on}" + (f" ≤ {sig(budget)} ms" if budget is not None else "")
                 + (" (cancelled: best so far)" if r.get("partial") else ""))
    if best:
        lines.append(f"  best:     {best['arch']}")
        lines.append(f"            latency {latency_text(best)}, {word} {sig(best.get('accuracy'))}")
    elif budget is not None:
        lines.append("  no architecture found within the budget")
    fastest = r.get("fastest")
    front = sorted(r.get("front") or [], key=lambda c: c.get("latency_ms", 0))
    if fastest and not front and (not best or fastest.get("arch") != best.get("arch")):
        lines.append(f"  fastest:  {fastest['arch']} ({latency_text(fastest)}, {word} {sig(fastest.get('accuracy'))})")
    if front:
        shown = front if len(front) <= 15 else front[:7] + [None] + front[-7:]
        rows = [["…", "", ""] if c is None else [latency_text(c), sig(c.get("accuracy")), c.get("arch", "")] for c in shown]
        lines.append(f"  Pareto front ({len(front)} architectures, fastest first):")
        lines.append(table(rows, ["latency", word, "architecture"], align=[">", ">", "<"], indent="    "))
    stats = [f"{r.get('generations')} generations" if r.get("generations") is not None else None,
             f"{r.get('queries')} predictions" if r.get("queries") is not None else None,
             f"{sig(r['elapsedMs'] / 1000, 3)} s" if r.get("elapsedMs") is not None else None,
             f"{r.get('algorithm')}" if r.get("algorithm") else None]
    lines.append("  " + ", ".join(s for s in stats if s))
    if not front:
        lines.append("  (for the whole latency/accuracy trade-off, search with --pareto: it prints the Pareto front)")
    meaning = f"latency: predicted ms per inference by predictor {r.get('predictor')}"
    if r.get("safetyMargin"):
        meaning += f", kept {sig(100 * r['safetyMargin'], 3)} % under the budget (safety margin)"
    if r.get("accuracyLabel"):
        meaning += f"; {word}: {r['accuracyLabel']}"
    lines.append("  " + meaning)
    return lines + _spec_lines(r, params)


def _predict(r, params):
    archs = params.get("archs") or []
    lat = r.get("latency_ms") or (decode_f32(r["latency_ms_f32"]) if r.get("latency_ms_f32") else [])  # --output f32-base64
    lower, upper = r.get("lower"), r.get("upper")
    rows = []
    for i, v in enumerate(lat):
        row = [str(archs[i]) if i < len(archs) else str(i), v]
        if lower and upper:
            row += [lower[i], upper[i]]
        rows.append(row)
    headers = ["architecture", "latency ms"] + (["lower", "upper"] if lower and upper else [])
    lines = [f"predicted latency by {r.get('predictor')}:", table(rows, headers)]
    if lower and upper:
        lines.append(f"  lower/upper: the {sig(100 * r.get('interval', 0), 3)} % prediction interval (ms)")
    return lines + _spec_lines(r, params)


def _spec_lines(r, params):
    """What answered a `spec` (predict, search): the nearest measured GPU, or the GPU a loose name matched."""
    prefix = f"default-{params.get('space')}-"
    answered = str(r.get("predictor", ""))
    if params.get("spec") is not None and answered.startswith(prefix) and not answered.endswith("-mlp-hw"):  # specModel nearest
        spec = params["spec"] if isinstance(params["spec"], str) else "this spec"
        if r.get("gpu") and r["gpu"] != spec:
            spec += f" ({r['gpu']})"
        return [f"  {spec}: answered by the nearest measured GPU, {answered[len(prefix):]} (its measured latency "
                "where it has one, else its default predictor); --params '{\"specModel\": \"mlp\"}' asks the "
                "hardware-generalized MLP"]
    if r.get("gpu") and r["gpu"] != params.get("spec"):
        return [f"  {params.get('spec')}: the GPU {r['gpu']}"]
    return []


def _export(r, params):
    files = r.get("files") or []
    batch = params.get("batch") or 1
    rows = [[f.get("path", ""), f"{f['bytes'] / 1e6:.1f}", sig(f["macs"] / 1e6), sig(f["params"] / 1e6),
             f"{batch}×3×{f['resolution']}×{f['resolution']}", f.get("arch", "")] for f in files]
    lines = [f"exported {len(files)} ONNX network{'s' if len(files) != 1 else ''} (opset {r.get('opset')}):",
             table(rows, ["file", "MB", "MMACs", "M params", "input", "architecture"], align=["<", ">", ">", ">", "<", "<"], indent="  ")]
    lines.append(f"  to time them on this machine: hwnas measure --space {params.get('space', 'SPACE')} --archs-from ARCHS.txt "
                 "--out samples.csv (it exports and runs them with onnxruntime)")
    return lines


def _space_info(r, params):
    decisions = r.get("decisions") or []
    lines = [f"{r.get('id')}: {r.get('summary')}", f"  input: {r.get('inputDescription')}",
             f"  {sig(r.get('size'))} architectures, {len(decisions)} decisions; encodings: "
             + ", ".join(f"{e.get('name')} ({e.get('dimension')} features)" for e in r.get("encodings") or [])]
    # Runs of decisions with the same options are one row ("ks[0] … ks[19]").
    rows, start = [], 0
    for i in range(1, len(decisions) + 1):
        if i == len(decisions) or decisions[i].get("options") != decisions[start].get("options"):
            name = decisions[start]["name"] if i - start == 1 else f"{decisions[start]['name']} … {decisions[i - 1]['name']}"
            rows.append([name, str(i - start), ", ".join(str(o) for o in decisions[start].get("options", []))])
            start = i
    lines.append(table(rows, ["decisions", "count", "options"], align=["<", ">", "<"], indent="  "))
    return lines


def _train_generator(r, params):
    meta = r.get("metadata") or {}
    lines = [f"generator {r.get('generator')} ({r.get('space')}; latency {meta.get('latency')}, accuracy {meta.get('accuracy')})",
             f"  answers budgets {sig(r.get('budgetMin'))}–{sig(r.get('budgetMax'))} ms; {r.get('iterations')} iterations, "
             f"{r.get('queries')} predictions, {sig(r['elapsedMs'] / 1000, 3)} s"]
    if r.get("path"):
        lines.append(f"  saved: {r['path']}")
    lines.append(f"  use it: hwnas generate --generator {r.get('generator')} --budget MS [--budget MS ...]")
    return lines


def _sample(r, params):
    return [str(a) for a in r.get("archs", [])]  # one per line: ready for --archs-from


def _reuse(r, params):
    front = sorted(r.get("front") or [], key=lambda c: c.get("latency_ms", 0))
    word = _score_word(r)
    lines = [f"reuse {r.get('space')}: the front chosen by {r.get('proxy')}'s latencies, judged on {r.get('target')}'s "
             f"measurements ({r.get('archs')} architectures)",
             f"  recovered {sig(100 * r['recovered'], 3)} % of {r.get('target')}'s true front ({r.get('trueFront')} architectures); "
             f"hypervolume {sig(100 * r['hypervolumeRatio'], 4)} % of the true front's; latency SRCC {sig(r.get('srcc'), 3)}"]
    shown = front if len(front) <= 15 else front[:7] + [None] + front[-7:]
    rows = [["…", "", "", "", ""] if c is None else
            [sig(c.get("latency_ms")), sig(c.get("predicted_ms")), sig(c.get("accuracy")), "yes" if c.get("onTrueFront") else "",
             c.get("arch", "")] for c in shown]
    lines.append(f"  the proxy's front ({len(front)} architectures, fastest measured first):")
    lines.append(table(rows, ["measured ms", "predicted ms", word, "on true front", "architecture"],
                       align=[">", ">", ">", "<", "<"], indent="    "))
    lines.append(f"  measured ms: {r.get('target')}'s; predicted ms: the proxy's, on its own device's scale (only its ranking counts)")
    if r.get("accuracyLabel"):
        lines.append(f"  {word}: {r['accuracyLabel']}")
    return lines


def _devices(r, params):
    rows = []
    for d in r.get("devices", []):
        measured = d.get("archsMeasured") or {}
        rows.append([d["name"], d.get("kind", ""), d.get("displayName", ""), d.get("batch") if d.get("batch") is not None else "",
                     ", ".join(f"{s} {measured[s]}" if s in measured else s for s in d.get("spaces", [])),
                     d.get("source") or ""])
    lines = [f"{len(rows)} devices" + (f" measured in {params['space']}" if params.get("space") else "") + ":",
             table(rows, ["name", "kind", "device", "batch", "spaces (archs measured)", "source"],
                   align=["<", "<", "<", ">", "<", "<"])]
    lines.append("  use the name with --device; `hwnas devices --json` has each device's description and specs")
    return lines


def _predictors(r, params):
    rows = []
    for p in r.get("predictors", []):
        info = p.get("info") or {}
        if "heldOutRMSE" in info:
            judged = [info["heldOutRMSE"], info.get("heldOutSpearman", ""), "held-out"]
        elif "crossValidatedRMSE" in info:  # a fit on a few samples: no held-out data
            judged = [info["crossValidatedRMSE"], info.get("crossValidatedSpearman", ""),
                      f"cross-validated, {info.get('crossValidatedCount', '?')} samples"]
        else:
            judged = ["", "", ""]
        rows.append([p["id"], p.get("space", ""), p.get("device") or "", p.get("model", "")] + judged)
    if not rows:
        return ["no trained predictors (train one with `hwnas train`, or use --device: its default predictor is trained on first use)"]
    more = [f"  more follow: hwnas predictors --after {r['next']} (with --limit) lists the next page"] if r.get("next") else []
    return [f"{len(rows)} predictor{'' if len(rows) == 1 else 's'}:",
            table(rows, ["id", "space", "device", "model", "RMSE ms", "Spearman", "judged on"]),
            "  RMSE: root-mean-square error of the predicted latency on measurements it was not fitted on "
            "(held out, or each sample by a fit without it)"] + more


_METRICS = [("rmse", "RMSE (ms)"), ("mape", "MAPE (%)"), ("spearman", "Spearman rank correlation"),
            ("kendall", "Kendall rank correlation"), ("within5", "share within ±5 %"), ("within10", "share within ±10 %"),
            ("count", "architectures")]


def _metrics_lines(m, label, baseline=None):
    """A table of error metrics (and a LUT baseline column when given)."""
    if not m:
        return []
    rows = [[name, m[k]] + ([baseline.get(k, "")] if baseline else []) for k, name in _METRICS if k in m]
    headers = ["metric", "value"] + (["LUT baseline"] if baseline else [])
    return [f"  {label}:", table(rows, headers, indent="    ")] if rows else []


def _candidate_lines(metrics):
    """`auto`'s candidates and their validation RMSE, the chosen one marked (why this variant:
    e.g. `lut (plain)` beside `lut` when the table's live-path copy was tried)."""
    scores = metrics.get("validationRMSE") or {}
    if len(scores) < 2:
        return []
    chosen = metrics.get("variant")
    return ["  candidates (validation RMSE, ms): " + ", ".join(
        f"{name} {value:.3g}" + (" (chosen)" if name == chosen else "") for name, value in sorted(scores.items(), key=lambda kv: kv[1]))]


def _more_samples_lines(r):
    """`moreSamples` (finetune, adaptProxy): what measuring more would add, so the user knows when to stop."""
    m = r.get("moreSamples")
    if not isinstance(m, dict) or m.get("expectedSRCC") is None or m.get("currentSRCC") is None:
        return []
    return [f"  more samples: with {m.get('count')} more, expected Spearman {m['expectedSRCC']:.3f} "
            f"(now {m['currentSRCC']:.3f}, its learning curve's); stop when the gain is small"]


def _predictor_info(r, params):
    # train/finetune/load answer a PredictorInfo (`model`, `metrics`); adaptProxy names its `proxy`
    # and `method`, with `crossValidated` at the top level.
    what = r.get("model") or (f"{r['method']} adaptation of {r['proxy']}" if r.get("method") and r.get("proxy") else "")
    lines = [f"predictor {r.get('predictor') or r.get('id')}: {what}"
             + (f" on {r['device']}" if r.get("device") else "") + (f", saved to {r['path']}" if r.get("path") else "")]
    metrics = r.get("metrics") or {}
    lines += _candidate_lines(metrics)
    lines += _metrics_lines(metrics.get("heldOut"), "error on held-out measurements", metrics.get("lutBaseline"))
    lines += _metrics_lines(metrics.get("fitted"), "error on the given samples (fit)")
    # An affine map (finetune's `affine`, adaptProxy's `affine log`) ranks as its base does: its rank
    # metrics are that ranking of the samples, not pooled out-of-fold predictions (AffineRanking).
    affine = metrics.get("variant") == "affine" or r.get("variant") == "affine log"
    lines += _metrics_lines(metrics.get("crossValidated") or r.get("crossValidated"),
                            "error on the samples, cross-validated (each predicted by a model fitted without it"
                            + ("; Spearman and Kendall: the base's own ranking, which an affine map keeps)" if affine else ")"))
    members = r.get("ensemble") or []
    if members:
        lines.append("  mean of the adaptations of the closest devices: " + ", ".join(
            m["proxy"] + ("" if m.get("cvSRCC") is None else f" (cv Spearman {m['cvSRCC']:.3f})") for m in members))
    return lines + _more_samples_lines(r) + [f"  warning: {w}" for w in r.get("warnings", [])]


def _suggest(r, params):
    archs = r.get("archs", [])
    lines = [f"measure these {len(archs)} architectures ({r.get('criterion', '')}):",
             table([[i + 1, a] for i, a in enumerate(archs)], ["#", "architecture"], align=[">", "<"])]
    if r.get("reason"):
        lines.append(f"  why: {r['reason']}")
    if r.get("expectedSRCC") is not None:
        lines.append(f"  expected Spearman of the adapted predictor: {r['expectedSRCC']:.3f} "
                     "(simulated: fixture devices in turn as the new one, without their twins; a typical level, ±0.1 on one device)")
    best = r.get("bestProxy")
    if isinstance(best, dict) and best.get("proxy"):
        lines.append(f"  closest proxy so far: {best['proxy']}")
    return lines + ["  next: hwnas measure --archs-from FILE (or your device's own timer), then hwnas adapt-proxy"]


def _adapt(r, params):
    rows = [[sc.get("family"), "" if sc.get("cvSRCC") is None else sc["cvSRCC"],
             "chosen" if sc.get("family") == r.get("family") else ""] for sc in r.get("scores", [])]
    lines = [f"predictor {r.get('predictor')} for {r.get('target')}: {r.get('family')} from {r.get('base')}"
             + (f", saved to {r['path']}" if r.get("path") else ""), f"  variant: {r.get('variant', '')}"]
    if rows:
        lines += ["  families (cross-validated Spearman on the samples):", table(rows, ["family", "cv SRCC", ""], indent="    ")]
    if r.get("weights"):
        lines += ["  blend: " + " + ".join(f"{w['member']}×{w['weight']:.3g}" for w in r["weights"])]
    lines += [f"  Spearman before {r.get('srccBefore'):.3f}, after {r.get('srccAfter'):.3f} ({r.get('evaluation')})"]
    if r.get("evaluation") == "crossValidated" and r.get("srccAfter", 1) < r.get("srccBefore", 0):
        # Not a warning (Benchmarks/results/trust.md): in such draws of HELP's test devices the
        # base alone ranked the unmeasured cells better in 12 of 39.
        lines += [f"  (the base's own latencies rank these samples better; where that happened on the benchmark the base "
                  "ranked the unmeasured cells better only 12 times in 39, so the adapted model is kept: "
                  "Benchmarks/results/trust.md)"]
    return lines + [f"  warning: {w}" for w in r.get("warnings", [])]


def _evaluate(r, params):
    left = r.get("degenerateLeftOut") or 0
    note = [f"  {left} degenerate architectures (no data path) left out; --include-degenerate keeps them"] if left else []
    return [f"predictor {r.get('predictor')} on {r.get('data')}:"] + _metrics_lines(r.get("metrics"), "error") + note


def _generate(r, params):
    rows = [[g.get("budget_ms"), g.get("latency_ms"), g.get("accuracy"), "yes" if g.get("feasible") else "no", g.get("arch", "")]
            for g in r.get("results", [])]
    word = _score_word(r)
    return [f"generator {r.get('generator')}:", table(rows, ["budget ms", "latency ms", word, "within", "architecture"]),
            f"  {word}: {r.get('accuracyLabel', '')}"]


def _monotonicity(r, params):
    devices = r.get("devices", [])
    rows = [[d] + list(row) for d, row in zip(devices, r.get("matrix", []))]
    return [f"{r.get('metric', 'spearman')} rank correlation of latencies:", table(rows, [""] + devices),
            "  1: same ranking of architectures on both devices"]


def _info(r, params):
    info = r.get("serverInfo", {})
    rows = [[s["id"], s.get("size", ""), s.get("summary", "")] for s in r.get("searchSpaces", [])]
    return [f"{info.get('name', 'hwnasd')} {info.get('version', '')}, protocol {r.get('protocolVersion', '')}",
            "search spaces:", table(rows, ["id", "architectures", "what"], align=["<", ">", "<"]),
            f"{len(r.get('devices', []))} measured devices (hwnas devices), {r.get('predictorCount', len(r.get('predictors', [])))} trained "
            f"predictors (hwnas predictors), {len(r.get('methods', []))} methods (protocol/PROTOCOL.md)"]


_SUMMARIES = {
    "initialize": _info,
    "search": _search, "predict": _predict, "hwnas/listDevices": _devices, "hwnas/listPredictors": _predictors,
    "train": _predictor_info, "finetune": _predictor_info, "adaptProxy": _predictor_info, "evaluate": _evaluate,
    "adapt": _adapt, "suggestSamples": _suggest, "export": _export,
    "hwnas/sample": _sample, "reuse": _reuse, "hwnas/spaceInfo": _space_info,
    "trainGenerator": _train_generator,
    "generate": _generate, "monotonicity": _monotonicity,
}


def summarize(method, result, params=None):
    """The human summary of `result` of `method` (a string); indented JSON for methods without one."""
    fn = _SUMMARIES.get(method)
    if fn is not None and isinstance(result, dict):
        try:
            return "\n".join(fn(result, params or {}))
        except (KeyError, TypeError, ValueError, IndexError):
            pass  # an unexpected shape: fall back to JSON rather than fail after the work is done
    return json.dumps(result, indent=2, ensure_ascii=False)
