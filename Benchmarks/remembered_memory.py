"""Memory the daemon holds for kept `predict` answers: N distinct `predict` requests of K NB201
architectures (official indices) with a 90% interval through one hwnasd, and its resident set
before and after (Linux `/proc/PID/status`).

    python3 Benchmarks/remembered_memory.py .build/release/hwnasd [--requests 70] [--archs 2000]
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
from hwnas import HwnasClient  # noqa: E402


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--requests", type=int, default=70)
    ap.add_argument("--archs", type=int, default=2000)
    args = ap.parse_args()
    with HwnasClient(args.binary, state=tempfile.mkdtemp(prefix="hwnas-mem-")) as client:
        pid = client.proc.pid
        client.call("predict", {"space": "nb201", "device": "pixel3", "archs": [1]})
        before = rss_mb(pid)
        for i in range(args.requests):
            archs = [(i * 7919 + j) % 15625 for j in range(args.archs)]
            client.call("predict", {"space": "nb201", "device": "pixel3", "archs": archs, "interval": 0.9})
        after = rss_mb(pid)
    print(f"{args.requests} predicts of {args.archs} archs with an interval: RSS {before:.0f} -> {after:.0f} MB")


if __name__ == "__main__":
    main()
