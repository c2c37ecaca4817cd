#!/usr/bin/env python3
"""Records this machine's CPU under onnxruntime as a fixture device of every search space (run
once, by hand; not a test). For each space it measures architectures with `hwnas measure` (export
through hwnasd, onnxruntime on one pinned core, several shuffled passes) and writes

    fixtures/<space>_onnxrt/measurements.csv   the samples CSV as measured: runtime, version, threads,
                                                CPU, date, load, repeats/passes in `#` lines; latency_ms,
                                                spread_pct, pass_spread_pct and each pass's median
    fixtures/<space>_onnxrt/latency.csv        arch_id,arch_str,<device>: the table DataCatalog loads

Architectures: NB201 the 10 HELP reference archs plus random ones up to --nb201 (1,000); FBNet and
OFA MobileNetV3 their 10 HELP reference archs plus random ones up to --others (500); mbv2 and
proxyless random ones. OFA MobileNetV3 and mbv2 resolutions are assigned round-robin over the
space's whole range (128..224 step 4), so every resolution gets the same share.

    HWNASD=.build/release/hwnasd python3 scripts/measure_fixture_device.py --cpu 1
    python3 scripts/measure_fixture_device.py --spaces nb201 --nb201 30 --dry-run    # timing estimate
"""
import argparse
import csv
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "clients", "python"))

from hwnas.measure import measure, own_priority, read_arch_list  # noqa: E402
from hwnas.samples import write_samples_csv  # noqa: E402
from hwnas_client import HwnasClient  # noqa: E402

SPACES = ("nb201", "fbnet", "ofa_mbv3", "mbv2", "proxyless")
RESOLUTIONS = list(range(128, 225, 4))
REFERENCE = {"nb201": "fixtures/nb201/reference_archs_help.csv", "fbnet": "fixtures/fbnet/reference_archs_help.csv",
             "ofa_mbv3": "fixtures/ofa_mbv3/reference_archs_help.csv"}


def architectures(client, space, count, seed):
    """The space's reference archs (if any) then distinct random ones, `count` in all."""
    archs = read_arch_list(os.path.join(ROOT, REFERENCE[space])) if space in REFERENCE else []
    seen = set(archs)
    draw = 0
    while len(archs) < count:
        batch = client.sample(space=space, count=2 * (count - len(archs)) + 10, seed=seed + draw)["archs"]
        draw += 1
        for a in batch:
            if space in ("ofa_mbv3", "mbv2"):
                # Resolution round-robin over the whole range (the sample's own r is replaced).
                a = re.sub(r"r=\d+", f"r={RESOLUTIONS[len(archs) % len(RESOLUTIONS)]}", a)
            if a not in seen and len(archs) < count:
                seen.add(a)
                archs.append(a)
    return archs


def nb201_ids():
    with open(os.path.join(ROOT, "fixtures", "nb201", "latency.csv"), newline="") as f:
        return {row["arch_str"]: row["arch_id"] for row in csv.DictReader(f)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spaces", default=",".join(SPACES))
    ap.add_argument("--device", default="onnxrt_epyc_zen4", help="device column name")
    ap.add_argument("--nb201", type=int, default=1000)
    ap.add_argument("--others", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--cpu", type=int, action="append", help="pin to this CPU (like taskset -c)")
    ap.add_argument("--nice", type=int, default=None,
                    help="process priority (e.g. -10, as root) so builds sharing the core preempt the runs less")
    ap.add_argument("--out", default=os.path.join(ROOT, "fixtures"))
    ap.add_argument("--dry-run", action="store_true", help="measure but write nothing; print the timing")
    args = ap.parse_args(argv)
    if args.cpu:
        os.sched_setaffinity(0, set(args.cpu))
    if args.nice is not None:
        own_priority(args.nice)  # before the daemon starts: it inherits session, priority and CPUs
    with HwnasClient() as client:
        for space in args.spaces.split(","):
            count = args.nb201 if space == "nb201" else args.others
            archs = architectures(client, space, count, args.seed)
            t0 = time.monotonic()
            result = measure(space, archs, client=client, repeats=args.repeats, warmup=args.warmup,
                             passes=args.passes, seed=args.seed,
                             extra_meta={"device": args.device, "script": "scripts/measure_fixture_device.py"})
            wall = time.monotonic() - t0
            meta = result["meta"]
            print(f"{space}: {len(archs)} networks in {wall:.0f} s ({len(archs) * args.passes / wall:.2f} networks/s "
                  f"over {args.passes} passes); median spread {meta['noise_median_spread_pct']}% within a pass, "
                  f"{meta['noise_median_pass_spread_pct']}% across passes; load {meta['load_before']} -> {meta['load_after']}",
                  flush=True)
            if args.dry_run:
                continue
            folder = os.path.join(args.out, f"{space}_onnxrt")
            os.makedirs(folder, exist_ok=True)
            meta["wall_s"] = f"{wall:.0f}"
            write_samples_csv(os.path.join(folder, "measurements.csv"), result["rows"], meta, result["columns"])
            ids = nb201_ids() if space == "nb201" else {}
            seen, rows = set(), []
            for r in result["rows"]:  # two strings may name one network (OFA's inactive slots)
                if r["arch"] not in seen:
                    seen.add(r["arch"])
                    rows.append(r)
            table = [{"arch_id": ids.get(r["arch"], i), "arch_str": r["arch"], args.device: r["latency_ms"]}
                     for i, r in enumerate(rows)]
            write_samples_csv(os.path.join(folder, "latency.csv"), table, None, ["arch_id", "arch_str", args.device])
    return 0


if __name__ == "__main__":
    sys.exit(main())
