#!/usr/bin/env python3
"""Choice rules that prefer the base's own fit (`finetune`, its affine map) unless a pool family is
clearly better, scored on a `hwnas-bench fewshot --families finetune,blend,proxy,mean --dump F`
dump: `default` (argmax of blend/proxy/mean, what ships), `argmax4` (finetune a candidate too),
`seX` (finetune unless the best beats it by more than X bootstrap SEs of the paired CV SRCC
difference), `margX` (unless by more than X). Held-out SRCC per device and paired difference.
Needs numpy and scipy.

    python3 Benchmarks/fewshot_prefer_base.py DUMP default,argmax4,se0.5,se1,se2,marg0.01,marg0.02
"""
import collections
import json
import sys

import numpy as np
from scipy.stats import rankdata


def sp(a,b):
    ra=rankdata(a); rb=rankdata(b)
    return np.corrcoef(ra,rb)[0,1]
def load(p): return [json.loads(l) for l in open(p) if l.strip()]
def oof(r,f):
    reps=[v for k,v in r['oof'].items() if k.split('#')[0]==f]
    return np.mean(np.array(reps),0) if reps else None
rng=np.random.default_rng(0)
def boot_se(a,b,y,B=200):
    n=len(y); d=[]
    for _ in range(B):
        i=rng.integers(0,n,n)
        if len(set(y[i]))<3: continue
        d.append(sp(a[i],y[i])-sp(b[i],y[i]))
    return np.std(d)
def choose(r,rule):
    y=np.array(r['y']); fams=[f for f in ('finetune','blend','proxy','mean') if oof(r,f) is not None]
    O={f:oof(r,f) for f in fams}
    S={f:sp(O[f],y) for f in fams}
    S={f:(s if np.isfinite(s) else -1) for f,s in S.items()}
    base=[f for f in ('blend','proxy','mean') if f in S]
    if rule=='default': return max(base,key=lambda f:(S[f],-base.index(f)))
    if rule=='argmax4': 
        c=['finetune']+base; return max(c,key=lambda f:(S[f],-c.index(f)))
    if rule.startswith('se'):
        c=float(rule[2:]); best=max(base,key=lambda f:(S[f],-base.index(f)))
        if 'finetune' not in S: return best
        if S['finetune']>=S[best]: return 'finetune'
        se=boot_se(O[best],O['finetune'],y)
        return 'finetune' if S[best]-S['finetune']<=c*se else best
    if rule.startswith('marg'):
        c=float(rule[4:]); best=max(base,key=lambda f:(S[f],-base.index(f)))
        return 'finetune' if S['finetune']>=S[best]-c else best
    raise ValueError(rule)
rules=sys.argv[2].split(',')
R=load(sys.argv[1])
out=collections.defaultdict(lambda: collections.defaultdict(list))
for r in R:
    if 'seed' not in r: continue
    for rule in rules:
        f=choose(r,rule); out[(r['k'],rule)][r['device']].append(r['held'][f])
    out[(r['k'],'hind')][r['device']].append(max(r['held'][f] for f in ('blend','proxy','mean','finetune')))
base={}
for (k,rule),dv in sorted(out.items()):
    devs=sorted(dv); m=np.mean([np.mean(dv[d]) for d in devs])
    per=[np.mean(dv[d]) for d in devs]
    if rule=='default': base[k]=dv
    # paired diff vs default
    if k in base and rule!='default':
        diffs=np.array([np.mean([a-b for a,b in zip(dv[d],base[k][d])]) for d in devs])
        # per-draw paired SE
        draws=np.array([np.mean([dv[d][i]-base[k][d][i] for d in devs]) for i in range(min(len(dv[d]) for d in devs))])
        print(k,rule.ljust(8),f"{m:.4f}",f"diff {draws.mean():+.4f} ± {draws.std(ddof=1)/np.sqrt(len(draws)):.4f}",' '.join(f"{d[:8]}:{p:.4f}" for d,p in zip(devs,per)))
    else:
        print(k,rule.ljust(8),f"{m:.4f}",' '.join(f"{d[:8]}:{p:.4f}" for d,p in zip(devs,per)))
