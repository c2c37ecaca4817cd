from frame import *
BINS=3
print("per device, per position bin: z q05 q95 (pooled 64 draws) ; corr(disagreement, |z|) within draw median")
for d in DEV:
    Zs={b:[] for b in range(BINS)}; cors=[]; ratio=[]
    for x in X[d][:64]:
        p=x['Ph'].mean(0); z=(np.log(x['ah']/p)-x['centre'])/x['scale']; b=pos_bin(x['positions'],p,BINS)
        for k in range(BINS): Zs[k].append(z[b==k])
        dis=x['Ph'].std(0)/p
        rz=np.argsort(np.argsort(np.abs(z))); rd=np.argsort(np.argsort(dis))
        cors.append(np.corrcoef(rz,rd)[0,1])
    s=" | ".join(f"{np.quantile(np.concatenate(Zs[k]),0.05):+.2f} {np.quantile(np.concatenate(Zs[k]),0.95):+.2f}" for k in range(BINS))
    print(f"{d:14s} {s}   rankcorr {np.median(cors):.2f}")
