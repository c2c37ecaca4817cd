from frame import *
BINS=3
def mk(g,E=[0.5],bins=BINS):
    def cls(x): return sum(x['spread']>=e for e in E)
    return lambda train: table_rule(train, E, lambda x: (x['centre'], x['scale']**g), lambda x: pos_bin(x['positions'],x['Ph'].mean(0),bins), bins)
for g in (1.0,1.1,1.2,1.3):
    for E in ([0.5],[]):
        print(g,E,end=' '); evaluate(mk(g,E))
