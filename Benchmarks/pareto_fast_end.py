#!/usr/bin/env python3
"""Where a device's Pareto search loses hypervolume: the searched front against the front of every
cell as the default predictor prices it, and the fast end of both (search.md section 2).

For one NB201 device: `search {pareto, nsga2, 5,000 queries, seed 77}` with the device's default
predictor; the hypervolume of its front re-measured, and of the front of all cells with a data path
ranked by the same predictor, each divided by the true front's (measured latency, CIFAR-10
accuracy; reference point: the largest measured latency and the smallest accuracy of the space);
then the first cells of the true front and of the predicted one, with measured and predicted ms.

    python3 Benchmarks/pareto_fast_end.py .build/release/hwnasd raspi4 [--state DIR]
"""
import argparse
import csv
import os
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
from hwnas import HwnasClient  # noqa: E402


def pareto(cells: list[int], latency: dict[int, float], accuracy: dict[int, float]) -> list[int]:
    """The cells no other cell beats on both latency (lower) and accuracy (higher), fastest first."""
    front, best = [], float("-inf")
    for i in sorted(cells, key=lambda i: (latency[i], -accuracy[i])):
        if accuracy[i] > best:
            front.append(i)
            best = accuracy[i]
    return front


def hypervolume(cells: list[int], latency: dict[int, float], accuracy: dict[int, float],
                ref_latency: float, ref_accuracy: float) -> float:
    """The area the cells' front dominates up to the reference point, on measured latency."""
    f = pareto(cells, latency, accuracy)
    area = 0.0
    for j, i in enumerate(f):
        right = latency[f[j + 1]] if j + 1 < len(f) else ref_latency
        area += (right - latency[i]) * (accuracy[i] - ref_accuracy)
    return area


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("device")
    ap.add_argument("--state", default=None, help="state directory (default: a fresh one)")
    args = ap.parse_args()
    measured, accuracy, index = {}, {}, {}
    with open(os.path.join(ROOT, "fixtures", "nb201", "latency.csv")) as f:
        for row in csv.DictReader(f):
            measured[int(row["arch_id"])] = float(row[args.device])
            index[row["arch_str"]] = int(row["arch_id"])
    with open(os.path.join(ROOT, "fixtures", "nb201", "accuracy.csv")) as f:
        for row in csv.DictReader(f):
            accuracy[int(row["arch_id"])] = float(row["cifar10_test_acc_pct"])
    cells = list(range(15625))
    with HwnasClient(binary=args.binary, state=args.state or tempfile.mkdtemp()) as c:
        dead = set(c.call("encode", {"space": "nb201", "archs": cells}).get("degenerate", []))
        found = c.call("search", {"space": "nb201", "device": args.device, "pareto": True, "algorithm": "nsga2",
                                  "maxQueries": 5000, "generations": 2000, "seed": 77})
        predicted = dict(zip(cells, c.call("predict", {"space": "nb201", "device": args.device,
                                                       "archs": cells})["latency_ms"]))
    live = [i for i in cells if i not in dead]
    front = [index[p["arch"]] for p in found["front"]]
    ref_l, ref_a = max(measured.values()), min(accuracy.values())
    true_hv = hypervolume(live, measured, accuracy, ref_l, ref_a)
    priced = pareto(live, predicted, accuracy)
    print(f"{args.device}: searched front {len(front)} cells, HV ratio "
          f"{hypervolume(front, measured, accuracy, ref_l, ref_a) / true_hv:.4f}; front of all {len(live)} cells "
          f"with a data path as predicted: {hypervolume(priced, measured, accuracy, ref_l, ref_a) / true_hv:.4f}")
    for name, f in (("true front", pareto(live, measured, accuracy)), ("predicted front", priced)):
        print(f"{name}, fastest 6 (cell: measured ms, predicted ms, accuracy %):")
        for i in f[:6]:
            print(f"  {i}: {measured[i]:.3f}, {predicted[i]:.3f}, {accuracy[i]:.2f}")


if __name__ == "__main__":
    main()
