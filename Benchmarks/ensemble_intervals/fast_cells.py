"""How often `adaptProxy` without a proxy (the ensemble) warns of implausibly fast cells, and
whether its warnings point at real mispricing.

Input: a dump of `hwnas-bench ensemble-dump --out DIR --seeds N [--devices a,b]` (each draw's
JSON holds the ensemble's `warnings`; the members' predictions of every NB201 cell and the
device's measurements sit beside it). Per device: draws that warn (`ImplausiblyFastCells`), draws
with a cell that has a data path predicted at <= 10 % of what it measures, and both.

    python3 Benchmarks/ensemble_intervals/fast_cells.py DIR
"""
from __future__ import annotations

import collections
import glob
import json
import os
import sys

import numpy as np


def main(directory: str) -> None:
    degenerate = np.fromfile(os.path.join(directory, "degenerate.f32"), dtype=np.float32) == 1
    warned: collections.Counter[str] = collections.Counter()
    mispriced: collections.Counter[str] = collections.Counter()
    both: collections.Counter[str] = collections.Counter()
    draws: collections.Counter[str] = collections.Counter()
    for path in sorted(glob.glob(os.path.join(directory, "*-*.json"))):
        device = os.path.basename(path).rsplit("-", 1)[0]
        info = json.load(open(path))
        measured = np.fromfile(os.path.join(directory, f"measured-{device}.f32"), dtype=np.float32)
        members = np.fromfile(path[:-5] + ".f32", dtype=np.float32).reshape(len(info["members"]), -1)
        predicted = members.mean(axis=0)
        warns = any("with a data path are predicted below" in w for w in info.get("warnings", []))
        bad = bool(((predicted <= 0.1 * measured) & ~degenerate & (measured > 0)).any())
        draws[device] += 1
        warned[device] += warns
        mispriced[device] += bad
        both[device] += warns and bad
    print("| device | draws | warned | a live cell at <= 10 % of its measurement | both |")
    print("|---|---|---|---|---|")
    for device in sorted(draws):
        print(f"| {device} | {draws[device]} | {warned[device]} | {mispriced[device]} | {both[device]} |")


if __name__ == "__main__":
    main(sys.argv[1])
