exec(open('t_ext.py').read().split("mode=sys.argv")[0])
SRC={d:v[:64] for d,v in M.items()}
cls=lambda x: sum(x['spread']>=e for e in [0.5])
ms=[0.85,0.9,0.95,1.0,1.05,1.1,1.15,1.2,1.3]
for d in DEV:
    tabs={k:build_table([zb(x,1.0) for dd,v in SRC.items() if dd!=d for x in v if cls(x)==k],BINS) for k in (0,1)}
    row=[]
    for m in ms:
        cov=[]
        for x in M[d][:256]:
            T=tabs[cls(x)]; b=pos_bin(x['positions'],x['p'],BINS)
            lo=x['p']*np.exp(x['centre']+m*x['scale']*T[b,3]); hi=x['p']*np.exp(x['centre']+m*x['scale']*T[b,9])
            cov.append(np.mean((x['ah']>=lo)&(x['ah']<=hi)))
        row.append(np.mean(cov))
    print(f"{d:14s} "+" ".join(f"{m}:{c:.3f}" for m,c in zip(ms,row)))
# residual z quantiles per class-1 device, per bin
for d in ('pixel3','raspi4'):
    Z=[zb(x,1.0) for x in M[d][:256] if cls(x)==1]
    z=np.concatenate([a for a,b in Z]); b=np.concatenate([b for a,b in Z])
    print(d,'class-1 draws',len(Z),' '.join(f"bin{k}: q05 {np.quantile(z[b==k],0.05):+.2f} q95 {np.quantile(z[b==k],0.95):+.2f}" for k in range(3)))
