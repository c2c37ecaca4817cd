#!/usr/bin/env python3
"""Issue 19 item 3: rules for `adapt`'s choice among its families, on dumped draws.

Reads a dump of `hwnas-bench fewshot ... --families blend,proxy,mean,proxy+mix,blend+proxy+mix --cv-repeats 6
--dump FILE --dump-held` (every draw's samples, each family's outer out-of-fold predictions per fold assignment,
and blend's, adaptProxy's and mix's predictions of every 5th held-out arch). Each rule turns the out-of-fold
predictions of the k samples into one prediction of the held-out archs (a family, or a weighted mean of
families' milliseconds); printed: mean held-out SRCC (every 5th held arch), paired difference to today's rule
(R = 3 averaged out-of-fold predictions, Spearman, argmax among blend, proxy, mean) with its SE over draws
(per draw the mean over devices), and the hindsight bounds. Rules with a prior learned from draws (`bias`) are
scored leave-one-device-out when `--prior-from` is not given, else learned on that dump (validation) and
applied to this one.

    hwnas-bench fewshot --spaces nb201 --validate-siblings-out --ks 5,10,20 --seeds 20 --cv-repeats 6 \
        --families blend,proxy,mean,proxy+mix,blend+proxy+mix --dump /tmp/val.jsonl --dump-held
    python3 Benchmarks/fewshot_chooser.py /tmp/val.jsonl [--rules "a;b"] [--per-device] [--prior-from /tmp/val.jsonl]
    python3 Benchmarks/fewshot_chooser.py --paired A.jsonl B.jsonl   # two plain `--dump`s of the same draws
"""
import sys, json, csv, os, itertools
import numpy as np
from scipy.stats import spearmanr, kendalltau

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BASE = ["blend", "proxy", "mix"]
MEANS = {"mean": ["blend", "proxy"], "proxy+mix": ["proxy", "mix"], "blend+proxy+mix": ["blend", "proxy", "mix"]}
FAMS = BASE + list(MEANS)
BASE3 = ["blend", "proxy", "mean"]
FIVE = ["blend", "proxy", "mean", "proxy+mix", "blend+proxy+mix"]


def truth(space):
    rows = list(csv.reader(open(f"{ROOT}/fixtures/{space}/latency.csv")))
    hdr, data = rows[0], rows[1:]
    return {h: np.array([float(r[i]) if r[i] else np.nan for r in data]) for i, h in enumerate(hdr) if i >= 2}


def srcc(a, b):
    r = spearmanr(a, b)[0]
    return r if np.isfinite(r) else -1.0


def pairacc(p, y):
    i, j = np.triu_indices(len(y), 1)
    d = np.sign(p[i] - p[j]) * np.sign(y[i] - y[j])
    m = y[i] != y[j]
    return (d[m] > 0).mean() if m.any() else 0.5


def load(path):
    draws, Y = [], {}
    for line in open(path):
        ln = json.loads(line)
        if ln.get("ref") or "heldPred" not in ln:
            continue
        sp = ln["space"]
        if sp not in Y:
            Y[sp] = truth(sp)
        nrep = len([k for k in ln["oof"] if k.startswith("blend#")])
        oof = {f: np.array([ln["oof"][f"{f}#{r}"] for r in range(nrep)]) for f in FAMS if f"{f}#0" in ln["oof"]}
        held = {f: np.array(ln["heldPred"][f]) for f in BASE if f in ln["heldPred"]}
        for m, parts in MEANS.items():
            if all(p in held for p in parts):
                held[m] = np.mean([held[p] for p in parts], 0)
        yh = Y[sp][ln["device"]][np.array(ln["heldIdx"])]
        hs = {f: srcc(p, yh) for f, p in held.items()}
        draws.append(dict(space=sp, device=ln["device"], k=ln["k"], seed=ln["seed"], y=np.array(ln["y"]), oof=oof,
                          held=held, yh=yh, hs=hs))
    return draws


