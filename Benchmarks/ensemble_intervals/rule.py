import numpy as np
from load import *
def eq(sorted_v, level):
    n=len(sorted_v); x=level*(n-1); i=np.floor(x).astype(int); t=x-i
    i2=np.minimum(i+1,n-1)
    return sorted_v[i]+t*(sorted_v[i2]-sorted_v[i])
def pos_bin(positions, p, bins):
    below=np.searchsorted(positions, p, side='left')  # count strictly below
    return np.minimum(bins-1, below*bins//len(positions))
def build_table(groups, bins, m=200):
    # groups: list of (z array, bin array)
    T=[]
    qs=(np.arange(m)+0.5)/m
    for b in range(bins):
        pooled=[]
        for z,bb in groups:
            g=np.sort(z[bb==b])
            if len(g): pooled.append(eq(g,qs))
        pooled=np.sort(np.concatenate(pooled))
        T.append(eq(pooled,LEVELS))
    return np.array(T)
