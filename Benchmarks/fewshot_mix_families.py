#!/usr/bin/env python3
"""Issue 19 item 3: the `mix` family (pool members log-affinely mapped onto the samples, mixed by their
leave-one-out fit, batch-size siblings sharing one prior share: `PoolMixture`) and its means with
`adaptProxy`/`blend`, as candidates of `adapt`'s choice, with and without a preference for means.

Reads a dump of `hwnas-bench fewshot ... --dump FILE --dump-held` (NB201; every draw's samples, the
outer out-of-fold predictions of blend/proxy (and mix, when the run had it) per repeat, and blend's and
adaptProxy's predictions of every 5th held-out arch). The pool is refitted here as `FixturePool` does
(pairwise least squares on all measurements); `mix` is recomputed (its out-of-fold predictions taken
from the dump when present, else from this script's own fold assignments). Held-out SRCC is on every
5th held-out arch for every family alike. Prints, per k, each design's mean held-out SRCC and paired
difference to today's choice, per device, the hindsight bounds, and fixed families.

    hwnas-bench fewshot --spaces nb201 --validate-siblings-out --ks 10,20 --seeds 20 --dump /tmp/v.jsonl --dump-held
    python3 Benchmarks/fewshot_mix_families.py /tmp/v.jsonl
"""
import sys, json, csv, itertools, os, time
import numpy as np
from scipy.stats import spearmanr, rankdata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
POOL = ["1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "samsung_a50", "pixel3", "essential_ph_1",
        "titanx_1", "titanx_32", "titanx_256", "gold_6240"]
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]

def load():
    cache = os.path.join(os.environ.get("TMPDIR", "/tmp"), "fewshot_mix_families_nb201.npz")
    if os.path.exists(cache):
        z = np.load(cache, allow_pickle=True); return z["onehot"], z["y"].item(), z["P"].item()
    rows = list(csv.reader(open(f"{ROOT}/fixtures/nb201/latency.csv")))
    hdr, data = rows[0], rows[1:]
    ops = np.array([[OPS.index(t.split("~")[0]) for part in r[1].split("+") for t in part.strip("|").split("|") if t] for r in data])
    n = len(ops)
    onehot = np.zeros((n, 30))
    for e in range(6): onehot[np.arange(n), e * 5 + ops[:, e]] = 1
    cols = [np.ones((n, 1)), onehot]
    for a, b in itertools.combinations(range(6), 2):
        m = np.zeros((n, 25)); m[np.arange(n), ops[:, a] * 5 + ops[:, b]] = 1; cols.append(m)
    x = np.concatenate(cols, 1)
    y = {h: np.array([float(r[i]) for r in data]) for i, h in enumerate(hdr) if i >= 2}
    P = {d: np.maximum(x @ np.linalg.lstsq(x, y[d], rcond=None)[0], 1e-3) for d in POOL}
    np.savez(cache, onehot=onehot, y=y, P=P)
    return onehot, y, P

onehot, Y, P = load()

def group(name):
    return name.split("_")[0] if name.split("_")[0] in ("1080ti", "titanx", "titan") else name

def pearson(a, b):
    a = a - a.mean(); b = b - b.mean(); d = np.sqrt((a @ a) * (b @ b)); return a @ b / d if d > 0 else -1

def closeness(x, ly):
    lx = np.log(np.maximum(x, 1e-9)); r = pearson(lx, ly)
    if len(lx) >= 5:
        for i in range(len(lx)):
            m = np.ones(len(lx), bool); m[i] = False; r = min(r, pearson(lx[m], ly[m]))
    return r

def affine(lx, ly):
    mx, my = lx.mean(), ly.mean(); sxx = ((lx - mx) ** 2).sum(); sxy = ((lx - mx) * (ly - my)).sum()
    lam = 0.02 * sxx / len(lx) + 1e-9; b = min(max((sxy + lam) / (sxx + lam), 0.05), 20)
    return my - b * mx, b

