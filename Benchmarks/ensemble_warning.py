#!/usr/bin/env python3
"""Is `adaptProxy` without a proxy (the ensemble) right when it warns that it ranks worse than
the closest raw proxy? 5 NB201 devices (HELP's test devices) x 12 seeded draws of 20 samples,
each adapted through the daemon from a pool of every other fixture device (batch-size siblings
out), then judged on the device's other 15,605 cells: the ensemble's held-out SRCC against the
closest proxy's raw latencies'. Needs numpy and scipy.

    python3 Benchmarks/ensemble_warning.py .build/release/hwnasd [--state DIR]
"""
import argparse
import csv
import os
import random
import sys
import tempfile

import numpy as np
from scipy.stats import spearmanr

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
from hwnas import HwnasClient  # noqa: E402

DEVICES = ["raspi4", "pixel2", "gold_6226", "eyeriss", "titan_rtx_256"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("daemon")
    ap.add_argument("--state", default=None)
    ap.add_argument("--seeds", type=int, default=12)
    a = ap.parse_args()
    with open(os.path.join(ROOT, "fixtures", "nb201", "latency.csv")) as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    lat = {head[j]: np.array([float(r[j]) for r in body]) for j in range(2, len(head))}
    archs = [r[1] for r in body]
    state = a.state or tempfile.mkdtemp(prefix="ensemble-warning-")
    out = []
    with HwnasClient(binary=a.daemon, state=state) as hw:
        for dev in DEVICES:
            siblings = dev.split("_")[0] + "_" if dev.startswith("titan_rtx") else dev
            pool = [d for d in head[2:] if d != dev and not d.startswith(siblings)]
            for seed in range(a.seeds):
                idx = random.Random(100 + seed).sample(range(len(body)), 20)
                name = f"ew-{dev}-{seed}"
                res = hw.adapt_proxy(space="nb201", pool=pool,
                                     target={"name": name, "samples": [{"arch": archs[i], "latency_ms": float(lat[dev][i])} for i in idx]})
                warned = any("ensemble ranks worse" in w for w in res.get("warnings", []))
                held = np.setdiff1d(np.arange(len(body)), idx)
                pred = np.array(hw.predict(predictor=name, archs=[archs[i] for i in held])["latency_ms"])
                ens = spearmanr(pred, lat[dev][held])[0]
                closest = spearmanr(lat[res["proxy"]][held], lat[dev][held])[0]
                out.append((dev, warned, ens, closest))
    print("| device | draws | warned | warned, closest raw proxy better held out | not warned, closest better (by at most) |")
    print("|---|---|---|---|---|")
    for dev in DEVICES + ["all"]:
        o = [x for x in out if dev in ("all", x[0])]
        w = [x for x in o if x[1]]
        miss = [x[3] - x[2] for x in o if not x[1] and x[3] > x[2]]
        print(f"| {dev} | {len(o)} | {len(w)} | {sum(x[3] > x[2] for x in w)} | {len(miss)}" + (f" ({max(miss):.4f})" if miss else "") + " |")


if __name__ == "__main__":
    main()
