exec(open('t_ext.py').read().split("mode=sys.argv")[0])
for g,edges in ((1.0,[0.5]),(1.05,[]),(1.05,[0.5])):
    ok,res=run(g,edges,{d:v[64:256] for d,v in M.items()},ALL)
    print(f"FRESH seeds 64-255 g={g} {str(edges):5s} {ok}/8 "+"  ".join(f"{d[:6]} {c:.3f}/{w:.3f}" for d,(c,w) in res.items()))
