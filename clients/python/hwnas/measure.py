"""Measure real networks on this machine: export them through hwnasd (`export`, ONNX) and time
each with onnxruntime, then write a samples CSV that `train`, `finetune` and `adaptProxy` take.

    from hwnas.measure import measure
    result = measure(space="nb201", sample=50, repeats=10, passes=3, out="samples.csv")
    result["rows"][0]     # {"arch": ..., "latency_ms": ..., "spread_pct": ..., "pass1_ms": ...}

Method: batch 1, a fixed intra-op thread count (default 1) and one inter-op thread, sequential
execution, full graph optimization on the CPU provider. Each network gets `warmup` untimed runs,
then `repeats` timed runs; its pass latency is their median and its spread their interquartile
range relative to the median. A shared machine has bursts of load, so the whole list is measured
`passes` times, each pass in a new shuffled order (seeded), and the reported latency is the
median of the pass medians. Networks are exported in chunks per pass and deleted after they are
timed, so disk use stays at one chunk. onnxruntime (and numpy, which it brings) is an optional
dependency: `python3 -m pip install onnxruntime`.

ONNX files already exported (`hwnas export --dir onnx/`, copied to the device) are timed as they
are with `files`/`--onnx`: each file names its space and architecture in its metadata
(`hwnasd.space`, `hwnasd.arch`: protocol/export.md), so no daemon is started for them, and the
device needs only Python and onnxruntime.

Command line (also `hwnas measure ...`):
    python3 -m hwnas.measure --space nb201 --sample 100 --out samples.csv
    python3 -m hwnas.measure --space ofa_mbv3 --archs-from archs.txt --repeats 10 --passes 3 --out s.csv
    python3 -m hwnas.measure --onnx onnx/ --out samples.csv
"""
import argparse
import datetime
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import textwrap
import time

from . import onnxmeta
from .cli import state_arg
from .client import HwnasClient
from .samples import read_arch_list, unwritable, write_samples_csv

__all__ = ["MeasureError", "measure", "cpu_description", "own_priority", "read_arch_list", "main", "cli_main"]

INSTALL_HINT = "onnxruntime is not installed: run `python3 -m pip install onnxruntime` (it brings numpy)"


EXAMPLE = "hwnas measure --space nb201 --sample 50 --out samples.csv"  # the README's, about a minute


class MeasureError(Exception):
    """A measurement that cannot run (onnxruntime missing, no architectures, a bad file)."""


def _onnxruntime():
    try:
        import numpy
        import onnxruntime
    except ImportError as e:
        raise MeasureError(f"{INSTALL_HINT} ({e})") from None
    return onnxruntime, numpy


def cpu_description():
    """The CPU model as /proc/cpuinfo names it, with family/model and the logical CPU count."""
    name, family, model = platform.processor() or platform.machine(), None, None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key == "model name" and value:
                    name = value
                elif key == "cpu family" and family is None:
                    family = value
                elif key == "model" and model is None:
                    model = value
    except OSError:
        pass
    parts = [name]
    if family is not None:
        parts.append(f"family {family} model {model}")
    parts.append(f"{os.cpu_count()} logical CPUs")
    return ", ".join(parts)


def _load():
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _nice():
    """The process's nice value, and its autogroup's where the kernel groups by session."""
    try:
        text = str(os.getpriority(os.PRIO_PROCESS, 0))
    except (AttributeError, OSError):
        return "unknown"
    try:
        with open("/proc/self/autogroup", encoding="utf-8") as f:
            text += f" (session autogroup nice {f.read().split()[-1]})"
    except (OSError, IndexError):
        pass
    return text


