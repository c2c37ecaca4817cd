"""`hwnas new-device`: the device loop in one command.

suggestSamples (which architectures to measure) -> measure them (onnxruntime on this machine with
`hwnas measure`, a shell command for another device, or a Python callback) -> adaptProxy (unless a
proxy is given: without one, the mean of the adaptations of the 3 fixture devices closest to the
measurements, the adaptation suggestSamples' estimate and `hwnas-bench suggest` measure) -> the
cross-validated estimate and what more samples would add (`moreSamples`) -> the predictor, saved in
the state dir under the device's name.

A measuring command (`--measure-cmd`, e.g. one that copies the ONNX files to a phone and times
them there) is run through the shell with `{archs}` replaced by a file of architectures (one per
line) and `{out}` by the samples CSV it must write (`arch,latency_ms`); `{space}` is the space.
A command that starts hwnasd itself (e.g. `hwnas measure`) must give it a state dir of its own
(`XDG_DATA_HOME=...`): the loop's daemon holds the lock on its state dir while the command runs.

Stdlib only (measuring here needs onnxruntime: the `[measure]` extra).
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import textwrap

from .cli import state_arg
from .samples import samples_from_csv, unwritable

__all__ = ["new_device", "NewDeviceError", "cli_main", "summary"]


class NewDeviceError(Exception):
    """A step of the loop failed (the measuring command, an empty measurement)."""


def _say(progress, step, total, message):
    if progress is None:
        return
    if callable(progress):
        progress({"step": step, "total": total, "message": message})
    else:
        progress.write(f"new-device: [{step}/{total}] {message}\n")
        progress.flush()


def _measure_with_command(command, space, archs, workdir):
    archs_path = os.path.join(workdir, "archs.txt")
    out_path = os.path.join(workdir, "measured.csv")
    with open(archs_path, "w", encoding="utf-8") as f:
        f.write("\n".join(str(a) for a in archs) + "\n")
    line = (command.replace("{archs}", shlex.quote(archs_path)).replace("{out}", shlex.quote(out_path))
            .replace("{space}", shlex.quote(space)))
    r = subprocess.run(line, shell=True, capture_output=True, text=True)
    if r.returncode != 0:
        said = (r.stderr.strip() or r.stdout.strip())[-500:]
        raise NewDeviceError(f"the measuring command exited with {r.returncode}: "
                             + (said or f"it printed nothing; the command run was: {line}"))
    if not os.path.exists(out_path):
        raise NewDeviceError("the measuring command wrote no samples CSV at {out}")
    return samples_from_csv(out_path)


def new_device(client, space, name, budget, *, proxy=None, measure_cmd=None, measure_fn=None, proxies=None,
               measured=None, repeats=10, passes=2, warmup=3, threads=1, seed=0, estimate=True, save=True,
               samples_out=None, progress=None, ensemble=3):
    """Runs the loop for a new device `name` of `space` with `budget` measurements; returns
    {"suggested", "samples", "suggestion", "adaptation", "predictor", "proxy", "proxies"}.

    `measure_fn(archs) -> [latency_ms]` (or a samples list) measures on another device; else
    `measure_cmd` (a shell command, see the module doc); else onnxruntime here (`hwnas.measure`,
    `repeats` timed runs x `passes`). `measured`: samples already taken (sequential use: the
    suggestions keep away from them and they join the fit). `proxy`: adaptProxy's proxy; default none:
    adaptProxy averages the adaptations of the `ensemble` (3) fixture devices closest to the measurements
    (log-latency correlation, suggestSamples' `bestProxy` rule), chosen among `proxies` when given ("proxies"
    in the result: the members, closest first). `progress`: a stream for lines, or a callable of
    {step, total, message}."""
    total = 4
    prior = list(measured or [])
    _say(progress, 1, total, f"suggesting {budget} {space} architectures to measure")
    params = {"space": space, "count": int(budget), "seed": int(seed), "estimate": bool(estimate)}
    if proxies:
        params["proxies"] = list(proxies)
    if prior:
        params["measured"] = prior
    suggestion = client.call("suggestSamples", params)
    archs = suggestion["archs"]
    if "expectedSRCC" in suggestion:
        _say(progress, 1, total, f"expected SRCC from these (other devices as the new one): {suggestion['expectedSRCC']:.3f}")
    _say(progress, 2, total, f"measuring {len(archs)} architectures on {name}")
    if measure_fn is not None:
        values = list(measure_fn(list(archs)))
        if len(values) != len(archs):
            raise NewDeviceError(f"measure_fn returned {len(values)} values for {len(archs)} architectures")
        samples = [v if isinstance(v, dict) else {"arch": a, "latency_ms": float(v)} for a, v in zip(archs, values)]
    elif measure_cmd:
        with tempfile.TemporaryDirectory(prefix="hwnas-new-device-") as workdir:
            samples = _measure_with_command(measure_cmd, space, archs, workdir)
    else:
        from .measure import measure
        rows = measure(space, archs, client=client, out=samples_out, repeats=repeats, passes=passes, warmup=warmup,
                       threads=threads, quiet=progress is None or callable(progress))["rows"]
        samples = [{"arch": r["arch"], "latency_ms": float(r["latency_ms"])} for r in rows]
    if not samples:
        raise NewDeviceError("no measurements")
    if samples_out and (measure_fn is not None or measure_cmd):
        from .samples import write_samples_csv
        write_samples_csv(samples_out, [{"arch": s["arch"], "latency_ms": s["latency_ms"]} for s in samples],
                          {"hwnas new-device": f"{name}, space {space}"}, ["arch", "latency_ms"])
    all_samples = prior + samples
    params = {"space": space, "target": {"name": name, "samples": all_samples}, "seed": int(seed), "save": bool(save)}
    if proxy is not None:
        params["proxy"] = proxy
        _say(progress, 3, total, f"adapting {proxy} to {name} from {len(all_samples)} samples")
    else:
        count = min(int(ensemble), len(proxies)) if proxies else int(ensemble)
        params["proxies"] = count
        if proxies:
            params["pool"] = list(proxies)
        _say(progress, 3, total, f"adapting the {count} fixture devices closest to {name} from {len(all_samples)} samples")
    adaptation = client.call("adaptProxy", params)
    members = [m["proxy"] for m in adaptation.get("ensemble") or []] or [adaptation["proxy"]]
    if proxy is None:
        _say(progress, 3, total, f"averaged the adaptations of {', '.join(members)}")
    cv = (adaptation.get("crossValidated") or {}).get("spearman")
    more = adaptation.get("moreSamples")
    line = f"predictor {adaptation['predictor']}: cross-validated SRCC {cv:.3f}" if cv is not None else \
        f"predictor {adaptation['predictor']}: too few samples to cross-validate"
    if more:
        line += f"; with {more['count']} more samples expect {more['expectedSRCC']:.3f}"
    _say(progress, 4, total, line + (f" (saved: {adaptation['path']})" if adaptation.get("path") else ""))
    return {"predictor": adaptation["predictor"], "proxy": adaptation["proxy"], "proxies": members, "suggested": archs,
            "samples": all_samples, "suggestion": suggestion, "adaptation": adaptation}


EXAMPLE = "hwnas new-device --space nb201 --name mycpu --budget 10"  # the README's


def _parser():
    p = argparse.ArgumentParser(prog="hwnas new-device", description=textwrap.fill(
        "Suggest architectures to measure on a new device, measure them (onnxruntime here, or --measure-cmd), "
        "adapt a proxy device's predictor to them, report the estimate, save the predictor under --name."),
        epilog=f"example:\n  {EXAMPLE}", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--space", required=True, help="nb201, fbnet, ofa_mbv3 (a space with measured fixture devices)")
    p.add_argument("--name", required=True, help="the new device's name: the saved predictor's id")
    p.add_argument("--budget", required=True, type=int, help="how many architectures to measure")
    p.add_argument("--proxy", help="adaptProxy's proxy (default: the mean of the adaptations of the fixture devices "
                                   "closest to the measurements, --ensemble of them)")
    p.add_argument("--ensemble", type=int, default=3, metavar="N",
                   help="without --proxy: how many closest fixture devices to adapt and average (default 3)")
    p.add_argument("--proxies", action="append", metavar="NAME",
                   help="devices/predictors that place the candidates and, without --proxy, the ones the closest are "
                        "chosen from (default all fixture devices); may repeat")
    p.add_argument("--measure-cmd", metavar="CMD",
                   help="measure on another device: a shell command with {archs} (input file), {out} (samples CSV to write), {space}")
    p.add_argument("--samples-from", metavar="FILE", help="samples already measured on this device (a samples CSV)")
    p.add_argument("--samples-out", metavar="FILE", help="also write the new measurements to this samples CSV")
    p.add_argument("--repeats", type=int, default=10, help="timed runs per network per pass, measuring here (default 10)")
    p.add_argument("--passes", type=int, default=2, help="passes, measuring here (default 2)")
    p.add_argument("--warmup", type=int, default=3, help="warm-up runs, measuring here (default 3)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-estimate", action="store_true", help="skip suggestSamples' expectedSRCC (faster)")
    p.add_argument("--no-save", action="store_true", help="keep the predictor in memory only")
    p.add_argument("--state", type=state_arg, help="the daemon's state dir")
    p.add_argument("--json", action="store_true", help="print the result as JSON (the default when stdout is not a terminal)")
    p.add_argument("--human", action="store_true", help="print the human summary even when stdout is not a terminal")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p


def _usage_problem(args):
    """What makes the command line unusable (None: nothing): no architectures to measure, or a
    --samples-out the measurements could not be written to."""
    if args.budget < 1:
        return "--budget: measure at least 1 architecture"
    problem = unwritable(args.samples_out) if args.samples_out else None
    return f"--samples-out: {problem}" if problem else None


def cli_main(argv, ctx=None):
    """`hwnas new-device ...` as a local command of hwnas.cli; returns the exit code."""
    from .client import HwnasClient, HwnasError
    import json
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    state = args.state or (ctx.state if ctx is not None else None)
    quiet = args.quiet or (ctx is not None and ctx.quiet)
    out = ctx.stdout if ctx is not None else sys.stdout
    err = ctx.stderr if ctx is not None else sys.stderr
    # A bad command line (exit 2) is found before anything is suggested or measured.
    prior, problem = None, _usage_problem(args)
    if not problem and args.samples_from:
        try:
            prior = samples_from_csv(args.samples_from)
        except (OSError, ValueError) as e:
            problem = f"--samples-from: {e}"
    if problem:
        err.write(f"hwnas new-device: {problem}\n")
        return 2
    try:
        with HwnasClient(state=state, client_name="hwnas-new-device") as client:
            r = new_device(client, args.space, args.name, args.budget, proxy=args.proxy, proxies=args.proxies, ensemble=args.ensemble,
                           measure_cmd=args.measure_cmd, measured=prior, repeats=args.repeats, passes=args.passes,
                           warmup=args.warmup, seed=args.seed, estimate=not args.no_estimate, save=not args.no_save,
                           samples_out=args.samples_out, progress=None if quiet else err)
    except HwnasError as e:
        err.write(f"hwnas new-device: error {e.code}: {e.message}\n")
        return 1
    except (NewDeviceError, OSError, ValueError) as e:
        err.write(f"hwnas new-device: {e}\n")
        return 1
    wants_json = args.json or (not args.human and (ctx.wants_json() if ctx is not None else not out.isatty()))
    out.write(json.dumps(r) + "\n" if wants_json else summary(args.name, args.space, r))
    out.flush()
    return 0


def summary(name, space, r):
    """The human summary of a new_device result (what `hwnas new-device` prints on a terminal)."""
    a = r["adaptation"]
    cv = (a.get("crossValidated") or {}).get("spearman")
    more = a.get("moreSamples")
    source = r["proxy"] if len(r["proxies"]) == 1 else "the mean of " + ", ".join(r["proxies"])
    text = (f"new device {name} ({space}): predictor {r['predictor']}, adapted from {source} "
            f"on {len(r['samples'])} measurements\n")
    if cv is not None:
        text += f"  cross-validated SRCC {cv:.3f}" + (f"; {more['count']} more samples: expected {more['expectedSRCC']:.3f}"
                                                     if more else "") + "\n"
    if not a.get("path"):  # --no-save: a later command's daemon will not know the predictor
        return text + "  not saved (--no-save): run again without it to search with the predictor\n"
    return text + f"  saved: {a['path']}\n  use it: hwnas search --space {space} --predictor {r['predictor']} --budget MS\n"


if __name__ == "__main__":
    sys.exit(cli_main(sys.argv[1:]))
