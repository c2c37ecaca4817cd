from frame import *
import sys
BINS=3
def mk(c, edges, form='quad', seeds=range(64)):
    def cls(x): return sum(x['spread']>=e for e in edges)
    def sc(x):
        dl=np.log(x['Ph']).std(0, ddof=1)
        if form=='quad': return np.sqrt(x['scale']**2 + c*dl**2)
        if form=='lin': return x['scale'] + c*dl
    pb=lambda x: pos_bin(x['positions'],x['Ph'].mean(0),BINS)
    return lambda train: table_rule(train, edges, lambda x: (x['centre'], sc(x)), pb, BINS)
for form in ['quad','lin']:
  for c in ([0,1,4,16,64] if form=='quad' else [1,2,4,8]):
    for edges in ([0.5],[]):
        print(form,c,edges,end=' '); evaluate(mk(c,edges,form))