def crit(name, p, y):
    if name == "sp":
        return srcc(p, y)
    if name == "kt":
        r = kendalltau(p, y)[0]
        return r if np.isfinite(r) else -1
    if name == "pa":
        return pairacc(p, y)
    if name == "mse":
        return -np.mean((np.log(np.maximum(p, 1e-6)) - np.log(y)) ** 2)
    if name.startswith("spmse"):  # srcc - lam * rmse(log)
        lam = float(name[5:])
        return srcc(p, y) - lam * np.sqrt(np.mean((np.log(np.maximum(p, 1e-6)) - np.log(y)) ** 2))
    raise ValueError(name)


def scores(d, cands, R=3, c="sp", per_repeat=False):
    out = {}
    for f in cands:
        o = d["oof"][f][:R]
        out[f] = np.mean([crit(c, r, d["y"]) for r in o]) if per_repeat else crit(c, o.mean(0), d["y"])
    return out


def weights_pred(d, w):
    """Held-out SRCC of Σ w_f · family f (ms)."""
    p = sum(wf * d["held"][f] for f, wf in w.items() if wf > 0)
    return srcc(p, d["yh"])


def rule_argmax(cands, R=3, c="sp", per_repeat=False, bonus=None, pref_means=0.0):
    def f(d):
        s = scores(d, cands, R, c, per_repeat)
        if bonus:
            s = {g: v + bonus.get((d["k"], g), bonus.get(g, 0.0)) for g, v in s.items()}
        best = max(cands, key=lambda g: (s[g], -cands.index(g)))
        if pref_means > 0 and best not in MEANS:
            ms = [g for g in cands if g in MEANS and s[g] >= s[best] - pref_means]
            if ms:
                best = max(ms, key=lambda g: (s[g], -cands.index(g)))
        return d["hs"][best], best
    return f


def expand(w):
    """A weight over families (means included) as weights over base families."""
    out = {}
    for g, wg in w.items():
        for p in MEANS.get(g, [g]):
            out[p] = out.get(p, 0.0) + wg / len(MEANS.get(g, [g]))
    return out


def rule_softmax(cands, tau, R=3, c="sp"):
    def f(d):
        s = scores(d, cands, R, c)
        v = np.array([s[g] for g in cands])
        w = np.exp((v - v.max()) / tau)
        w /= w.sum()
        return weights_pred(d, expand(dict(zip(cands, w)))), None
    return f


def rule_topm(cands, m, R=3, c="sp"):
    def f(d):
        s = scores(d, cands, R, c)
        top = sorted(cands, key=lambda g: (-s[g], cands.index(g)))[:m]
        return weights_pred(d, expand({g: 1.0 / m for g in top})), None
    return f


def simplex(n, steps):
    for c in itertools.product(range(steps + 1), repeat=n):
        if sum(c) == steps:
            yield np.array(c) / steps


def rule_simplex(bases, steps, R=3, c="sp", shrink=0.0):
    """w on a simplex grid over base families maximizing the CV criterion of Σ w·oof (ms), ties → nearest uniform."""
    grid = list(simplex(len(bases), steps))
    def f(d):
        o = {b: d["oof"][b][:R].mean(0) for b in bases}
        best, bw = -9, None
        for w in grid:
            p = sum(wi * o[b] for wi, b in zip(w, bases))
            v = crit(c, p, d["y"]) - shrink * np.sum((w - 1 / len(bases)) ** 2)
            if v > best + 1e-12:
                best, bw = v, w
        return weights_pred(d, dict(zip(bases, bw))), None
    return f


def rule_stack(bases, R=3, log=False, ridge=0.0, center=False):
    """Non-negative least squares of the samples on the families' out-of-fold predictions (no intercept;
    `center`: both sides centred, i.e. a free intercept; `ridge`: shrunk toward equal weights, relative to
    the mean squared column)."""
    from scipy.optimize import nnls
    def f(d):
        X = np.stack([d["oof"][b][:R].mean(0) for b in bases], 1)
        y = d["y"]
        if log:
            X, y = np.log(np.maximum(X, 1e-6)), np.log(y)
        if center:
            X, y = X - X.mean(0), y - y.mean()
        if ridge > 0:
            lam = ridge * np.mean(X ** 2) * len(y)
            u = np.ones(len(bases)) / len(bases)
            X = np.vstack([X, np.sqrt(lam) * np.eye(len(bases))])
            y = np.concatenate([y, np.sqrt(lam) * u])
        w, _ = nnls(X, y)
        if w.sum() <= 0:
            w = np.ones(len(bases))
        return weights_pred(d, dict(zip(bases, w / w.sum()))), None
    return f


