from frame import *
exec(open('t_class.py').read().split('evaluate(make)')[0])
for d,leak in (('pixel3','rice_pixel3'),('raspi4','rice_raspi4')):
    train={dd:[X[dd][s] for s in range(256)] for dd in DEV if dd!=d}
    f=make(train)
    for has in (True,False):
        xs=[x for x in X[d][:256] if (leak in x['members'])==has]
        c=[np.mean((x['ah']>=f(x)[0])&(x['ah']<=f(x)[1])) for x in xs]
        r=[np.log(x['ah']/x['Ph'].mean(0)).std()/x['scale'] for x in xs]
        print(d,'leak member' if has else 'no leak    ',len(xs),f"cov {np.mean(c):.3f} sd_ho/scale {np.median(r):.2f} scale {np.median([x['scale'] for x in xs]):.3f}")
