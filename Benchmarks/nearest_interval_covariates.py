#!/usr/bin/env python3
"""Per-query width covariates for the nearest-GPU interval of `predict {spec, interval}` (issue 17 item 4).

Fixtures only (no timing). For every GPU setting of NB201, FBNet and OFA, judged leave-one-chip-out: its chip is
left out, its nearest GPU among the others (standardized log-spec distance, same batch; as
`NearestGPUModel.nearest`) answers, and the interval is answer x e^(+-q s(a)) with q the 0.9-quantile (equal weight
per setting) of |log(measured/answer)| / s over the OTHER chips, each answered by its nearest among them (nothing of
the judged chip is used). Variants of the per-query scale s:
  const      s = 1 (what `NearestGPUInterval` ships)
  knn        s = 0.05 + |log(L_n1(a) / L_n2(a))|: disagreement of the two nearest GPUs (other chips) for that arch
  knn-shape  s = 0.05 + |log(L_n1/L_n2)(a) - median over archs|: the same, their overall speed ratio removed
  knn-all    s = 0.05 + SD over every other chip's GPU at that batch of log L(a)
  distance   s = the per-setting median |log ratio| interpolated linearly in spec distance to the answering GPU
             (fitted on the calibration settings themselves; clamped outside their range)
Run: python3 Benchmarks/nearest_interval_covariates.py
"""
import csv, math, os
import numpy as np

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures')
SPEC = ["sm_count", "cuda_cores", "base_clock_mhz", "boost_clock_mhz", "memory_gb", "memory_bus_bits",
        "memory_bandwidth_gb_s", "l2_cache_mb", "tdp_w", "fp32_gflops"]
DEVS = {r['device']: r for r in csv.DictReader(open(f'{FIX}/hardware/devices.csv')) if r['kind'] == 'gpu'}
LEVEL = 0.9


def load(space):
    rows = list(csv.DictReader(open(f'{FIX}/{space}/latency.csv')))
    cols = [c for c in rows[0] if c in DEVS and space in DEVS[c]['space_columns'].split(';')]
    return cols, {c: np.array([float(r[c]) if r[c] else np.nan for r in rows]) for c in cols}


chip = lambda d: DEVS[d]['name']
batch = lambda d: int(DEVS[d]['batch'])
feats = lambda d: np.array([math.log(float(DEVS[d][c])) for c in SPEC])


def ranked(target, pool):
    """Pool devices at the target's batch by standardized log-spec distance (standardization fitted on the pool)."""
    X = np.array([feats(c) for c in pool]); mu = X.mean(0); sd = np.maximum(X.std(0), 0.5)
    z = lambda f: np.clip((f - mu) / sd, -3, 3)
    dist = np.sqrt(((z(X) - z(feats(target))) ** 2).sum(1))
    return [(pool[i], dist[i]) for i in np.argsort(dist, kind='stable') if batch(pool[i]) == batch(target)]


def setting(L, target, pool):
    nl = ranked(target, pool)
    n1, d1 = nl[0]
    a, p = L[target], L[n1]
    m = np.isfinite(a) & np.isfinite(p) & (a > 0) & (p > 0)
    out = dict(r=np.log(a[m] / p[m]), d=d1, n1=n1)
    if len(nl) >= 2:
        lr = np.log(L[n1][m] / L[nl[1][0]][m])
        out['knn'] = 0.05 + np.abs(lr)
        out['knn-shape'] = 0.05 + np.abs(lr - np.median(lr))
        out['knn-all'] = 0.05 + np.std(np.log(np.array([L[x][m] for x, _ in nl])), axis=0)
    return out


def weighted_quantile(groups, level):
    v = np.concatenate(groups); w = np.concatenate([np.full(len(g), 1 / len(g)) for g in groups])
    o = np.argsort(v); c = np.cumsum(w[o])
    return v[o][np.searchsorted(c, level * c[-1] - 1e-12)]


def scale(s, variant, fit):
    if variant == 'const': return np.ones(len(s['r']))
    if variant == 'distance':
        ds, ms = fit
        return np.full(len(s['r']), np.interp(s['d'], ds, ms))
    return s.get(variant)


def judge(space, variant):
    cols, L = load(space)
    chips = sorted(set(map(chip, cols)))
    res = []
    for c in chips:
        calib = [setting(L, t, [d for d in cols if chip(d) not in (c, chip(t))]) for t in cols if chip(t) != c]
        test = [(t, setting(L, t, [d for d in cols if chip(d) != c])) for t in cols if chip(t) == c]
        fit = None
        if variant == 'distance':
            pts = sorted((s['d'], float(np.median(np.abs(s['r'])))) for s in calib)
            ds = sorted(set(d for d, _ in pts))
            fit = (ds, [np.mean([m for d, m in pts if d == x]) for x in ds])
        if any(scale(s, variant, fit) is None for s in calib) or any(scale(s, variant, fit) is None for _, s in test):
            return None  # the covariate needs two GPUs of other chips, which the calibration lacks
        q = weighted_quantile([np.abs(s['r']) / scale(s, variant, fit) for s in calib], LEVEL)
        for t, s in test:
            sc = scale(s, variant, fit)
            res.append((t, float(np.mean(np.abs(s['r']) <= q * sc)), float(np.median(2 * np.sinh(q * sc)))))
    return res


if __name__ == '__main__':
    print('| space | scale | min coverage 0.9 | mean | below 0.87 | within +-0.03 | median width 0.9 (range over GPUs) | per GPU |')
    print('|---|---|---|---|---|---|---|---|')
    for space in ['nb201', 'fbnet', 'ofa_mbv3']:
        for variant in ['const', 'knn', 'knn-shape', 'knn-all', 'distance']:
            res = judge(space, variant)
            if res is None:
                print(f'| {space} | {variant} | n/a (needs 2 other chips in the calibration) | | | | | |'); continue
            cv = np.array([x[1] for x in res]); w = np.array([x[2] for x in res])
            per = ' '.join(f'{t} {x:.2f}' for t, x, _ in res)
            print(f'| {space} | {variant} | {cv.min():.3f} | {cv.mean():.3f} | {int((cv < 0.87).sum())} | '
                  f'{int((abs(cv - 0.9) <= 0.03).sum())} of {len(cv)} | {np.median(w):.2f} ({w.min():.2f}-{w.max():.2f}) | {per} |')
