#!/usr/bin/env python3
"""Issue 19 item 3: which family set `adapt` should choose among, compared on `hwnas-bench fewshot --dump FILE`.

For every (space, k): the mean over target devices of the held-out SRCC that the shipped rule (argmax of the
Spearman of out-of-fold predictions averaged over the fold assignments) gets when choosing among each family
set, beside `always <family>` and the hindsight best of each set. `blendEnsemble` = the mean (ms) of `blend`
and `ensemble`, scored from their out-of-fold predictions like `mean`. Run it on a `--validate` dump (the
pool devices as targets) to choose a set without the test devices, then on the test devices' dump to report.

    swift run -c release hwnas-bench fewshot --dump /tmp/fewshot.jsonl
    swift run -c release hwnas-bench fewshot --validate --dump /tmp/fewshot-validate.jsonl
    python3 Benchmarks/fewshot_families.py /tmp/fewshot-validate.jsonl
"""
import collections, json, sys
import numpy as np
from scipy.stats import spearmanr

SETS = {
    "blend, proxy, mean (before)": ["blend", "proxy", "mean"],
    "blend, proxy, mean, ensemble": ["blend", "proxy", "mean", "ensemble"],
    "blend, ensemble, blendEnsemble": ["blend", "ensemble", "blendEnsemble"],
    "blend, proxy, mean, ensemble, blendEnsemble": ["blend", "proxy", "mean", "ensemble", "blendEnsemble"],
}


def sp(o, y):
    s = spearmanr(o, y)[0]
    return s if np.isfinite(s) else -1.0


def main(path):
    rows = [r for r in map(json.loads, open(path)) if not r.get("ref")]
    res = collections.defaultdict(lambda: collections.defaultdict(list))
    seeds = collections.defaultdict(lambda: collections.defaultdict(list))
    for r in rows:
        key, y, dev = (r["space"], r["k"]), np.array(r["y"]), r["device"]
        held = r["held"]
        reps = sorted({int(k.split("#")[1]) for k in r["oof"]})
        oof = {f: np.mean([np.array(r["oof"][f"{f}#{i}"]) for i in reps], 0)
               for f in ("blend", "proxy", "mean", "ensemble") if f"{f}#0" in r["oof"]}
        if "ensemble" in oof:
            oof["blendEnsemble"] = np.mean([(np.maximum(np.array(r["oof"][f"blend#{i}"]), 1e-6)
                                             + np.maximum(np.array(r["oof"][f"ensemble#{i}"]), 1e-6)) / 2 for i in reps], 0)
        cv = {f: sp(o, y) for f, o in oof.items()}
        for f in held:
            res[key + (f"always {f}",)][dev].append(held[f])
        res[key + ("chosen by this run",)][dev].append(held[r["chosen"]])
        seeds[key + ("chosen by this run",)][r["seed"]].append(held[r["chosen"]])
        for name, fams in SETS.items():
            if not all(f in cv and f in held for f in fams):
                continue
            best = max(fams, key=lambda f: cv[f])  # first on ties, as adapt
            res[key + (f"choose among {name}",)][dev].append(held[best])
            seeds[key + (f"choose among {name}",)][r["seed"]].append(held[best])
            res[key + (f"hindsight {name}",)][dev].append(max(held[f] for f in fams))
    names = sorted({k[2] for k in res})
    ks = sorted({k[1] for k in res})
    print("| space | rule | " + " | ".join(f"k = {k}" for k in ks) + " |\n|---|---|" + "---|" * len(ks))
    for space in sorted({k[0] for k in res}, reverse=True):
        for name in names:
            cells = []
            for k in ks:
                d = res.get((space, k, name))
                if not d:
                    cells.append("—"); continue
                m = np.mean([np.mean(v) for v in d.values()])
                s = seeds.get((space, k, name))
                if s and len(s) > 1:
                    per = [np.mean(v) for v in s.values()]
                    cells.append(f"{m:.4f} ± {np.std(per, ddof=1) / np.sqrt(len(per)):.4f}")
                else:
                    cells.append(f"{m:.4f}")
            print(f"| {space} | {name} | " + " | ".join(cells) + " |")
    print("\n± = standard error of the device-mean over the draws (seeds).")


if __name__ == "__main__":
    main(sys.argv[1])
