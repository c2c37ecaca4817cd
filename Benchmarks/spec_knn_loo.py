#!/usr/bin/env python3
"""Issue 19 item 4: a learned combination of the nearest GPUs' latencies, spec-only, vs the nearest GPU.

For every left-out GPU family and batch of predictors.md §3 (test = the last 3,000 archs of the
left-out column; candidates = the other GPU families measured at the same batch), it compares
  NN    the nearest training GPU by log-spec distance (the §3 baseline, `predict {spec}` today),
  kNN   sum_j w_j * latency of the j-th nearest training GPU, w_j proportional to d_j^-p (inverse
        spec-distance weighting; p = inf is NN), over the k = 2 or 3 nearest; (k, p) chosen by
        leave-one-GPU-out on the TRAINING GPUs only (each training GPU predicted from the other
        training GPUs, mean of RMSE/RMSE_NN + (1 - SRCC) over them); ties keep NN.
The left-out GPU's measurements are used only to score. Adopt only if kNN >= NN on every row in
both SRCC and RMSE. Stdlib + numpy/pandas/scipy.
Usage: python3 Benchmarks/spec_knn_loo.py [--fixtures fixtures]
"""
import numpy as np
from scipy.stats import spearmanr
from gpu_loo import gpus_from_args

CHOICES = [(1, None)] + [(k, p) for k in (2, 3) for p in (1, 2, 4, 8)]


def main():
    g, fixtures = gpus_from_args()

    def combine(target, cands, b, lat, rows, choice):
        k, p = choice
        order = sorted(cands, key=lambda c: g.distance(target, c))[:k]
        if k == 1 or len(order) == 1:
            return lat[f"{order[0]}_{b}"].values[rows], {order[0]: 1.0}
        d = np.array([max(g.distance(target, c), 1e-9) for c in order])
        w = d ** -p
        w /= w.sum()
        return sum(wj * lat[f"{c}_{b}"].values[rows] for wj, c in zip(w, order)), dict(zip(order, w))

    rmse = lambda p, y: float(np.sqrt(np.mean((p - y) ** 2)))
    print("| space | left-out | NN | NN RMSE | NN SRCC | chosen (k, p) | weights | kNN RMSE | kNN SRCC | ≥ NN on both |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    both = worse = 0
    for space, lat, col, b, train in g.left_out_rows(fixtures):
        test_rows = np.arange(len(lat))[-3000:]
        all_rows = np.arange(len(lat))
        # Choose (k, p) leave-one-GPU-out on the training GPUs only.
        best = None
        for choice in CHOICES:
            score, n = 0.0, 0
            for t in train:
                others = [h for h in train if h != t]
                if not others:
                    continue
                y = lat[f"{t}_{b}"].values
                nn, _ = combine(t, others, b, lat, all_rows, (1, None))
                pr, _ = combine(t, others, b, lat, all_rows, choice)
                score += rmse(pr, y) / max(rmse(nn, y), 1e-9) + (1 - spearmanr(pr, y)[0])
                n += 1
            score = score / n if n else float("inf")
            if best is None or score < best[0] - 1e-9:
                best = (score, choice)
        choice = best[1] if best else (1, None)
        out = g.fam_of[col]
        y = lat[col].values[test_rows]
        nn, wn = combine(out, train, b, lat, test_rows, (1, None))
        pr, w = combine(out, train, b, lat, test_rows, choice)
        r0, s0, r1, s1 = rmse(nn, y), spearmanr(nn, y)[0], rmse(pr, y), spearmanr(pr, y)[0]
        ok = r1 <= r0 + 1e-9 and s1 >= s0 - 1e-9
        both += ok
        worse += not ok
        ws = " + ".join(f"{c}×{v:.2f}" for c, v in w.items())
        print(f"| {space} | {col} | {next(iter(wn))}_{b} | {r0:.3f} | {s0:.3f} | {choice} | {ws} | {r1:.3f} | {s1:.3f} | {'yes' if ok else '**no**'} |")
    print(f"\nkNN at least as good as NN on both SRCC and RMSE in {both} rows, worse on at least one in {worse}.")


if __name__ == "__main__":
    main()
