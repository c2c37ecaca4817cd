#!/usr/bin/env python3
"""Issue 19 item 3: choice rules for `adapt`, compared on `hwnas-bench fewshot --dump FILE` (one line per draw).

For every (space, k): the mean over test devices of the held-out SRCC each rule would get, against the
hindsight best of blend / adaptProxy / their mean. Rules: argmax of the outer cross-validated score over
{blend, proxy, mean} (as shipped) or over a grid of w · blend + (1 − w) · proxy, scored by Spearman or
Kendall's tau-b (tie-aware: pixel2/eyeriss are whole ms), on 1…R fold assignments (each scored, or their
out-of-fold predictions averaged, as shipped), with a margin before leaving a preferred family.

    swift run -c release hwnas-bench fewshot --cv-repeats 4 --dump /tmp/fewshot.jsonl
    python3 Benchmarks/fewshot_rules.py /tmp/fewshot.jsonl
"""
import collections, json, sys
import numpy as np
from scipy.stats import kendalltau, spearmanr

FAMS = ["blend", "proxy", "mean"]


def score(o, y, kind):
    s = spearmanr(o, y)[0] if kind == "sp" else kendalltau(o, y)[0]
    return s if np.isfinite(s) else -1.0


def main(path):
    rows = [r for r in map(json.loads, open(path)) if not r.get("ref")]
    res = collections.defaultdict(lambda: collections.defaultdict(list))
    for r in rows:
        key, y, dev = (r["space"], r["k"]), np.array(r["y"]), r["device"]
        res[key + ("chosen by this run",)][dev].append(r["held"][r["chosen"]])
        res[key + ("hindsight {blend, proxy, mean}",)][dev].append(max(r["held"][f] for f in FAMS))
        res[key + ("hindsight w grid",)][dev].append(max(r["mixHeld"]))
        for f in FAMS:
            res[key + (f"always {f}",)][dev].append(r["held"][f])
        reps = sorted({int(k.split("#")[1]) for k in r["oof"]})
        oof = lambda f, i: np.array(r["oof"][f"{f}#{i}"])
        for R in range(1, len(reps) + 1):
            for kind in ("sp", "kt"):
                per = {f: np.mean([score(oof(f, i), y, kind) for i in range(R)]) for f in FAMS}
                avg = {f: score(np.mean([oof(f, i) for i in range(R)], 0), y, kind) for f in FAMS}
                for label, s in ((f"R={R} {kind} mean score", per), (f"R={R} {kind} averaged OOF", avg)):
                    res[key + (label,)][dev].append(r["held"][max(FAMS, key=lambda f: s[f])])
                for margin in (0.01, 0.02):
                    s = avg; best = max(FAMS, key=lambda f: s[f])
                    if s[best] - s["mean"] <= margin: best = "mean"
                    res[key + (f"R={R} {kind} averaged OOF, mean unless +{margin}",)][dev].append(r["held"][best])
            grid = r["mixGrid"]
            ob = np.mean([oof("blend", i) for i in range(R)], 0); op = np.mean([oof("proxy", i) for i in range(R)], 0)
            g = max(range(len(grid)), key=lambda j: (score(grid[j] * ob + (1 - grid[j]) * op, y, "sp"), -abs(grid[j] - 0.5)))
            res[key + (f"R={R} sp averaged OOF, w grid",)][dev].append(r["mixHeld"][g])
    names = sorted({k[2] for k in res})
    print("| space | rule | k = 5 | k = 10 | k = 20 |\n|---|---|---|---|---|")
    for space in sorted({k[0] for k in res}, reverse=True):
        for name in names:
            cells = []
            for k in (5, 10, 20):
                d = res.get((space, k, name))
                cells.append(f"{np.mean([np.mean(v) for v in d.values()]):.4f}" if d else "—")
            print(f"| {space} | {name} | " + " | ".join(cells) + " |")
    # The spread of the chosen rule's 5-device mean across draws: its standard error over the seeds.
    for space in sorted({r["space"] for r in rows}, reverse=True):
        cells = []
        for k in (5, 10, 20):
            per_seed = collections.defaultdict(list)
            for r in rows:
                if r["space"] == space and r["k"] == k:
                    per_seed[r["seed"]].append(r["held"][r["chosen"]])
            m = [np.mean(v) for v in per_seed.values()]
            cells.append(f"{np.std(m, ddof=1) / np.sqrt(len(m)):.4f}")
        print(f"\nstandard error of the chosen rule's mean over draws, {space}, k = 5 / 10 / 20: " + " / ".join(cells))


if __name__ == "__main__":
    main(sys.argv[1])
