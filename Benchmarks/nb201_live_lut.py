#!/usr/bin/env python3
"""Would NB201's additive table price pruning devices better with a copy of each cell's live operations?

TFLite (pixel3, raspi4) prunes operations whose output reaches no output node; PyTorch (the other
devices) runs them. A plain one-hot table prices a cell by every operation it names, so on a pruning
device it cannot tell a live 1x1 convolution from a dead one. This script fits, by least squares on
1,000 random cells with a data path (seed 0) and judges on the other 14,284, three additive tables:
`plain` (one-hot of the 6 edges' operations), `live-op` (the same one-hot after replacing every
operation off the input-to-output data path by `none`) and `both` (the two side by side), on raw
fixture values. numpy only; `search.md` section 2 has why it matters (raspi4's Pareto front).

    python3 Benchmarks/nb201_live_lut.py raspi4 pixel3 gold_6226 1080ti_1
"""
import csv
import os
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def edges(arch: str) -> list[tuple[int, int, str]]:
    """(to node, from node, operation) of each of the 6 edges, in the string's order."""
    out = []
    for to, node in enumerate(arch.strip("|").split("|+|"), start=1):
        for edge in node.split("|"):
            op, frm = edge.split("~")
            out.append((to, int(frm), op))
    return out


def live_operations(cell: list[tuple[int, int, str]]) -> tuple[list[str], bool]:
    """Each edge's operation, or `none` when the edge is off every input-to-output path; and
    whether the output is reached at all (False: a degenerate cell)."""
    forward = {0}
    for to in (1, 2, 3):
        if any(f in forward and op != "none" for t, f, op in cell if t == to):
            forward.add(to)
    backward = {3}
    for node in (2, 1, 0):
        if any(t in backward and op != "none" for t, f, op in cell if f == node):
            backward.add(node)
    live = [op if op != "none" and f in forward and t in backward else "none" for t, f, op in cell]
    return live, 3 in forward


def one_hot(codes: np.ndarray) -> np.ndarray:
    m = np.zeros((len(codes), 6 * len(OPS)))
    for j in range(6):
        m[np.arange(len(codes)), j * len(OPS) + codes[:, j]] = 1
    return m


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def main() -> None:
    devices = sys.argv[1:] or ["raspi4", "pixel3", "gold_6226", "1080ti_1"]
    with open(os.path.join(ROOT, "fixtures", "nb201", "latency.csv")) as f:
        rows = list(csv.DictReader(f))
    plain, live, reached = [], [], []
    for r in rows:
        cell = edges(r["arch_str"])
        ops, ok = live_operations(cell)
        plain.append([OPS.index(op) for _, _, op in cell])
        live.append([OPS.index(op) for op in ops])
        reached.append(ok)
    plain_m, live_m = one_hot(np.array(plain)), one_hot(np.array(live))
    designs = {"plain": plain_m, "live-op": live_m, "both": np.hstack([plain_m, live_m])}
    cells = np.where(np.array(reached))[0]
    order = np.random.default_rng(0).permutation(cells)
    train, test = order[:1000], order[1000:]
    print("device | table | held-out RMSE ms | SRCC | MAPE %")
    for device in devices:
        y = np.array([float(r[device]) for r in rows])
        for name, m in designs.items():
            x = np.hstack([m, np.ones((len(m), 1))])
            w, *_ = np.linalg.lstsq(x[train], y[train], rcond=None)
            p = x[test] @ w
            rmse = float(np.sqrt(np.mean((p - y[test]) ** 2)))
            mape = float(100 * np.mean(np.abs(p - y[test]) / y[test]))
            print(f"{device} | {name} | {rmse:.3f} | {spearman(p, y[test]):.4f} | {mape:.1f}")


if __name__ == "__main__":
    main()