def stack_w(X, y, ridge):
    from scipy.optimize import nnls
    n = X.shape[1]
    lam = ridge * np.mean(X ** 2) * len(y)
    w, _ = nnls(np.vstack([X, np.sqrt(lam) * np.eye(n)]), np.concatenate([y, np.sqrt(lam) * np.ones(n) / n]))
    return w if w.sum() > 0 else np.ones(n) / n


def rule_stack_toward_choice(cands=BASE3, bases=BASE, ridge=0.1, R=3, log=False):
    """Stacking (ms NNLS, no intercept) shrunk toward the weights of the family today's rule picks
    (argmax of CV SRCC among `cands`) instead of toward equal weights."""
    from scipy.optimize import nnls
    def f(d):
        s = scores(d, cands, R)
        pick = max(cands, key=lambda g: (s[g], -cands.index(g)))
        e = expand({pick: 1.0})
        u = np.array([e.get(b, 0.0) for b in bases])
        X = np.stack([d["oof"][b][:R].mean(0) for b in bases], 1)
        y = d["y"]
        if log:
            X, y = np.log(np.maximum(X, 1e-6)), np.log(y)
        lam = ridge * np.mean(X ** 2) * len(y)
        w, _ = nnls(np.vstack([X, np.sqrt(lam) * np.eye(len(bases))]), np.concatenate([y, np.sqrt(lam) * u]))
        if w.sum() <= 0:
            w = u
        return weights_pred(d, dict(zip(bases, w / w.sum()))), None
    return f


def rule_choose_or_stack(cands, bases=BASE, ridge=0.01, R=3, margin=0.0):
    """The stack as one more candidate, scored on leave-one-out stacked predictions (weights refitted without
    each sample on the others' out-of-fold predictions); `margin`: the stack wins ties within it."""
    def f(d):
        s = scores(d, cands, R)
        X = np.stack([d["oof"][b][:R].mean(0) for b in bases], 1)
        y = d["y"]
        loo = np.array([X[i] @ stack_w(np.delete(X, i, 0), np.delete(y, i), ridge) for i in range(len(y))])
        sst = srcc(loo, y) + margin
        best = max(cands, key=lambda g: (s[g], -cands.index(g)))
        if sst >= s[best]:
            w = stack_w(X, y, ridge)
            return weights_pred(d, dict(zip(bases, w))), "stack"
        return d["hs"][best], best
    return f


def hindsight(cands):
    return lambda d: (max(d["hs"][g] for g in cands), None)


def hindsight_simplex(bases, steps):
    """The best weights on a simplex grid over the base families, on the held-out archs: a bound for any weighting."""
    grid = list(simplex(len(bases), steps))
    return lambda d: (max(weights_pred(d, dict(zip(bases, w))) for w in grid), None)


def fixed(g):
    return lambda d: (d["hs"][g], g)


def learn_bonus(train, cands, R=3, c="sp", per_k=True, grid=np.arange(-0.03, 0.0301, 0.0025)):
    """Per-family additive bonus on CV scores maximizing mean held SRCC on `train` (coordinate ascent)."""
    keys = sorted(set(d["k"] for d in train)) if per_k else [None]
    bonus = {}
    for k in keys:
        ds = [d for d in train if k is None or d["k"] == k]
        S = [scores(d, cands, R, c) for d in ds]
        b = {g: 0.0 for g in cands}
        def val(b):
            return np.mean([d["hs"][max(cands, key=lambda g: (s[g] + b[g], -cands.index(g)))] for d, s in zip(ds, S)])
        for _ in range(2):
            for g in cands[1:]:
                best = (val(b), b[g])
                for x in grid:
                    b2 = dict(b); b2[g] = x
                    v = val(b2)
                    if v > best[0] + 1e-9:
                        best = (v, x)
                b[g] = best[1]
        for g in cands:
            bonus[(k, g) if k is not None else g] = b[g]
    return bonus


