from frame import *
import sys
# current rule; pixel3 coverage by class
EDGES=[0.5];BINS=3
def cls(x,E=EDGES): return sum(x['spread']>=e for e in E)
def zb(x,p,a): return (np.log(a/p)-x['centre'])/x['scale'], pos_bin(x['positions'],p,BINS)
def make(train):
    tabs={}
    for k in range(len(EDGES)+1):
        tabs[k]=build_table([zb(x,x['Ph'].mean(0),x['ah']) for v in train.values() for x in v if cls(x)==k],BINS)
    def f(x):
        T=tabs[cls(x)]; p=x['Ph'].mean(0); b=pos_bin(x['positions'],p,BINS)
        return p*np.exp(x['centre']+x['scale']*T[b,3]), p*np.exp(x['centre']+x['scale']*T[b,9])
    return f
evaluate(make)
# pixel3 by class
train={dd:[X[dd][s] for s in range(64)] for dd in DEV if dd!='pixel3'}
f=make(train)
for k in (0,1):
    c=[np.mean((x['ah']>=f(x)[0])&(x['ah']<=f(x)[1])) for x in X['pixel3'][:64] if cls(x)==k]
    print('pixel3 class',k,len(c),np.mean(c))
train={dd:[X[dd][s] for s in range(64)] for dd in DEV if dd!='raspi4'}
f=make(train)
for k in (0,1):
    c=[np.mean((x['ah']>=f(x)[0])&(x['ah']<=f(x)[1])) for x in X['raspi4'][:64] if cls(x)==k]
    print('raspi4 class',k,len(c),np.mean(c))
