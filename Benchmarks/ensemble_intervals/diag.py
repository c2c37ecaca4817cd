import numpy as np
from rule import *
X=load()
print("device  spread  cls1share  med(sd_ho/scale)  med|bias|/scale  med scale  q05 q95 of z pooled  disagreement")
for d in DEV:
    r=[];b=[];sc=[];Z=[];sp=[];c1=[];dis=[]
    for x in X[d][:256]:
        p=x['Ph'].mean(0); l=np.log(x['ah']/p)
        r.append(l.std()/x['scale']); b.append((l.mean()-x['centre'])/x['scale']); sc.append(x['scale']); sp.append(x['spread']); c1.append(x['spread']>=0.5)
        z=(l-x['centre'])/x['scale']; Z.append(np.quantile(z,[0.05,0.95]))
        dis.append(np.median(x['Ph'].std(0)/p))
    Z=np.array(Z)
    print(f"{d:14s} {np.mean(sp):.2f} {np.mean(c1):.2f}  {np.median(r):.2f}  {np.median(np.abs(b)):.2f} {np.median(sc):.3f}  {Z[:,0].mean():.2f} {Z[:,1].mean():.2f}  {np.mean(dis):.3f}")