# Families: f(M, tr, y_tr) -> log predictions for all rows of M (members × archs as columns n×m)
def fam_closest(L, X, tr, ly, names=None):
    c = [closeness(np.exp(L[tr, j]), ly) for j in range(L.shape[1])]
    j = int(np.argmax(c)); a, b = affine(L[tr, j], ly); return a + b * L[:, j]

def make_softmix(beta=1.0, sib=True, resid_lam=None, log_space=True):
    def f(L, X, tr, ly, names):
        n = len(tr); preds = []; lw = []
        for j in range(L.shape[1]):
            x = L[tr, j]; a, b = affine(x, ly); r = ly - (a + b * x)
            xc = x - x.mean(); h = 1.0 / n + xc ** 2 / max((xc ** 2).sum(), 1e-12)
            loo = r / np.maximum(1 - h, 0.05)
            s2 = max((loo ** 2).mean(), 1e-8)
            lw.append(-beta * n / 2 * np.log(s2)); preds.append(a + b * L[:, j])
        lw = np.array(lw)
        if sib:
            g = [group(nm) for nm in names]; cnt = {k: g.count(k) for k in g}
            lw = lw - np.log([cnt[k] for k in g])
        w = np.exp(lw - lw.max()); w /= w.sum()
        preds = np.array(preds)
        out = w @ preds if log_space else np.log(w @ np.exp(preds))
        if resid_lam is not None:
            r = ly - out[tr]; Xt = X[tr]; xm = Xt.mean(0)
            coef = np.linalg.solve((Xt - xm).T @ (Xt - xm) + resid_lam * np.eye(X.shape[1]), (Xt - xm).T @ (r - r.mean()))
            out = out + (X - xm) @ coef
        return out
    return f

def oof(fam, L, idx_s, ly, names, seed, reps=3):
    n = len(idx_s); nf = min(5, n); reps = 1 if n <= nf else reps
    acc = np.zeros(n)
    for r in range(reps):
        rng = np.random.default_rng(seed * 1000 + r)
        perm = rng.permutation(n); folds = [perm[i::nf] for i in range(nf)]
        for te in folds:
            tr = np.setdiff1d(np.arange(n), te)
            p = fam(L[idx_s], onehot[idx_s], tr, ly[tr], names)
            acc[te] += p[te]
    return acc / reps

def srcc(a, b): return spearmanr(a, b)[0]

NEW = {"mix": make_softmix(0.5, log_space=False), "mixr": make_softmix(0.5, resid_lam=30.0), "closest": fam_closest}
def run2(dump):
    res = {}
    for l in open(dump):
        ln = json.loads(l)
        if ln.get("ref"): continue
        d, k, seed, idx = ln["device"], ln["k"], ln["seed"], np.array(ln["idx"])
        names = sorted(ln["poolNames"], key=POOL.index) if "poolNames" in ln else [m for m in POOL if m != d]
        L = np.log(np.stack([P[m] for m in names], 1)); y = Y[d]; ly = np.log(y[idx]); ys = np.array(ln["y"])
        hi = np.array(ln["heldIdx"]); yh = y[hi]
        oofs = {}; preds = {}
        nrep = len([1 for key in ln["oof"] if key.startswith("blend#")])
        for f in ("blend", "proxy"):
            oofs[f] = np.mean([ln["oof"][f"{f}#{r}"] for r in range(nrep)], 0)
            preds[f] = np.array(ln["heldPred"][f])
        for f, fam in NEW.items():
            if f == "mix" and "mix#0" in ln["oof"]:
                oofs[f] = np.mean([ln["oof"][f"mix#{r}"] for r in range(nrep)], 0)
            else:
                oofs[f] = np.exp(oof(fam, L, idx, ly, names, seed))
            preds[f] = np.exp(fam(L, onehot, idx, ly, names)[hi])
        def comb(parts):
            return np.mean([oofs[p] for p in parts], 0), np.mean([preds[p] for p in parts], 0)
        for parts in (("blend", "proxy"), ("blend", "proxy", "mix"), ("proxy", "mix"), ("blend", "mix"),
                      ("blend", "proxy", "mixr"), ("proxy", "mixr"), ("blend", "proxy", "closest")):
            o, p = comb(parts); nm = "+".join(parts); oofs[nm] = o; preds[nm] = p
        cv = {f: srcc(o, ys) for f, o in oofs.items()}
        hs = {f: srcc(p, yh) for f, p in preds.items()}
        cv["mean"], hs["mean"] = cv["blend+proxy"], hs["blend+proxy"]
        hs["adapt_dump"] = ln["held"].get("adapt", np.nan)
        res.setdefault((d, k), []).append((cv, hs, ln["chosen"]))
    return res

