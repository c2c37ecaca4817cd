import numpy as np, sys
from rule import *
X=load()
S=int(sys.argv[1]) if len(sys.argv)>1 else 64
first=int(sys.argv[2]) if len(sys.argv)>2 else 0
EDGES=[0.5]; BINS=3
def cls(x): return sum(x['spread']>=e for e in EDGES)
def z_of(x, pred, act):
    return (np.log(act/pred)-x['centre'])/x['scale'], pos_bin(x['positions'],pred,BINS)
groups={d:[(cls(x),)+z_of(x,x['Ph'].mean(0),x['ah']) for x in X[d][first:first+S]] for d in DEV}
for d in DEV:
    tabs={}
    for k in range(len(EDGES)+1):
        tabs[k]=build_table([(z,b) for dd in DEV if dd!=d for (c,z,b) in groups[dd] if c==k],BINS)
    cov=[];wid=[]
    for x in X[d][first:first+S]:
        T=tabs[cls(x)]; p=x['Ph'].mean(0); b=pos_bin(x['positions'],p,BINS)
        # interval at 0.9 -> levels index 3 (0.05) and 9 (0.95)
        lo=p*np.exp(x['centre']+x['scale']*T[b,3]); hi=p*np.exp(x['centre']+x['scale']*T[b,9])
        a=x['ah']; cov.append(np.mean((a>=lo)&(a<=hi))); wid.append(np.median((hi-lo)/p))
    cov=np.array(cov)
    print(f"{d:14s} {cov.mean():.3f} se {cov.std(ddof=1)/np.sqrt(S):.3f} width {np.mean(wid):.3f}")
