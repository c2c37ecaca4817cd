from frame import *
import itertools
BINS=3
def dis(P): return np.log(P).std(0,ddof=1)
def mk(dbins, edges, mode='tercile', pbins=3):
    def cls(x): return sum(x['spread']>=e for e in edges)
    def keys(x, P):
        p=P.mean(0); pb=pos_bin(x['positions'],p,pbins)
        d=dis(P)
        if mode=='tercile':
            ds=np.sort(dis(x['Ps'][:,x['kept']]))
            db=pos_bin(ds, d, dbins)
        elif mode=='ratio':   # absolute disagreement in units of the scale
            r=d/x['scale']; db=np.searchsorted(np.array(dbins_edges), r)
        return pb*nd+db
    nd=dbins
    return lambda train: table_rule(train, edges, lambda x: (x['centre'], x['scale']), lambda x: keys(x, x['Ph']), pbins*nd)
for pb in (1,3):
  for nd in (2,3):
    for edges in ([0.5],[]):
        print('tercile pbins',pb,'dbins',nd,edges,end=' '); evaluate(mk(nd,edges,'tercile',pb))
for E in ([0.1],[0.2],[0.3],[0.1,0.3]):
    dbins_edges=E
    for edges in ([0.5],[]):
        print('ratio',E,edges,end=' '); evaluate(mk(len(E)+1,edges,'ratio'))
