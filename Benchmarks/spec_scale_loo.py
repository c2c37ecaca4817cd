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
import argparse
import numpy as np
import pandas as pd
from scipy.stats import spearmanr

SPEC = ["sm_count", "cuda_cores", "base_clock_mhz", "boost_clock_mhz", "memory_gb", "memory_bus_bits",
        "memory_bandwidth_gb_s", "l2_cache_mb", "tdp_w", "fp32_gflops"]
LAMBDAS = [0, 0.25, 0.5, 0.75, 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", default="fixtures")
    args = ap.parse_args()
    specs = pd.read_csv(f"{args.fixtures}/hardware/devices.csv").set_index("device")
    gpus = specs[specs["kind"] == "gpu"]
    family = {d: (gpus.loc[d, "name"], int(gpus.loc[d, "batch"])) for d in gpus.index}
    fam_of = {d: d.rsplit("_", 1)[0] for d in gpus.index}

    def logspec(f):
        row = gpus.loc[[d for d in gpus.index if fam_of[d] == f][0], SPEC].astype(float).values
        return np.log(row)

    def nearest(t, cands):
        a = logspec(t)
        return min(cands, key=lambda c: float(np.sum((logspec(c) - a) ** 2)))

    def lfp(f):
        return float(logspec(f)[SPEC.index("fp32_gflops")])

    def fit_c(points):
        p = np.array(points)
        den = float(np.sum(p[:, 0] ** 2)) if len(p) else 0.0
        return float(np.sum(p[:, 0] * p[:, 1]) / den) if den > 1e-9 else 0.0

    rmse = lambda p, y: float(np.sqrt(np.mean((p - y) ** 2)))
    print("| space | left-out | nearest | NN RMSE | NN SRCC | lam | scale | scaled RMSE | scaled SRCC | oracle scale | oracle RMSE |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    wins = losses = 0
    for space in ["nb201", "fbnet", "ofa_mbv3"]:
        lat = pd.read_csv(f"{args.fixtures}/{space}/latency.csv")
        cols = [c for c in lat.columns if c in family]
        fams = sorted({fam_of[c] for c in cols})
        for out in fams:
            for col in sorted([c for c in cols if fam_of[c] == out], key=lambda c: family[c][1]):
                b = family[col][1]
                train = [f for f in fams if f != out and f"{f}_{b}" in lat]
                if not train:
                    continue
                pts = {}
                for g in train:
                    others = [h for h in train if h != g]
                    if not others:
                        continue
                    h = nearest(g, others)
                    yg, yh = lat[f"{g}_{b}"].values, lat[f"{h}_{b}"].values
                    pts[g] = (lfp(h) - lfp(g), float(np.log(np.sum(yg * yh) / np.sum(yh * yh))))
                best = (float("inf"), 0.0)
                for lam in LAMBDAS:
                    err = sum((pts[g][1] - lam * fit_c([pts[x] for x in pts if x != g]) * pts[g][0]) ** 2 for g in pts)
                    if err < best[0] - 1e-12:
                        best = (err, lam)
                lam, c = best[1], fit_c(list(pts.values())) if pts else 0.0
                n = nearest(out, train)
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