def own_priority(nice):
    """Runs this process in a session of its own at `nice` (for a shared machine: builds sharing
    the pinned core then preempt the timed runs less). With autogroup scheduling (Linux's default
    on many kernels) a thread's nice only counts inside its session's group, so the new session's
    group gets the same nice (/proc/self/autogroup). Negative values need root. Call it before
    the daemon starts (it inherits the session and the priority)."""
    if os.getsid(0) != os.getpid():
        try:
            os.setsid()
        except OSError:  # a process-group leader cannot: start again under setsid(1)
            spec = getattr(sys.modules.get("__main__"), "__spec__", None)
            again = ["-m", spec.name] + sys.argv[1:] if spec is not None and spec.name else sys.argv
            os.execvp("setsid", ["setsid", "--wait", sys.executable] + again)
    os.setpriority(os.PRIO_PROCESS, 0, nice)
    try:
        with open("/proc/self/autogroup", "w", encoding="utf-8") as f:
            f.write(str(nice))
    except OSError:
        pass


def _time_network(ort, np, path, threads, warmup, repeats, batch, rng_seed):
    """Per-run latencies (ms) of one ONNX file: a new session, `warmup` untimed runs, `repeats` timed."""
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    session = ort.InferenceSession(path, sess_options=so, providers=["CPUExecutionProvider"])
    feed = {}
    rng = np.random.default_rng(rng_seed)
    for inp in session.get_inputs():
        shape = [d if isinstance(d, int) and d > 0 else batch for d in inp.shape]
        feed[inp.name] = rng.standard_normal(shape, dtype=np.float32)
    for _ in range(warmup):
        session.run(None, feed)
    times = []
    clock = time.perf_counter
    for _ in range(repeats):
        t0 = clock()
        session.run(None, feed)
        times.append((clock() - t0) * 1000.0)
    return times


def _relative_iqr(times):
    q = statistics.quantiles(times, n=4, method="inclusive") if len(times) > 1 else [times[0]] * 3
    med = statistics.median(times)
    return (q[2] - q[0]) / med if med > 0 else 0.0


class _Progress:
    """Progress on stderr (a rewritten line on a terminal, a line every few seconds otherwise)
    and through an optional callback({pass, passes, done, total, rate})."""

    def __init__(self, total, passes, callback=None, stream=sys.stderr, quiet=False):
        self.total, self.passes, self.callback, self.stream, self.quiet = total, passes, callback, stream, quiet
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, pass_index, done):
        overall = pass_index * self.total + done
        elapsed = time.monotonic() - self.start
        rate = overall / elapsed if elapsed > 0 else 0.0
        value = {"pass": pass_index + 1, "passes": self.passes, "done": done, "total": self.total,
                 "networksPerSecond": rate}
        if self.callback:
            self.callback(value)
        if self.quiet:
            return
        now = time.monotonic()
        last = done == self.total and pass_index + 1 == self.passes
        if not self.tty and now - self.last < 5 and not last:
            return
        self.last = now
        left = self.total * self.passes - overall
        eta = f", {left / rate:.0f} s left" if rate > 0 and left else ""
        line = f"measure: pass {pass_index + 1}/{self.passes} {done}/{self.total} networks, {rate:.2f}/s{eta}"
        self.stream.write(("\r" + line + ("\n" if last else "")) if self.tty else line + "\n")
        self.stream.flush()


