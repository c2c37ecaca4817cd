from frame import *
BINS=3; EDGES=[0.5]
def cls(x,E): return sum(x['spread']>=e for e in E)
def oof(x):
    k=x['kept']; o=np.maximum(x['oofm'][:,k],1e-6).mean(0); return o, x['y'][k], x['Ps'][:,k].mean(0)
def factor(x,T,q,floor,w,posby='final'):
    o,y,fin=oof(x)
    z=(np.log(y/o)-x['centre'])/x['scale']
    b=pos_bin(x['positions'], fin if posby=='final' else o, BINS)
    f=np.where(z>0, z/T[b,9], z/T[b,3])
    s=np.quantile(f,q)  # linear
    return max(floor, s**w)
def mk(q,floor,w,E=EDGES,cap=10):
    return lambda train: table_rule(train, E, lambda x: (x['centre'], x['scale']), lambda x: pos_bin(x['positions'],x['Ph'].mean(0),BINS), BINS,
                                    factor=lambda x, T: min(cap, factor(x, T, q, floor, w)))
# diagnostics: per device mean factor
import sys
for q in (0.8,0.9,0.95):
  for floor in (0.0,1.0):
    for w in (0.25,0.5):
        print(q,floor,w,end=' '); evaluate(mk(q,floor,w))
