#!/usr/bin/env python3
"""Issue 19 item 3: pool-blend variants `hwnas-bench fewshot` does not ship, measured on HELP's NB201 split.

Pool = HELP's meta-train/valid devices we ship, each a pairwise-interaction model least-squares fitted on
all its measurements (as `FixturePool`); targets = the 5 test devices; k random samples (10 draws, numpy
seeds, not the Swift bench's draws), SRCC on every other arch. Variants of the blend alone (no residual
step): non-negative least squares in ms (`blend`'s base) or log space, ridge (signed weights, members
standardized) in ms or log space, NNLS shrunk toward the best member, NNLS + a ridge LUT on the residual.

    python3 Benchmarks/fewshot_blend_variants.py [--draws 10]
"""
import argparse, csv, itertools, os
import numpy as np
from scipy.optimize import nnls
from scipy.stats import spearmanr

POOL = ["1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "samsung_a50", "pixel3", "essential_ph_1",
        "titanx_1", "titanx_32", "titanx_256", "gold_6240"]
TEST = ["titan_rtx_256", "gold_6226", "pixel2", "raspi4", "eyeriss"]
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def load():
    path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "nb201", "latency.csv")
    rows = list(csv.reader(open(path)))
    hdr, data = rows[0], rows[1:]
    ops = np.array([[OPS.index(t.split("~")[0]) for part in r[1].split("+") for t in part.strip("|").split("|") if t]
                    for r in data])
    n = len(ops)
    cols = [np.ones(n)]
    onehot = np.zeros((n, 30))
    for e in range(6):
        onehot[np.arange(n), e * 5 + ops[:, e]] = 1
    cols += list(onehot.T)
    for a, b in itertools.combinations(range(6), 2):
        m = np.zeros((n, 25)); m[np.arange(n), ops[:, a] * 5 + ops[:, b]] = 1
        cols += list(m.T)
    x = np.stack(cols, 1)
    y = {h: np.array([float(r[i]) for r in data]) for i, h in enumerate(hdr) if i >= 2}
    fitted = {d: x @ np.linalg.lstsq(x, y[d], rcond=None)[0] for d in POOL}
    return onehot, y, np.maximum(np.stack([fitted[d] for d in POOL], 1), 1e-3)


def nnls_fit(x, t, prior=None, lam=0.0):
    xm, tm = x.mean(0), t.mean()
    a, b = x - xm, t - tm
    reg = np.sqrt(max(lam, 1e-6) * len(t)) * np.eye(x.shape[1])
    w, _ = nnls(np.vstack([a, reg]), np.concatenate([b, reg @ (prior if prior is not None else np.zeros(x.shape[1]))]))
    return w, tm - xm @ w


def ridge(x, t, lam):
    xm, sd = x.mean(0), x.std(0) + 1e-12
    xs = (x - xm) / sd
    w = np.linalg.solve(xs.T @ xs + lam * np.eye(x.shape[1]), xs.T @ (t - t.mean()))
    return lambda m: ((m - xm) / sd) @ w + t.mean()


def gross_outliers(ref, meas, threshold=4.0, floor=0.6):
    """`OutlierScreen.grossOutliers` (Swift) in numpy: samples far off a trimmed log-affine map."""
    n = len(ref)
    if n < 8:
        return []
    lx, ly = np.log(np.maximum(ref, 1e-9)), np.log(np.maximum(meas, 1e-9))
    offset, scale, flagged = np.median(ly - lx), 1.0, set()
    for _ in range(6):
        res = ly - (offset + scale * lx)
        kept = [i for i in range(n) if i not in flagged]
        centre = np.median(res[kept])
        limit = max(threshold * 1.4826 * np.median(np.abs(res[kept] - centre)), floor)
        nxt = {i for i in range(n) if abs(res[i] - centre) > limit}
        if nxt == flagged and scale != 1:
            break
        flagged = nxt
        inl = [i for i in range(n) if i not in flagged]
        scale, offset = np.polyfit(lx[inl], ly[inl], 1)
    return sorted(sorted(flagged, key=lambda i: -abs(res[i]))[:max(1, n // 10)])


def variants(M, onehot):
    L = np.log(M)

    def nnls_ms(i, y):
        w, c = nnls_fit(M[i], y[i]); return M @ w + c

    def nnls_log(i, y):
        w, c = nnls_fit(L[i], np.log(y[i])); return L @ w + c

    def shrunk(i, y, lam=0.03):
        x = M[i]; sd = x.std(0) + 1e-9
        s = [spearmanr(x[:, j], y[i])[0] for j in range(x.shape[1])]
        b = int(np.nanargmax(s)); xs = (x - x.mean(0)) / sd
        prior = np.zeros(x.shape[1]); prior[b] = max(xs[:, b] @ (y[i] - y[i].mean()) / (xs[:, b] @ xs[:, b]), 0)
        w, c = nnls_fit(xs, y[i], prior, lam); return ((M - x.mean(0)) / sd) @ w + c

    def lut_residual(i, y, lam=10.0):
        base = nnls_ms(i, y); r = y[i] - base[i]; x = onehot[i]
        return base + onehot @ np.linalg.solve(x.T @ x + lam * np.eye(30), x.T @ (r - r.mean()))

    def screened(i, y):
        # As `blend` does: gross outliers against the best-ranking member left out of the fit.
        best = int(np.nanargmax([spearmanr(M[i, j], y[i])[0] for j in range(M.shape[1])]))
        out = set(gross_outliers(M[i, best], y[i]))
        return nnls_ms(np.array([v for n, v in enumerate(i) if n not in out]), y)

    return {"nnls ms (blend's base)": nnls_ms, "nnls ms, outlier screen first (as blend)": screened, "nnls log": nnls_log,
            "ridge ms λ=1": lambda i, y: ridge(M[i], y[i], 1)(M), "ridge ms λ=5": lambda i, y: ridge(M[i], y[i], 5)(M),
            "ridge log λ=5": lambda i, y: ridge(L[i], np.log(y[i]), 5)(L),
            "nnls shrunk to best λ=0.03": shrunk, "nnls + LUT residual λ=10": lut_residual}


def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--draws", type=int, default=10); args = ap.parse_args()
    onehot, y, M = load()
    vs = variants(M, onehot)
    print("| variant | k | " + " | ".join(TEST) + " | mean |"); print("|---" * (len(TEST) + 3) + "|")
    for name, f in vs.items():
        for k in (10, 20):
            per = []
            for d in TEST:
                t = y[d]; s = []
                for seed in range(args.draws):
                    idx = np.random.default_rng(seed * 100 + k).choice(len(t), k, replace=False)
                    held = np.ones(len(t), bool); held[idx] = False
                    s.append(spearmanr(f(idx, t)[held], t[held])[0])
                per.append(np.mean(s))
            print(f"| {name} | {k} | " + " | ".join(f"{v:.3f}" for v in per) + f" | {np.mean(per):.3f} |")


if __name__ == "__main__":
    main()