def measure(space=None, archs=None, *, files=None, sample=None, sample_seed=0, client=None, out=None, threads=1,
            repeats=20, warmup=3, passes=3, seed=0, batch=1, chunk=16, export_options=None,
            progress=None, quiet=False, extra_meta=None):
    """Times networks of `space` with onnxruntime on this machine: `archs` (and/or `sample` random
    ones drawn by the daemon with `sample_seed`), exported through hwnasd, and `files`, ONNX files
    hwnasd exported earlier (paths; a folder means its *.onnx files), timed as they are.

    Returns {"rows": [{arch, latency_ms, spread_pct, pass_spread_pct, pass1_ms, ...}], "meta": {...},
    "columns": [...]} and writes a samples CSV to `out` when given; rows timed from `files` also
    name their `file`. `space` may be None when only `files` are given (theirs is used). `client`
    is an HwnasClient (one is started when None and something must be exported). `export_options`
    adds params to `export` (e.g. {"weights": "zeros"}). `progress` receives {pass, passes, done,
    total, networksPerSecond} after each network."""
    ort, np = _onnxruntime()
    if passes < 1 or repeats < 1 or warmup < 0 or threads < 1 or chunk < 1:
        raise MeasureError("passes, repeats, threads and chunk must be >= 1 and warmup >= 0")
    # Files first: a file of another space or batch is refused before anything is exported or timed.
    try:
        networks = onnxmeta.exported_networks(files or [])
    except (OSError, onnxmeta.NotAnExport) as e:
        raise MeasureError(str(e)) from None
    file_paths, infos = [f for f, _ in networks], [i for _, i in networks]
    spaces = sorted({i["space"] for i in infos})
    if len(spaces) > 1 or (spaces and space is not None and spaces[0] != space):
        named = ", ".join(f"{os.path.basename(f)}: {i['space']}" for f, i in zip(file_paths, infos)
                          if space is None or i["space"] != space)
        what = f"not of space {space}" if space is not None else f"of {len(spaces)} spaces"
        raise MeasureError(f"the ONNX files are {what} ({named}); one samples CSV holds one space: "
                           "measure each space on its own")
    if space is None:
        if not spaces:
            raise MeasureError("no space: give space (--space) with archs or sample")
        space = spaces[0]
    # The files' batch sizes, and the one archs/sample are exported at.
    batches = {i["batch"] for i in infos} | ({batch} if archs or sample else set())
    if len(batches) > 1:
        raise MeasureError(f"the networks have batch sizes {', '.join(map(str, sorted(batches)))}; "
                           "one samples CSV holds one batch size: measure them separately")
    if batches:
        batch = batches.pop()
    own_client = client is None and bool(archs or sample)
    if own_client:
        client = HwnasClient()
    try:
        archs = list(archs or [])
        if sample:
            archs += client.sample(space=space, count=int(sample), seed=int(sample_seed))["archs"]
        if not archs and not file_paths:
            raise MeasureError("no architectures to measure: give archs (--archs-from FILE), sample (--sample N) "
                               "or files (--onnx PATH)")
        # Canonical, de-duplicated: the daemon's own string for each (an index or object becomes a string).
        seen, unique = set(), []
        for a in archs:
            key = str(a)
            if key not in seen:
                seen.add(key)
                unique.append(a)
        archs = unique
        # Items: (arch, None) exported here, then (arch, path) timed as the file is.
        items = [(a, None) for a in archs] + [(i["arch"], f) for f, i in zip(file_paths, infos)]
        n = len(items)
        load_before = _load()
        started = datetime.datetime.now(datetime.timezone.utc)
        pass_times = [[None] * n for _ in range(passes)]
        pass_spreads = [[None] * n for _ in range(passes)]
        canonical = [None] * n
        export_s = run_s = 0.0
        reporter = _Progress(n, passes, progress, quiet=quiet)
        workdir = tempfile.mkdtemp(prefix="hwnas-measure-")
        try:
            for p in range(passes):
                order = list(range(n))
                random.Random(seed * 1_000_003 + p).shuffle(order)
                done = 0
                for start in range(0, n, chunk):
                    idx = order[start:start + chunk]
                    paths = {i: items[i][1] for i in idx if items[i][1] is not None}
                    to_export = [i for i in idx if items[i][1] is None]
                    if to_export:
                        params = dict(export_options or {})
                        params.update(space=space, archs=[items[i][0] for i in to_export], format="onnx", dir=workdir,
                                      batch=batch)
                        t0 = time.perf_counter()
                        exported = client.call("export", params)["files"]
                        export_s += time.perf_counter() - t0
                        for i, f in zip(to_export, exported):
                            canonical[i] = f.get("arch", items[i][0])
                            paths[i] = f["path"]
                    for i in idx:
                        if items[i][1] is not None:
                            canonical[i] = items[i][0]
                        t0 = time.perf_counter()
                        times = _time_network(ort, np, paths[i], threads, warmup, repeats, batch, seed)
                        run_s += time.perf_counter() - t0
                        pass_times[p][i] = statistics.median(times)
                        pass_spreads[p][i] = _relative_iqr(times)
                        if items[i][1] is None:  # our own export, not the caller's file
                            try:
                                os.remove(paths[i])
                            except OSError:
                                pass
                        done += 1
                        reporter.update(p, done)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        rows = []
        for i in range(n):
            meds = [pass_times[p][i] for p in range(passes)]
            latency = statistics.median(meds)
            row = {"arch": canonical[i], "latency_ms": f"{latency:.6g}",
                   "spread_pct": f"{100 * statistics.median(pass_spreads[p][i] for p in range(passes)):.3g}",
                   "pass_spread_pct": f"{100 * (max(meds) - min(meds)) / latency:.3g}" if latency > 0 else "0"}
            for p in range(passes):
                row[f"pass{p + 1}_ms"] = f"{meds[p]:.6g}"
            if file_paths:
                row["file"] = items[i][1] or ""
            rows.append(row)
        columns = ["arch", "latency_ms", "spread_pct", "pass_spread_pct"] + [f"pass{p + 1}_ms" for p in range(passes)]
        columns += ["file"] if file_paths else []
        noise = statistics.median(float(r["spread_pct"]) for r in rows)
        pass_noise = statistics.median(float(r["pass_spread_pct"]) for r in rows)
        try:
            affinity = ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
        except (AttributeError, OSError):
            affinity = "unknown"
        meta = {
            "hwnas measure": f"space {space}, {n} networks" + (f" ({len(file_paths)} from ONNX files)" if file_paths else ""),
            "space": space,
            "runtime": f"onnxruntime {ort.__version__} (CPUExecutionProvider, ORT_ENABLE_ALL, sequential)",
            "threads": f"{threads} intra-op, 1 inter-op",
            "cpu": cpu_description(),
            "cpu_affinity": affinity,
            "nice": _nice(),
            "date": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "batch": batch,
            "method": (f"{warmup} warm-up + {repeats} timed runs per network per pass (median; spread_pct = "
                       f"interquartile range / median); {passes} passes in shuffled order (seed {seed}); "
                       f"latency_ms = median of the pass medians; pass_spread_pct = (max - min) / median of them"),
            "repeats": repeats,
            "warmup": warmup,
            "passes": passes,
            "noise_median_spread_pct": f"{noise:.3g}",
            "noise_median_pass_spread_pct": f"{pass_noise:.3g}",
            "export_s": f"{export_s:.2f}",
            "run_s": f"{run_s:.2f}",
            "load_before": load_before,
            "load_after": _load(),
        }
        meta.update(extra_meta or {})
        if out:
            write_samples_csv(out, rows, meta, columns)
        return {"rows": rows, "meta": meta, "columns": columns}
    finally:
        if own_client:
            client.close()


