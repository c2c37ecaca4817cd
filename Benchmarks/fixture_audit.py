#!/usr/bin/env python3
"""Shipped measurements far off their own device's additive model: likely mismeasured cells.

Per device of fixtures/nb201 (pairwise-interaction table over the 6 edges) and fixtures/fbnet
(per-layer lookup table), a least-squares fit in milliseconds on ALL of the device's cells, and
the cells measured more than FACTOR times above their fit (and above the device's median) or
below 1/FACTOR of it (and above 0.05 ms: NB201 cells that runtimes prune to ~0 are real).
A fit on every cell is the most a table can explain; a cell this far off it is either a timing
hiccup or an effect no architecture-only predictor can see. Needs numpy.

    python3 Benchmarks/fixture_audit.py [--factor 3]
"""
import argparse
import csv
import os
import re

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
NB201_OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def nb201_design(arch_strings):
    pairs = [(a, b) for a in range(6) for b in range(a + 1, 6)]
    x = np.zeros((len(arch_strings), 1 + 30 + 25 * len(pairs)))
    for n, s in enumerate(arch_strings):
        ops = [NB201_OPS.index(o) for o in re.findall(r"(\w+)~\d", s)]
        x[n, 0] = 1
        for e, o in enumerate(ops):
            x[n, 1 + 5 * e + o] = 1
        for k, (a, b) in enumerate(pairs):
            x[n, 31 + 25 * k + 5 * ops[a] + ops[b]] = 1
    return x


NB201_EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]  # (from node, to node), in string order


def nb201_dead_operation(arch_string):
    """Whether an edge with an operation lies off every input -> output path (runtimes that prune
    dead operations measure such cells far below a table's sum: a real effect, not a hiccup)."""
    ops = re.findall(r"(\w+)~\d", arch_string)
    edges = [e for e, o in zip(NB201_EDGES, ops) if o != "none"]
    reach, back = {0}, {3}
    for _ in range(3):
        reach |= {j for i, j in edges if i in reach}
        back |= {i for i, j in edges if j in back}
    return any(not (i in reach and j in back) for i, j in edges)


def fbnet_design(arch_strings):
    rows = [[int(v) for v in s.split("-")] for s in arch_strings]
    layers, choices = len(rows[0]), 1 + max(max(r) for r in rows)
    x = np.zeros((len(rows), 1 + layers * choices))
    for n, r in enumerate(rows):
        x[n, 0] = 1
        for layer, c in enumerate(r):
            x[n, 1 + layer * choices + c] = 1
    return x


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factor", type=float, default=3.0)
    a = ap.parse_args()
    print(f"| space | device | cells | above {a.factor:g} × their fit | below 1/{a.factor:g} of it (with a dead operation) | the worst, dead operations aside (index: measured / fit ms) |")
    print("|---|---|---|---|---|---|")
    for space, design in (("nb201", nb201_design), ("fbnet", fbnet_design)):
        with open(os.path.join(ROOT, space, "latency.csv")) as f:
            rows = list(csv.reader(f))
        head, body = rows[0], rows[1:]
        x = design([r[1] for r in body])
        dead = np.array([space == "nb201" and nb201_dead_operation(r[1]) for r in body])
        for j in range(2, len(head)):
            y = np.array([float(r[j]) for r in body])
            fit = x @ np.linalg.lstsq(x, y, rcond=None)[0]
            ratio = y / np.maximum(fit, 1e-3)
            high = np.where((ratio > a.factor) & (y > np.median(y)))[0]
            low = np.where((ratio < 1 / a.factor) & (y > 0.05))[0]
            worst = sorted([i for i in list(high) + list(low) if not dead[i]], key=lambda i: -abs(np.log(max(ratio[i], 1e-9))))[:3]
            shown = ", ".join(f"{body[i][0]}: {y[i]:.3g} / {fit[i]:.3g}" for i in worst)
            print(f"| {space} | {head[j]} | {len(y)} | {len(high)} | {len(low)} ({int(dead[low].sum())}) | {shown or '-'} |")


if __name__ == "__main__":
    main()
