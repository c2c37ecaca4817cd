# Generic leave-device-out evaluation of a rule.
import numpy as np
from rule import *
X=load()
def evaluate(make_rule, seeds=range(64), verbose=True, level_idx=(3,9)):
    """make_rule(train_draws: dict dev->list) -> f(draw)->(lo,hi) arrays for held-out cells."""
    res={}
    for d in DEV:
        train={dd:[X[dd][s] for s in seeds] for dd in DEV if dd!=d}
        f=make_rule(train)
        cov=[];wid=[]
        for s in seeds:
            x=X[d][s]; lo,hi=f(x); a=x['ah']; p=x['Ph'].mean(0)
            cov.append(np.mean((a>=lo)&(a<=hi))); wid.append(np.median((hi-lo)/p))
        cov=np.array(cov); res[d]=(cov.mean(), cov.std(ddof=1)/np.sqrt(len(cov)), np.mean(wid))
    ok=sum(abs(v[0]-0.9)<=0.03 for v in res.values())
    if verbose:
        print(f"{ok}/8  "+"  ".join(f"{d[:6]} {v[0]:.3f}/{v[2]:.3f}" for d,v in res.items()) + f"  mean|dev| {np.mean([abs(v[0]-0.9) for v in res.values()]):.4f}")
    return ok,res

def table_rule(train, edges, norm, key, nkeys, factor=None):
    """Per spread class (edges), a table of z = (log(a/p) - centre) / scale by key bin, from the
    train draws; norm(x) -> (centre, scale: scalar or per held-out cell), key(x) -> bin per held-out
    cell, factor(x, T) -> extra multiplier. Returns f(draw) -> (lower, upper) at 0.9."""
    cls = lambda x: sum(x['spread'] >= e for e in edges)
    tabs = {}
    for k in range(len(edges) + 1):
        g = []
        for v in train.values():
            for x in v:
                if cls(x) != k: continue
                c, s = norm(x); p = x['Ph'].mean(0)
                g.append(((np.log(x['ah'] / p) - c) / s, key(x)))
        tabs[k] = build_table(g, nkeys)
    def f(x):
        T = tabs[cls(x)]; p = x['Ph'].mean(0); b = key(x); c, s = norm(x)
        if factor: s = s * factor(x, T)
        return p * np.exp(c + s * T[b, 3]), p * np.exp(c + s * T[b, 9])
    return f
