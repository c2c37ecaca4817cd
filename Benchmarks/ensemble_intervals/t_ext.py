import pickle, numpy as np, sys
from rule import *
from ext import TWIN, EXTRA
from load import DEV
E=pickle.load(open("ext.pkl","rb")); M=pickle.load(open("main8.pkl","rb"))
ALL={**{d:v[:64] for d,v in M.items()}, **E}
TEST={d:v[:int(sys.argv[1]) if len(sys.argv)>1 else 64] for d,v in M.items()}
BINS=3
def zb(x,g): return (np.log(x['ah']/x['p'])-x['centre'])/x['scale']**g, pos_bin(x['positions'],x['p'],BINS)
PRE={}
def run(g, edges, judged, source, weight_dev=True):
    cls=lambda x: sum(x['spread']>=e for e in edges)
    res={}
    for d in judged:
        excl={d, TWIN.get(d,''), *[k for k,v in TWIN.items() if v==d]}
        tabs={}
        for k in range(len(edges)+1):
            G=[zb(x,g) for dd,v in source.items() if dd not in excl for x in v if cls(x)==k]
            tabs[k]=build_table(G,BINS) if G else None
        cov=[];wid=[]
        for x in judged[d]:
            T=tabs[cls(x)]; b=pos_bin(x['positions'],x['p'],BINS); s=x['scale']**g
            lo=x['p']*np.exp(x['centre']+s*T[b,3]); hi=x['p']*np.exp(x['centre']+s*T[b,9])
            cov.append(np.mean((x['ah']>=lo)&(x['ah']<=hi))); wid.append(np.median((hi-lo)/x['p']))
        res[d]=(np.mean(cov),np.mean(wid))
    ok=sum(abs(c-0.9)<=0.03 for c,w in res.values())
    return ok,res
mode=sys.argv[2] if len(sys.argv)>2 else 'test'
for g in (1.0,1.05,1.1,1.15,1.2):
    for edges in ([0.5],[]):
        if mode=='val':
            ok,res=run(g,edges,{d:E[d][:64] for d in EXTRA},ALL)
            devs=np.array([c for c,w in res.values()])
            print(f"VAL g={g} {str(edges):5s} {ok}/{len(res)} mean|dev| {np.mean(np.abs(devs-0.9)):.4f} min {devs.min():.3f} max {devs.max():.3f} "+" ".join(f"{d[:7]}:{c:.3f}" for d,(c,w) in res.items() if abs(c-0.9)>0.03))
        else:
            ok,res=run(g,edges,TEST,ALL)
            print(f"TEST g={g} {str(edges):5s} {ok}/8 "+"  ".join(f"{d[:6]} {c:.3f}/{w:.3f}" for d,(c,w) in res.items()))