def evaluate(draws, rule, lodo_bonus=None):
    """Per (k): per-draw device-mean of the rule's held SRCC (seed-indexed)."""
    out = {}
    for d in draws:
        if lodo_bonus is not None:
            r = lodo_bonus(d)
        else:
            r = rule(d)
        out.setdefault(d["k"], {}).setdefault(d["seed"], []).append(r[0])
    return {k: np.array([np.mean(v[s]) for s in sorted(v)]) for k, v in out.items()}


def paired(a_path, b_path):
    """Mean held-out SRCC of `adapt` (4 decimals) in two plain dumps of the same draws, and B − A paired per draw."""
    def read(p):
        out = {}
        for line in open(p):
            ln = json.loads(line)
            if not ln.get("ref"):
                out[(ln["space"], ln["device"], ln["k"], ln["seed"])] = ln["held"]["adapt"]
        return out
    a, b = read(a_path), read(b_path)
    for sp, k in sorted(set((key[0], key[2]) for key in a)):
        keys = [key for key in a if key[0] == sp and key[2] == k and key in b]
        seeds = sorted(set(key[3] for key in keys))
        da = np.array([np.mean([a[key] for key in keys if key[3] == s]) for s in seeds])
        db = np.array([np.mean([b[key] for key in keys if key[3] == s]) for s in seeds])
        d = db - da
        print(f"{sp} k={k}: A {da.mean():.4f} B {db.mean():.4f} B-A {d.mean():+.4f}±{d.std(ddof=1) / np.sqrt(len(d)):.4f} ({len(seeds)} draws)")


