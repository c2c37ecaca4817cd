#!/usr/bin/env python3
"""What `adapt` says when a user's samples are in the wrong unit (`SampleScale`).

For each (space, device), 20 seeded fixture measurements of the device are sent to `adapt`
(default pool) as given (ms), divided by 1,000 (seconds given as latency_ms) and multiplied by
1,000 (microseconds); prints the factor of the `SampleScale` warning, or "-" when there is none.

    python3 Benchmarks/unit_slips.py .build/release/hwnasd [--state DIR]
"""
import argparse
import csv
import os
import random
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
from hwnas import HwnasClient  # noqa: E402

CASES = [("nb201", "raspi4"), ("nb201", "eyeriss"), ("fbnet", "gold_6226"), ("fbnet", "eyeriss")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("daemon")
    ap.add_argument("--state", default=None)
    a = ap.parse_args()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    state = a.state or tempfile.mkdtemp(prefix="unit-slips-")
    print("| space | device | ms | seconds (÷ 1,000) | microseconds (× 1,000) |")
    print("|---|---|---|---|---|")
    with HwnasClient(binary=a.daemon, state=state) as hw:
        for space, device in CASES:
            with open(os.path.join(root, "fixtures", space, "latency.csv")) as f:
                rows = list(csv.reader(f))
            col = rows[0].index(device)
            pick = random.Random(1).sample(rows[1:], 20)
            cells = []
            for scale, label in ((1, "ms"), (1e-3, "s"), (1e3, "us")):
                samples = [{"arch": r[1], "latency_ms": float(r[col]) * scale} for r in pick]
                res = hw.adapt(space=space, target={"name": f"slip-{device}-{label}", "samples": samples}, save=False)
                said = [w for w in res.get("warnings", []) if "latency_ms is in milliseconds" in w]
                m = re.search(r"are ([\d,]+) × (below|above)", said[0]) if said else None
                cells.append(f"{m.group(1)} × {m.group(2)}" if m else "-")
            print(f"| {space} | {device} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
