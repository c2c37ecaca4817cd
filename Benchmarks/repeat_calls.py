"""First call and repeats of common requests through one daemon ("every first call under a second,
every repeat under a millisecond"): each request is sent `--repeats` times in a row to one hwnasd
started on a fresh (or given) state directory; the table gives the first call's and the median
repeat's wall time as the client sees it (request written to answer read, JSON both ways).

    python3 Benchmarks/repeat_calls.py .build/release/hwnasd [--repeats 5] [--state DIR]

Writes a markdown table on stdout. Wall times: run on a quiet machine; `uptime` is printed.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
from hwnas import HwnasClient  # noqa: E402

SAMPLES = [{"arch": a, "latency_ms": ms} for a, ms in
           [(5, 1.0), (77, 2.0), (300, 1.5), (1000, 3.0), (2000, 0.7), (3000, 2.2), (4000, 1.1), (5000, 2.8),
            (6000, 1.9), (7000, 0.9)]]



def fixture_samples(device, k, seed):
    """k random NB201 cells with `device`'s measured latency (fixtures/nb201/latency.csv)."""
    import csv
    import random
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "nb201", "latency.csv")
    with open(path) as f:
        rows = list(csv.DictReader(f))
    random.seed(seed)
    return [{"arch": r["arch_str"], "latency_ms": float(r[device])} for r in random.sample(rows, k)]


PIXEL2_20 = fixture_samples("pixel2", 20, 1)
RASPI4_20 = fixture_samples("raspi4", 20, 1)

REQUESTS = [
    ("predict 1 arch, nb201/pixel3 (shipped default)", "predict", {"space": "nb201", "device": "pixel3", "archs": [42]}),
    ("predict 1 arch, nb201/gold_6226 (trained default)", "predict", {"space": "nb201", "device": "gold_6226", "archs": [42]}),
    ("predict 1,000 archs, nb201/pixel3", "predict", {"space": "nb201", "device": "pixel3", "archs": list(range(1000))}),
    ("predict with a 90% interval", "predict", {"space": "nb201", "device": "pixel3", "archs": [42], "interval": 0.9}),
    ("predict for a GPU spec (RTX 3090)", "predict", {"space": "nb201", "spec": "3090", "archs": [42]}),
    ("search nb201/pixel3 under 5 ms", "search", {"space": "nb201", "device": "pixel3", "budget": {"latency_ms": 5}}),
    ("search nb201/pixel3, Pareto front", "search", {"space": "nb201", "device": "pixel3", "pareto": True}),
    ("search fbnet/raspi4, Pareto front", "search", {"space": "fbnet", "device": "raspi4", "pareto": True}),
    ("search ofa_mbv3/v100_32 under 12 ms", "search", {"space": "ofa_mbv3", "device": "v100_32", "budget": {"latency_ms": 12}}),
    ("generate nb201/pixel3, 1 budget", "generate", {"space": "nb201", "device": "pixel3", "budgets": [3]}),
    ("monotonicity nb201 (36 devices)", "monotonicity", {"space": "nb201"}),
    ("monotonicity fbnet", "monotonicity", {"space": "fbnet"}),
    ("suggestSamples nb201, 20", "suggestSamples", {"space": "nb201", "count": 20}),
    ("adapt nb201 from 10 samples (not saved)", "adapt", {"space": "nb201", "target": {"name": "x", "samples": SAMPLES}, "save": False}),
    ("adapt nb201 from 10 samples (saved)", "adapt", {"space": "nb201", "target": {"name": "y", "samples": SAMPLES}}),
    ("adaptProxy nb201 from pixel3, 10 samples", "adaptProxy", {"space": "nb201", "proxy": "pixel3", "target": {"name": "z", "samples": SAMPLES}}),
    ("finetune nb201/pixel3's default on 10 samples", "finetune", {"space": "nb201", "base": "pixel3", "samples": SAMPLES, "id": "ft"}),
    ("finetune nb201/pixel3's default on 20 pixel2 samples", "finetune",
     {"space": "nb201", "base": "pixel3", "samples": PIXEL2_20, "id": "ft20"}),
    ("finetune the same, method finetune", "finetune",
     {"space": "nb201", "base": "pixel3", "samples": PIXEL2_20, "id": "ft20m", "method": "finetune"}),
    ("finetune nb201/1080ti_256's default on 20 raspi4 samples (auto fine-tunes its MLP)", "finetune",
     {"space": "nb201", "base": "1080ti_256", "samples": RASPI4_20, "id": "ft20r"}),
    ("train nb201/eyeriss lut on 1,000 rows", "train", {"space": "nb201", "device": "eyeriss", "model": "lut", "trainSize": 1000, "id": "t"}),
    ("encode 1 arch", "encode", {"space": "nb201", "archs": [42]}),
    ("hwnas/spaceInfo ofa_mbv3", "hwnas/spaceInfo", {"space": "ofa_mbv3"}),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--state", help="state directory (default: a fresh temporary one)")
    args = ap.parse_args()
    state = args.state or tempfile.mkdtemp(prefix="hwnas-repeat-")
    print(f"<!-- python3 Benchmarks/repeat_calls.py {args.binary} --repeats {args.repeats}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; uptime: "
          f"{subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()} -->\n")
    print("| request | first call ms | median repeat ms | repeats |")
    print("|---|---|---|---|")
    with HwnasClient(args.binary, state=state) as client:
        for label, method, params in REQUESTS:
            times = []
            for _ in range(1 + args.repeats):
                t0 = time.perf_counter()
                client.call(method, params)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"| {label} | {times[0]:.1f} | {statistics.median(times[1:]):.2f} | {args.repeats} |", flush=True)


if __name__ == "__main__":
    main()