def main():
    args = sys.argv[1:]
    if args[0] == "--paired":
        return paired(args[1], args[2])
    path = args[0]
    prior = args[args.index("--prior-from") + 1] if "--prior-from" in args else None
    only = args[args.index("--rules") + 1].split(";") if "--rules" in args else None
    draws = load(path)
    devices = sorted(set(d["device"] for d in draws))
    rules = {
        "today (base3 R3 sp)": rule_argmax(BASE3),
        "base3 R6 sp": rule_argmax(BASE3, R=6),
        "base3 R3 sp mean-of-scores": rule_argmax(BASE3, per_repeat=True),
        "base3 R3 kt": rule_argmax(BASE3, c="kt"),
        "base3 R3 pairacc": rule_argmax(BASE3, c="pa"),
        "base3 R3 mse": rule_argmax(BASE3, c="mse"),
        "base3 R3 sp-0.1rmse": rule_argmax(BASE3, c="spmse0.1"),
        "base3 R3 sp-0.3rmse": rule_argmax(BASE3, c="spmse0.3"),
        "five R3 sp": rule_argmax(FIVE),
        "five R6 sp": rule_argmax(FIVE, R=6),
        "five R3 sp pref .01": rule_argmax(FIVE, pref_means=0.01),
        "five R3 kt": rule_argmax(FIVE, c="kt"),
        "five R3 pairacc": rule_argmax(FIVE, c="pa"),
        "five R3 sp-0.1rmse": rule_argmax(FIVE, c="spmse0.1"),
        "all6 R3 sp": rule_argmax(FAMS),
    }
    for tau in (0.002, 0.005, 0.01, 0.02):
        rules[f"base3 softmax tau {tau}"] = rule_softmax(BASE3, tau)
        rules[f"five softmax tau {tau}"] = rule_softmax(FIVE, tau)
        rules[f"five R6 softmax tau {tau}"] = rule_softmax(FIVE, tau, R=6)
    for m in (2, 3):
        rules[f"base3 top{m}"] = rule_topm(BASE3, m)
        rules[f"five top{m}"] = rule_topm(FIVE, m)
    rules["simplex b,p,mix /4 sp"] = rule_simplex(BASE, 4)
    rules["simplex b,p,mix /6 sp"] = rule_simplex(BASE, 6)
    rules["simplex b,p,mix /4 sp shrink .05"] = rule_simplex(BASE, 4, shrink=0.05)
    rules["simplex b,p,mix /4 pa"] = rule_simplex(BASE, 4, c="pa")
    rules["stack nnls ms b,p,mix"] = rule_stack(BASE)
    rules["stack nnls log b,p,mix"] = rule_stack(BASE, log=True)
    rules["stack nnls ms b,p"] = rule_stack(["blend", "proxy"])
    for r in (0.01, 0.1, 1.0):
        rules[f"stack toward base3 pick ridge {r}"] = rule_stack_toward_choice(ridge=r)
        rules[f"stack toward five pick ridge {r}"] = rule_stack_toward_choice(cands=FIVE, ridge=r)
    rules["base3 or LOO-scored stack"] = rule_choose_or_stack(BASE3)
    rules["five or LOO-scored stack"] = rule_choose_or_stack(FIVE)
    rules["base3 or LOO-scored stack +.005"] = rule_choose_or_stack(BASE3, margin=0.005)
    rules["stack nnls log b,p,mix centred"] = rule_stack(BASE, log=True, center=True)
    rules["stack nnls ms b,p,mix centred"] = rule_stack(BASE, center=True)
    for r in (0.01, 0.1):
        rules[f"stack nnls log b,p,mix ridge {r}"] = rule_stack(BASE, log=True, ridge=r)
        rules[f"stack nnls ms b,p,mix ridge {r}"] = rule_stack(BASE, ridge=r)
    rules["stack nnls log b,p,mix R6"] = rule_stack(BASE, log=True, R=6)
    for g in FAMS:
        rules[f"always {g}"] = fixed(g)
    rules["hindsight base3"] = hindsight(BASE3)
    rules["hindsight five"] = hindsight(FIVE)
    rules["hindsight all6"] = hindsight(FAMS)
    rules["hindsight simplex b,p,mix /10"] = hindsight_simplex(BASE, 10)
    bias_rules = {"base3 bias/k": BASE3, "five bias/k": FIVE}
    if only:
        rules = {n: r for n, r in rules.items() if n in only or n.startswith("today")}
        bias_rules = {n: c for n, c in bias_rules.items() if n in only}
    res = {n: evaluate(draws, r) for n, r in rules.items()}
    prior_draws = load(prior) if prior else None
    for n, cands in bias_rules.items():
        if prior_draws is not None:
            b = learn_bonus(prior_draws, cands)
            res[n] = evaluate(draws, rule_argmax(cands, bonus=b))
            print(n, "bonus from", prior, {k: round(v, 4) for k, v in b.items() if v})
        else:
            cache = {}
            def lodo(d, cands=cands):
                if d["device"] not in cache:
                    cache[d["device"]] = learn_bonus([e for e in draws if e["device"] != d["device"]], cands)
                return rule_argmax(cands, bonus=cache[d["device"]])(d)
            res[n + " (LODO)"] = evaluate(draws, None, lodo_bonus=lodo)
    ks = sorted(next(iter(res.values())).keys())
    base = res["today (base3 R3 sp)"]
    print(f"{len(draws)} draws, devices {', '.join(devices)}")
    print(f"{'rule':40s} " + " ".join(f"{'k=' + str(k):>24s}" for k in ks))
    for n, r in res.items():
        cells = []
        for k in ks:
            diff = r[k] - base[k]
            cells.append(f"{r[k].mean():.4f} {diff.mean():+.4f}±{diff.std(ddof=1) / np.sqrt(len(diff)):.4f}")
        print(f"{n:40s} " + " ".join(f"{c:>24s}" for c in cells))
    if "--per-device" in args:
        for n in res:
            if n not in (only or []) and not n.startswith("today"):
                continue
            r = rules.get(n)
            if r is None:
                continue
            print(f"\n{n}: per device, k = " + ", ".join(map(str, ks)))
            for dev in devices:
                ds = [d for d in draws if d["device"] == dev]
                print(f"  {dev:16s} " + " ".join(f"{np.mean([r(d)[0] for d in ds if d['k'] == k]):.4f}" for k in ks))


if __name__ == "__main__":
    main()
