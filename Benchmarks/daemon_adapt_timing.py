#!/usr/bin/env python3
"""Wall time of `adapt` through the daemon, with its default pool, on a fresh state directory.

Starts `hwnasd --ndjson --state <fresh dir>`, sends `initialize`, then N `adapt` calls, each with 20
samples of one fixture device drawn with `random.seed(call index)`, and prints each call's wall time
(the first includes fitting the space's fixture pool). Fixtures only; nothing is saved (`save: false`).

    swift build -c release --product hwnasd
    python3 Benchmarks/daemon_adapt_timing.py .build/release/hwnasd [--space fbnet] [--device raspi4] [--calls 6]
"""
import argparse
import csv
import json
import os
import random
import subprocess
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ARCH_COLUMN = {"fbnet": "op_idx_list", "nb201": "arch_str"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("daemon")
    ap.add_argument("--space", default="fbnet", choices=sorted(ARCH_COLUMN))
    ap.add_argument("--device", default="raspi4")
    ap.add_argument("--calls", type=int, default=6)
    ap.add_argument("--samples", type=int, default=20)
    a = ap.parse_args()
    rows = [r for r in csv.DictReader(open(f"{ROOT}/fixtures/{a.space}/latency.csv")) if r.get(a.device)]
    state = tempfile.mkdtemp()
    p = subprocess.Popen([a.daemon, "--ndjson", "--state", state], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)

    def call(i: int, method: str, params: dict) -> tuple[dict, float]:
        t = time.perf_counter()
        p.stdin.write((json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}) + "\n").encode())
        p.stdin.flush()
        while True:
            line = json.loads(p.stdout.readline())
            if line.get("id") == i:
                return line, time.perf_counter() - t

    call(1, "initialize", {})
    for k in range(a.calls):
        random.seed(k)
        pick = random.sample(rows, a.samples)
        samples = [{"arch": r[ARCH_COLUMN[a.space]], "latency_ms": float(r[a.device])} for r in pick]
        r, t = call(10 + k, "adapt", {"space": a.space, "target": {"name": "mydev", "samples": samples}, "save": False})
        if "error" in r:
            raise SystemExit(f"adapt {k}: {r['error']}")
        res = r["result"]
        print(f"adapt {k}: {t:.3f} s  family {res.get('family')}  pool {len(res.get('pool', []))} members", flush=True)
    p.stdin.close()
    p.wait()


if __name__ == "__main__":
    main()