def _parser():
    p = argparse.ArgumentParser(prog="hwnas measure", description=textwrap.fill(
        "Export architectures through hwnasd and time them with onnxruntime on this machine; "
        "writes a samples CSV (arch,latency_ms,...) for train/finetune/adaptProxy (--samples-from). "
        "--onnx times files `hwnas export` wrote (e.g. copied to the device) as they are, without "
        "a daemon: only Python and onnxruntime are needed there."),
        epilog=f"example:\n  {EXAMPLE}", formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--space", help="nb201, fbnet, ofa_mbv3, mbv2, proxyless (with --onnx alone: the files' own)")
    p.add_argument("--archs-from", action="append", default=[], metavar="FILE",
                   help="architectures: one per line, a CSV with an arch/arch_str/op_idx_list column, or JSON (a list, or a search/generate/sample result) (may repeat)")
    p.add_argument("--sample", type=int, default=0, metavar="N", help="add N random architectures (hwnas/sample)")
    p.add_argument("--onnx", action="append", default=[], metavar="PATH",
                   help="ONNX files hwnas export wrote, timed as they are: a file, or a folder's *.onnx (may repeat)")
    p.add_argument("--sample-seed", type=int, default=0)
    p.add_argument("--out", required=True, metavar="FILE", help="the samples CSV to write")
    p.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads (default 1)")
    p.add_argument("--repeats", type=int, default=20, help="timed runs per network per pass (default 20)")
    p.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    p.add_argument("--passes", type=int, default=3, help="passes over the list, each shuffled (default 3)")
    p.add_argument("--seed", type=int, default=0, help="shuffle and input seed (default 0)")
    p.add_argument("--chunk", type=int, default=16, help="networks exported per export call (default 16)")
    p.add_argument("--cpu", type=int, action="append", metavar="N",
                   help="pin this process and the daemon to CPU N (may repeat), like taskset -c")
    p.add_argument("--nice", type=int, metavar="N",
                   help="run at this priority in a session of its own (e.g. -15, as root, on a shared machine)")
    p.add_argument("--export", default=None, metavar="JSON", help='extra export params, e.g. \'{"weights":"zeros"}\'')
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("--state", metavar="DIR", type=state_arg, help="the daemon's state dir (as every hwnas command takes; measure only exports)")
    p.add_argument("--json", action="store_true", help="print the result (rows and metadata) as JSON on stdout")
    p.add_argument("--human", action="store_true", help="print only the one-line summary on stderr (the default)")
    return p


def _usage_problem(args):
    """What makes the command line unusable before anything is exported or timed (None: nothing):
    no architectures, an --archs-from file or --onnx path that is not there, no --space to export
    in, an --out folder that is not there."""
    if not args.archs_from and args.sample <= 0 and not args.onnx:
        return "no architectures to measure: give --archs-from FILE, --sample N (N > 0) and/or --onnx PATH"
    for path in args.archs_from:
        if not os.path.isfile(path):
            return f"--archs-from {path}: no such file"
    try:
        onnxmeta.onnx_files(args.onnx)
    except OSError as e:
        return f"--onnx {e}"
    if (args.archs_from or args.sample > 0) and not args.space:
        return "--space is required with --archs-from or --sample (the space to export the architectures in)"
    problem = unwritable(args.out)
    return f"--out: {problem}" if problem else None


def main(argv=None):
    """`hwnas measure ...`: returns the exit code (0, 1 on an error, 2 on bad usage)."""
    import json
    parser = _parser()
    args = parser.parse_args(argv)
    problem = _usage_problem(args)
    if problem:
        parser.error(problem)  # exit 2, before the minutes of timing an --out it could not write
    try:
        if args.cpu:
            os.sched_setaffinity(0, set(args.cpu))
        if args.nice is not None:
            own_priority(args.nice)
        archs = []
        for path in args.archs_from:
            archs += read_arch_list(path)
        export = json.loads(args.export) if args.export else None
        client = HwnasClient(state=args.state) if args.state else None
        try:
            result = measure(args.space, archs, files=args.onnx, sample=args.sample, sample_seed=args.sample_seed, out=args.out,
                             threads=args.threads, repeats=args.repeats, warmup=args.warmup, passes=args.passes,
                             seed=args.seed, chunk=args.chunk, export_options=export, quiet=args.quiet, client=client)
        finally:
            if client is not None:
                client.close()
    except (MeasureError, OSError, ValueError) as e:
        sys.stderr.write(f"hwnas measure: {e}\n")
        return 1
    except Exception as e:  # an HwnasError from the daemon
        if type(e).__name__ == "HwnasError":
            sys.stderr.write(f"hwnas measure: error {e.code}: {e.message}\n")
            return 1
        raise
    m = result["meta"]
    if args.json:
        sys.stdout.write(json.dumps({"out": os.path.abspath(args.out), **result}) + "\n")
    sys.stderr.write(f"hwnas measure: wrote {args.out}: {len(result['rows'])} networks, median spread "
                     f"{m['noise_median_spread_pct']}% within a pass, {m['noise_median_pass_spread_pct']}% across "
                     f"passes; export {m['export_s']} s, runs {m['run_s']} s\n")
    return 0


def cli_main(argv, ctx=None):
    """`hwnas measure` as a local command of hwnas.cli (ctx unused: measure starts its own daemon)."""
    del ctx
    return main(argv)


if __name__ == "__main__":
    sys.exit(main())
