#!/usr/bin/env python3
"""Issue 19 item 4: can a spec-only GPU model beat the nearest-GPU baseline of predictors.md §3?

For every left-out GPU family and batch (as `hwnas-bench predictors` §3: test = the last 3,000 archs
of the left-out column; nearest GPU = the training GPU nearest by log-spec distance at the same batch),
it compares
  NN      the nearest training GPU's measured latencies (the §3 baseline),
  scaled  NN x exp(lam * c * log(fp32_nearest / fp32_target)), the elasticity c fitted by least squares
          on leave-one-GPU-out pairs of the *training* GPUs only (each training GPU vs its nearest other
          training GPU, all their archs), lam in {0, .25, .5, .75, 1} chosen by nested leave-one-out,
  oracle  NN x the MSE-optimal scale fitted on the left-out GPU itself (not a predictor: the bound of any
          model that keeps the neighbour's ranking and only fixes its scale).
Never uses the left-out GPU's measurements except to score. Stdlib + numpy/pandas/scipy.
Usage: python3 Benchmarks/spec_scale_loo.py [--fixtures fixtures]
"""
import numpy as np
from scipy.stats import spearmanr
from gpu_loo import SPEC, gpus_from_args

LAMBDAS = [0, 0.25, 0.5, 0.75, 1]


def main():
    g, fixtures = gpus_from_args()

    def lfp(f):
        return float(g.logspec(f)[SPEC.index("fp32_gflops")])

    def fit_c(points):
        p = np.array(points)
        den = float(np.sum(p[:, 0] ** 2)) if len(p) else 0.0
        return float(np.sum(p[:, 0] * p[:, 1]) / den) if den > 1e-9 else 0.0

    rmse = lambda p, y: float(np.sqrt(np.mean((p - y) ** 2)))
    print("| space | left-out | nearest | NN RMSE | NN SRCC | lam | scale | scaled RMSE | scaled SRCC | oracle scale | oracle RMSE |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    wins = losses = 0
    for space, lat, col, b, train in g.left_out_rows(fixtures):
        out = g.fam_of[col]
        pts = {}
        for t in train:
            others = [h for h in train if h != t]
            if not others:
                continue
            h = g.nearest(t, others)
            yg, yh = lat[f"{t}_{b}"].values, lat[f"{h}_{b}"].values
            pts[t] = (lfp(h) - lfp(t), float(np.log(np.sum(yg * yh) / np.sum(yh * yh))))
        best = (float("inf"), 0.0)
        for lam in LAMBDAS:
            err = sum((pts[t][1] - lam * fit_c([pts[x] for x in pts if x != t]) * pts[t][0]) ** 2 for t in pts)
            if err < best[0] - 1e-12:
                best = (err, lam)
        lam, c = best[1], fit_c(list(pts.values())) if pts else 0.0
        n = g.nearest(out, train)
        x, y = lat[f"{n}_{b}"].values[-3000:], lat[col].values[-3000:]
        s = float(np.exp(lam * c * (lfp(n) - lfp(out))))
        so = float(np.sum(x * y) / np.sum(x * x))
        r0, r1 = rmse(x, y), rmse(s * x, y)
        wins += r1 < r0 - 1e-9
        losses += r1 > r0 + 1e-9
        print(f"| {space} | {col} | {n}_{b} | {r0:.3f} | {spearmanr(x, y)[0]:.3f} | {lam} | {s:.3f} | {r1:.3f} | "
              f"{spearmanr(s * x, y)[0]:.3f} | {so:.3f} | {rmse(so * x, y):.3f} |")
    print(f"\nscaled beats NN on RMSE in {wins} rows, loses in {losses} (SRCC is unchanged by a scale).")


if __name__ == "__main__":
    main()
