import numpy as np, json, os, pickle, sys
from rule import *
from load import each_draw
EXTRA="1080ti_256,1080ti_32,2080ti_1,2080ti_256,essential_ph_1,eyeriss,gold_6240,pixel2,titan_rtx_1,titan_rtx_32,titanx_1,titanx_256,titanx_32,eagle_cpu_855,eagle_gpu_855,eagle_gtx,eagle_i7,eagle_jetson_16,eagle_tpu,rice_edgegpu,rice_edgetpu,true_630,true_640,true_a76".split(",")
TWIN={"pixel3":"rice_pixel3","raspi4":"rice_raspi4","eyeriss":"rice_eyeriss"}
def loadx(devs, n):
    out={d:[] for d in devs}
    for d,meas,info,P,idx,live in each_draw(devs,n):
            draws=out[d]
            r=info["residuals"].split(";")
            if not info["residuals"]: continue
            draws.append(dict(p=P[:,live].mean(0), ah=meas[live], centre=float(r[0]),scale=float(r[1]),spread=float(r[3]),
                              positions=np.array([float(x) for x in r[4].split(",")])))
    return out
if __name__=="__main__":
    c="ext.pkl"
    E=loadx(EXTRA,128)
    pickle.dump(E,open(c,"wb"))
    # also compact 8 devices 256
    from load import DEV
    M=loadx(DEV,256); pickle.dump(M,open("main8.pkl","wb"))
    for d,v in E.items(): print(d,len(v),f"spread {np.mean([x['spread'] for x in v]):.2f} scale {np.median([x['scale'] for x in v]):.3f} n_held {len(v[0]['ah'])}")