ENS = {"mean", "blend+proxy+mix", "proxy+mix", "blend+mix", "blend+proxy+mixr", "proxy+mixr"}
def choose(cv, cands, delta):
    sc = {c: (cv[c] if np.isfinite(cv[c]) else -1) for c in cands}
    best = max(cands, key=lambda c: (sc[c], -cands.index(c)))
    if best not in ENS and delta > 0:
        ens = [c for c in cands if c in ENS and sc[c] >= sc[best] - delta]
        if ens: best = max(ens, key=lambda c: (sc[c], -cands.index(c)))
    return best

res = run2(sys.argv[1])
DESIGNS = [("base3 (today)", ["blend", "proxy", "mean"], 0),
           ("base3, ensemble within 0.01", ["blend", "proxy", "mean"], 0.01),
           ("b,p,m,pm,bpm within 0.01", ["blend", "proxy", "mean", "proxy+mix", "blend+proxy+mix"], 0.01),
           ("b,p,m,pm,bpm", ["blend", "proxy", "mean", "proxy+mix", "blend+proxy+mix"], 0)]
HIND = {"hind base3": ["blend", "proxy", "mean"], "hind +mix,pm,bpm": ["blend", "proxy", "mean", "mix", "proxy+mix", "blend+proxy+mix"],
        "hind all": ["blend", "proxy", "mean", "mix", "mixr", "closest", "proxy+mix", "blend+proxy+mix", "blend+mix", "proxy+mixr", "blend+proxy+mixr", "blend+proxy+closest"]}
keys = sorted(res); ks = sorted(set(k for _, k in keys))
devs = ["titan_rtx_256", "gold_6226", "pixel2", "raspi4", "eyeriss"]
devs = [d for d in devs if (d, ks[0]) in res] or sorted(set(d for d, _ in keys))
for k in ks:
    print(f"## k={k}: " + " ".join(devs))
    base = None
    for name, cs, delta in DESIGNS:
        per = np.array([[hs[choose(cv, cs, delta)] for cv, hs, _ in res[(d, k)]] for d in devs])
        pd = per.mean(0)
        if base is None: base = pd
        diff = pd - base; n = len(pd)
        print(f"{name:32s} {pd.mean():.4f} (SE {pd.std(ddof=1)/np.sqrt(n):.4f}) paired {diff.mean():+.4f}±{diff.std(ddof=1)/np.sqrt(n):.4f} | " + " ".join(f"{x:.4f}" for x in per.mean(1)))
    for name, cs in HIND.items():
        per = np.array([[max(hs[c] for c in cs) for cv, hs, _ in res[(d, k)]] for d in devs])
        print(f"{name:32s} {per.mean():.4f} | " + " ".join(f"{x:.4f}" for x in per.mean(1)))
    for a in ("mix", "proxy+mix", "blend+proxy+mix", "mean"):
        per = np.array([[hs[a] for cv, hs, _ in res[(d, k)]] for d in devs])
        print(f"{'always '+a:32s} {per.mean():.4f} | " + " ".join(f"{x:.4f}" for x in per.mean(1)))
