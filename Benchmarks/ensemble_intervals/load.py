import numpy as np, json, os, pickle
D=os.environ.get("ENSDUMP","/tmp/ensint/dump")
DEV=["1080ti_1","2080ti_32","titan_rtx_256","gold_6226","silver_4114","pixel3","samsung_a50","raspi4"]
LEVELS=np.array([0.005,0.01,0.025,0.05,0.1,0.2,0.5,0.8,0.9,0.95,0.975,0.99,0.995])
def read_draw(d, s, meas, deg):
    """One dumped draw: its json, member predictions (3 x cells, floored at 1e-6), sample indices, live held-out mask."""
    info=json.load(open(f"{D}/{d}-{s}.json"))
    P=np.maximum(np.fromfile(f"{D}/{d}-{s}.f32",dtype=np.float32).astype(float).reshape(3,-1),1e-6)
    idx=np.array(info["samples"])
    mask=np.isfinite(meas)&(meas>0); mask[idx]=False
    return info, P, idx, mask&~deg
def each_draw(devs, n):
    """(device, its measured latencies, json, member predictions, sample indices, live mask) of every dumped draw."""
    deg=read_degenerate()
    for d in devs:
        meas=read_measured(d)
        for s in range(n): yield (d, meas) + read_draw(d, s, meas, deg)
def read_measured(d): return np.fromfile(f"{D}/measured-{d}.f32",dtype=np.float32).astype(float)
def read_degenerate(): return np.fromfile(f"{D}/degenerate.f32",dtype=np.float32)>0.5
def load(nseeds=256):
    cache=f"cache{nseeds}.pkl"
    if os.path.exists(cache): return pickle.load(open(cache,"rb"))
    out={d:[] for d in DEV}
    for d,meas,info,P,idx,live in each_draw(DEV,nseeds):
            draws=out[d]
            oof=np.array([m["oof"] for m in info["members"]])  # 3x20, -1 = dropped
            kept=(oof>0).all(0)
            r=info["residuals"].split(";")
            draws.append(dict(idx=idx, y=meas[idx], oofm=oof, kept=kept, Ps=P[:,idx], Ph=P[:,live], ah=meas[live],
                              Pall=None, members=[m["proxy"] for m in info["members"]],
                              centre=float(r[0]),scale=float(r[1]),count=int(r[2]),spread=float(r[3]),
                              positions=np.array([float(x) for x in r[4].split(",")])))
    pickle.dump(out,open(cache,"wb"))
    return out
