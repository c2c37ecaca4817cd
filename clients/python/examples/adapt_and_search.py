"""Adapt a latency predictor to a device from a few measured samples, search that device's
latency/accuracy Pareto front, and plot it.

    python clients/python/examples/adapt_and_search.py --out /tmp/hwnas-example
    python clients/python/examples/adapt_and_search.py --samples my_device.csv --out ...

Steps:
1. Samples: a CSV of measured latencies on the target device (`arch,latency_ms,...`, `#`
   comment lines allowed), e.g. from timing the architectures on the device yourself. Without
   --samples, 30 rows of shipped real measurements stand in for them: NAS-Bench-201 on a
   Raspberry Pi 4 (fixtures/nb201/latency.csv, column raspi4, from HW-NAS-Bench); the script
   writes them to OUT/samples.csv with comments saying so.
2. A proxy: a lookup-table predictor trained on another device's shipped measurements (Pixel 3).
3. `finetune`: the proxy adapted to the samples, as predictor "my-device".
4. A check: predicted vs measured latency on 300 other architectures (only when the samples come
   from the fixtures, whose other rows are the truth) -> OUT/predicted_vs_measured.png.
5. `search`: the Pareto front with "my-device", and the best architecture within --budget
   (default: the samples' median latency) -> OUT/front.png, OUT/front.csv.

Needs the `plot` extra (matplotlib); the daemon from $HWNASD or the checkout's build.
"""
import argparse
import csv
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.dirname(HERE))  # run from a checkout without installing

import hwnas  # noqa: E402

SPACE, PROXY_DEVICE, STAND_IN_DEVICE = "nb201", "pixel3", "raspi4"


def fixture_rows():
    fixtures = os.environ.get("HWNASD_FIXTURES") or os.path.join(ROOT, "fixtures")
    with open(os.path.join(fixtures, "nb201", "latency.csv"), newline="") as f:
        return list(csv.DictReader(f))


def write_stand_in_samples(path, rows, count=30):
    """`count` rows of the stand-in device's shipped measurements, spread over the index."""
    picked = rows[::len(rows) // count][:count]
    with open(path, "w", newline="") as f:
        f.write(f"# Stand-in for measurements of your device: real latencies of {STAND_IN_DEVICE} (Raspberry Pi 4)\n"
                "# from fixtures/nb201/latency.csv (HW-NAS-Bench), NAS-Bench-201 architectures, ms per inference.\n")
        w = csv.writer(f)
        w.writerow(["arch", "latency_ms", "arch_id"])
        for r in picked:
            w.writerow([r["arch_str"], r[STAND_IN_DEVICE], r["arch_id"]])
    return {r["arch_id"] for r in picked}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="hwnas-example", help="output folder (PNGs, CSVs)")
    ap.add_argument("--samples", help="CSV of your device's measured latencies (arch,latency_ms,...)")
    ap.add_argument("--budget", type=float, help="latency budget in ms (default: the samples' median)")
    ap.add_argument("--generations", type=int, default=60, help="search generations")
    ap.add_argument("--state", help="daemon state dir (default: a temporary one)")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    rows = fixture_rows()
    stand_in = args.samples is None
    samples_path = args.samples or os.path.join(args.out, "samples.csv")
    used_ids = write_stand_in_samples(samples_path, rows) if stand_in else set()
    samples = hwnas.samples_from_csv(samples_path)
    latencies = sorted(s["latency_ms"] for s in samples)
    budget = args.budget or latencies[len(latencies) // 2]
    print(f"{len(samples)} samples from {samples_path}; budget {budget:.4g} ms")

    with tempfile.TemporaryDirectory() as tmp, hwnas.HwnasClient(state=args.state or tmp) as hw:
        hw.train(space=SPACE, device=PROXY_DEVICE, model="lut", id="proxy", progress=True)
        tuned = hw.finetune(base="proxy", samples=samples, id="my-device", device="my-device", progress=True)
        fit = tuned["metrics"].get("crossValidated")  # finetune's metrics (protocol/PROTOCOL.md); none below 5 samples
        error = f"cross-validated RMSE on its samples {fit['rmse']:.3g} ms" if fit else "too few samples to cross-validate"
        print(f"my-device: fine-tuned from {PROXY_DEVICE}'s LUT ({tuned['metrics'].get('variant', tuned['model'])}), {error}")

        if stand_in:  # the fixture's other rows are the truth: check the adapted predictor on them
            check = [r for r in rows if r["arch_id"] not in used_ids][::50][:300]
            pred = hw.predict(predictor="my-device", archs=[r["arch_str"] for r in check])
            measured = [float(r[STAND_IN_DEVICE]) for r in check]
            hwnas.plot_predicted_vs_measured(pred, measured, path=os.path.join(args.out, "predicted_vs_measured.png"),
                                             label="my-device", title=f"Adapted predictor vs {STAND_IN_DEVICE} "
                                             f"measurements ({len(check)} archs not among the samples)")

        best = hw.search(space=SPACE, predictor="my-device", budget={"latency_ms": budget},
                         generations=args.generations, progress=True)
        front = hw.search(space=SPACE, predictor="my-device", pareto=True, generations=args.generations, progress=True)

    b = best["best"]
    print(f"best within {budget:.4g} ms: {b['arch']}  {b['latency_ms']:.4g} ms, accuracy {b['accuracy']:.4g}"
          f" ({best['accuracyLabel']})")
    print(f"Pareto front: {len(front['front'])} architectures")
    with open(os.path.join(args.out, "front.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["latency_ms", "accuracy", "arch"], extrasaction="ignore")
        w.writeheader()
        w.writerows(sorted(front["front"], key=lambda c: c["latency_ms"]))
    png = os.path.join(args.out, "front.png")
    hwnas.plot_front(front, budget=budget, path=png,
                     title=f"NAS-Bench-201 on my-device (predictor adapted from {len(samples)} samples)")
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
