from frame import *
BINS=3
def oofl(x):
    k=x['kept']; o=np.maximum(x['oofm'][:,k],1e-6).mean(0); return np.log(x['y'][k]/o)
def scales(x):
    l=oofl(x); c=l.mean(); sd=l.std(ddof=1)
    mad=np.mean(np.abs(l-c))*1.2533
    med=np.median(np.abs(l-np.median(l)))*1.4826
    s=dict(sd=sd, meanabs=mad, medabs=med, geo=np.sqrt(sd*mad))
    q=np.sort(np.abs(l-c)); s['trim']=np.sqrt(np.mean(q[:-2]**2))*1.15
    return c, s
def mk(name, edges, centre='mean'):
    def cls(x): return sum(x['spread']>=e for e in edges)
    def cs(x):
        c,s=scales(x)
        if centre=='median': c=np.median(oofl(x))
        return c, max(s[name],1e-6)
    return lambda train: table_rule(train, edges, cs, lambda x: pos_bin(x['positions'],x['Ph'].mean(0),BINS), BINS)
for name in ['sd','meanabs','medabs','geo','trim']:
    for edges in ([0.5],[]):
        for centre in ['mean','median']:
            print(f"{name:8s} {str(edges):6s} {centre:6s}",end=' '); evaluate(mk(name,edges,centre))
