#!/usr/bin/env python3
"""Python/numpy peer of `hwnas-bench search` (speed part).

Runs the same 500-generation evolution as hwnasd's EvolutionSearch on the OFA MobileNetV3
space: OFA's parameters (population 100, parents 25, mutation probability 0.1, mutate ratio
0.5), children evaluated in one batch per generation by numpy MLPs (the latency and accuracy
predictors the Swift bench trained and exported), memoized per canonical architecture,
infeasible children ranked after feasible ones by latency.

usage: search_peer.py DIR   (DIR holds latency.{json,bin}, accuracy.{json,bin}, check.json)
Prints progress to stderr and one JSON line to stdout.
"""
import json
import random
import resource
import sys
import time

import numpy as np

KS = [3, 5, 7]
ES = [3, 4, 6]
DS = [2, 3, 4]
RS = list(range(128, 225, 4))
LAYERS = 20
# genes: 20 ks idx, 20 e idx, 5 d idx, 1 r idx
CARD = [3] * 20 + [3] * 20 + [3] * 5 + [len(RS)]
DIM = LAYERS * 6 + 5 * 3 + len(RS) + 1


def parse(s):
    parts = dict(p.split("=") for p in s.split(";"))
    ks = [KS.index(int(x)) for x in parts["ks"].split("-")]
    e = [ES.index(int(x)) for x in parts["e"].split("-")]
    d = [DS.index(int(x)) for x in parts["d"].split("-")]
    r = [RS.index(int(parts["r"]))]
    return canonical(tuple(ks + e + d + r))


def canonical(g):
    g = list(g)
    for s in range(5):
        depth = DS[g[40 + s]]
        for j in range(depth, 4):
            g[s * 4 + j] = 0
            g[20 + s * 4 + j] = 0
    return tuple(g)


def encode(archs):
    g = np.array(archs, dtype=np.int64)
    n = g.shape[0]
    x = np.zeros((n, DIM), dtype=np.float32)
    rows = np.arange(n)
    depth = np.array(DS)[g[:, 40:45]]  # n x 5
    for layer in range(LAYERS):
        s, j = divmod(layer, 4)
        active = (j < depth[:, s]).astype(np.float32)
        x[rows, layer * 6 + g[:, layer]] = active
        x[rows, layer * 6 + 3 + g[:, 20 + layer]] = active
    for s in range(5):
        x[rows, LAYERS * 6 + s * 3 + g[:, 40 + s]] = 1
    rbase = LAYERS * 6 + 15
    x[rows, rbase + g[:, 45]] = 1
    x[:, rbase + len(RS)] = (np.array(RS, dtype=np.float32)[g[:, 45]] - RS[0]) / (RS[-1] - RS[0])
    return x


class Regressor:
    def __init__(self, base):
        h = json.load(open(base + ".json"))
        flat = np.fromfile(base + ".bin", dtype=np.float32)
        sizes = h["layerSizes"]
        self.layers = []
        o = 0
        for a, b in zip(sizes[:-1], sizes[1:]):
            w = flat[o:o + a * b].reshape(a, b); o += a * b
            bias = flat[o:o + b]; o += b
            self.layers.append((w, bias))
        self.mean, self.std, self.log = h["mean"], h["std"], h["transform"] == "log-standardized"

    def predict(self, x):
        for i, (w, b) in enumerate(self.layers):
            x = x @ w + b
            if i + 1 < len(self.layers):
                np.maximum(x, 0, out=x)
        t = x[:, 0].astype(np.float64) * self.std + self.mean
        return np.exp(t) if self.log else t


def search(lat, acc, budget, generations, seed):
    rng = random.Random(seed)
    memo = {}  # arch -> (latency, accuracy or None)
    feasible = lambda a: memo[a][1] is not None

    def evaluate(cands):
        fresh = []
        seen = set()
        for a in cands:
            if a not in memo and a not in seen:
                seen.add(a); fresh.append(a)
        if fresh:
            x = encode(fresh)
            l = lat.predict(x)
            ok = np.nonzero(l <= budget)[0]
            accs = acc.predict(x[ok]) if len(ok) else []
            av = [None] * len(fresh)
            for k, j in enumerate(ok):
                av[j] = float(accs[k])
            for j, a in enumerate(fresh):
                memo[a] = (float(l[j]), av[j])
        out, s = [], set()
        for a in cands:
            if a in memo and a not in s:
                s.add(a); out.append(a)
        return out

    def key(a):
        l, ac = memo[a]
        return (0, -ac, l) if ac is not None else (1, l, 0)

    def novel(make, batch):
        c = make()
        for _ in range(7):
            if c not in memo and c not in batch:
                break
            c = make()
        batch.add(c)
        return c

    def sample():
        return canonical(tuple(rng.randrange(c) for c in CARD))

    def mutate(p):
        return canonical(tuple(rng.randrange(CARD[i]) if rng.random() < 0.1 else v for i, v in enumerate(p)))

    def crossover(a, b):
        return canonical(tuple(x if rng.random() < 0.5 else y for x, y in zip(a, b)))

    batch = set()
    pop = evaluate([novel(sample, batch) for _ in range(100)])
    for g in range(generations):
        pop.sort(key=key)
        parents = pop[:25]
        batch = set()
        children = [novel(lambda: mutate(rng.choice(parents)), batch) for _ in range(50)]
        children += [novel(lambda: crossover(rng.choice(parents), rng.choice(parents)), batch) for _ in range(50)]
        ev = evaluate(children)
        pop = list(parents) + [a for a in ev if a not in set(parents)]
    best = min((a for a in memo if feasible(a)), key=key, default=None)
    return best, memo


def main():
    d = sys.argv[1]
    lat, acc = Regressor(d + "/latency"), Regressor(d + "/accuracy")
    chk = json.load(open(d + "/check.json"))
    archs = [parse(s) for s in chk["archs"]]
    x = encode(archs)
    dl = float(np.max(np.abs(lat.predict(x) - np.array(chk["latency"]))))
    da = float(np.max(np.abs(acc.predict(x) - np.array(chk["accuracy"]))))
    search(lat, acc, chk["budget"], 5, 1)  # warm-up
    times = []
    for _ in range(chk["runs"]):
        t0 = time.perf_counter()
        best, memo = search(lat, acc, chk["budget"], chk["generations"], chk["seed"])
        times.append(time.perf_counter() - t0)
    print(f"peer: {times}", file=sys.stderr)
    print(json.dumps({"seconds": min(times), "queries": len(memo), "numpy": np.__version__,
                      "bestAccuracy": memo[best][1] if best else None, "bestLatency": memo[best][0] if best else None,
                      "maxLatencyDiff": round(dl, 6), "maxAccuracyDiff": round(da, 6),
                      "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


if __name__ == "__main__":
    main()
