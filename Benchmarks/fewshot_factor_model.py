#!/usr/bin/env python3
"""A log-space factor model of the pool as a few-shot family, against the NNLS blend and the
closest device (numpy sketch on raw fixture values; HELP's NB201 test devices, pool = the other
full-table devices less titan_rtx_*, 10 seeded draws per k): rank-r SVD of the pool's centred log
latencies, the target's loadings by a Gaussian prior (tau x the pool devices' loading variance).
Prints mean held-out SRCC per test device. Needs numpy and scipy.

    python3 Benchmarks/fewshot_factor_model.py
"""
import csv,numpy as np,sys
from scipy.stats import spearmanr
from scipy.optimize import nnls
import os
r=csv.reader(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'nb201', 'latency.csv')));h=next(r);rows=list(r)
M={h[j]:np.array([float(x[j]) for x in rows]) for j in range(2,len(h))}
N=len(rows)
tests=['titan_rtx_256','gold_6226','pixel2','raspi4','eyeriss']
pool=[d for d in M if d not in tests and not d.startswith('titan_rtx')]
def L(v): return np.log(np.maximum(v,1e-3))
def run(target,pool,k,seed,ranks=(3,5,8,12),taus=(0.3,1,3)):
    rng=np.random.default_rng(seed*1000+k)
    idx=rng.choice(N,k,replace=False); held=np.setdiff1d(np.arange(N),idx)
    y=M[target]
    P=np.stack([L(M[d]) for d in pool],1)  # N x D
    mu=P.mean(0); Pc=P-mu
    U,S,Vt=np.linalg.svd(Pc,full_matrices=False)
    out={}
    # best dev: closest by jackknife pearson in log
    ly=L(y[idx])
    def jk(x):
        r=np.corrcoef(x,ly)[0,1]
        for i in range(len(x)):
            m=np.arange(len(x))!=i; r=min(r,np.corrcoef(x[m],ly[m])[0,1])
        return r
    best=max(range(len(pool)),key=lambda j: jk(P[idx,j]))
    out['bestdev']=spearmanr(P[held,best],y[held])[0]
    # nnls ms blend with intercept
    X=np.column_stack([M[d] for d in pool]+[np.ones(N)])
    w,_=nnls(X[idx],y[idx]); out['nnls']=spearmanr(X[held]@w,y[held])[0]
    # factor model: log target = a + b*(row mean) + U_r w, prior w ~ N(0, tau*var of loadings)
    load=(Vt.T*S)  # D x r loadings of devices (Pc = U @ load.T)
    for r_ in ranks:
        Ur=U[:,:r_]
        lv=load[:,:r_].var(0)+1e-12   # prior variance per factor from pool devices
        for tau in taus:
            A=np.column_stack([np.ones(k),Ur[idx]])
            # noise var sigma2: use fixed fraction; do posterior mean with prior precision
            sig2=0.01
            prec=np.diag(np.r_[1e-8,1/(tau*lv)])
            wpost=np.linalg.solve(A.T@A/sig2+prec, A.T@ly/sig2)
            pred=np.column_stack([np.ones(N),Ur])@wpost
            out[f'fm r{r_} t{tau}']=spearmanr(pred[held],y[held])[0]
    return out
if __name__=='__main__':
    import collections
    for k in (10,20):
        agg=collections.defaultdict(list)
        for t in tests:
            res=[run(t,pool,k,s) for s in range(10)]
            for key in res[0]:
                v=np.mean([x[key] for x in res]); agg[key].append(v)
        for key,v in agg.items(): print(k,key,' '.join(f'{x:.4f}' for x in v),f'mean {np.mean(v):.4f}')
