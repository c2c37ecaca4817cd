"""Sweeps over a pool of hwnasd daemons run as Ray actors (install with the `ray` extra).

    import ray
    from hwnas.ray import sweep_search
    ray.init()                                   # or ray.init(address="auto") on a cluster
    table = sweep_search(["nb201"], ["pixel3", "eyeriss"], [4, 8], generations=100)
    print(table.to_frame())                      # a list of dicts; a DataFrame with pandas

Each actor owns one `hwnasd` subprocess with its own temporary state directory. Predictor and
generator files reach the actors through Ray's object store (`ray.put` of their bytes), never
through a shared disk. Scheduling (`ActorPool`), retries (`max_task_retries`) and restarts
(`max_restarts`) are Ray's: an actor whose daemon dies exits, Ray starts it again (files
re-shipped from its creation arguments) and re-runs the task it was running. A daemon's error
answer (unknown device, infeasible budget) is a result: it fills that cell, the sweep goes on.

The module is pickled by value (cloudpickle), so cluster nodes need Ray and the `hwnasd` binary
(`binary=`, else `$HWNASD` on the node, else `hwnasd` on its PATH) but not this package.
Documentation/ray.md has the details and the cost model.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

import ray
import ray.cloudpickle
from ray.util.actor_pool import ActorPool

from .client import DaemonExited, HwnasClient, HwnasError, decode_f32, default_binary

__all__ = ["DaemonPool", "SweepTable", "sweep_search", "iter_sweep_search", "predict_many", "train_defaults"]

# Nodes of a cluster need not have this package installed: ship its code with the actor class.
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
ray.cloudpickle.register_pickle_by_value(sys.modules[HwnasClient.__module__])

#: Error code (client-side, not a daemon code) of a cell that Ray could not finish: its actor
#: died more often than `max_restarts` / `max_task_retries` allow.
ACTOR_LOST = -32098
#: What the client raises for a daemon that is gone (DaemonExited).
_DAEMON_GONE = (DaemonExited.CODE,)


@dataclass(frozen=True)
class ShippedFile:
    """A predictor (`.hwnp`) or generator (`.hwng`) file on its way to the actors: its name,
    the digest of its bytes (actors load each digest once) and the object-store reference,
    wrapped in a list so that Ray hands the actor the reference, not the bytes."""

    name: str
    digest: str
    ref: list = field(compare=False)

    @property
    def kind(self) -> str:
        return "generators" if self.name.endswith(".hwng") else "predictors"


def ship(source: str | os.PathLike | tuple[str, bytes]) -> ShippedFile:
    """Puts a file's bytes in Ray's object store; `source` is a path or `(name, bytes)`."""
    if isinstance(source, tuple):
        name, data = source
    else:
        name = os.path.basename(os.fspath(source))
        with open(source, "rb") as f:
            data = f.read()
    if not name.endswith((".hwnp", ".hwng")):
        raise ValueError(f"{name}: expected a predictor (.hwnp) or generator (.hwng) file")
    return ShippedFile(name, hashlib.sha256(data).hexdigest(), [ray.put(data)])


class DaemonActor:
    """One hwnasd subprocess and its temporary state directory, inside a Ray actor."""

    def __init__(self, binary: str | None, fixtures: str | None, files: list[ShippedFile], args: tuple):
        actor_id = ray.get_runtime_context().get_actor_id() or f"pid{os.getpid()}"
        # The same directory across restarts of this actor: a restart removes what the killed
        # incarnation left behind and starts from the shipped files alone.
        self.state = os.path.join(tempfile.gettempdir(), f"hwnasd-ray-{actor_id}")
        shutil.rmtree(self.state, ignore_errors=True)
        os.makedirs(self.state)
        self.loaded: set[str] = set()
        for f in files:  # written before the daemon starts, which loads every file of its state
            self._write(f)
        self.log = open(os.path.join(self.state, "hwnasd.log"), "ab")
        self.client = HwnasClient(binary or default_binary(), args=args, state=self.state,
                                  fixtures=fixtures, stderr=self.log, client_name="hwnas.ray")

    def _write(self, f: ShippedFile) -> str:
        folder = os.path.join(self.state, f.kind)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f.name)
        tmp = path + ".part"
        with open(tmp, "wb") as out:
            out.write(ray.get(f.ref[0]))
        os.replace(tmp, path)
        self.loaded.add(f.digest)
        return path

    def _die_with_daemon(self) -> None:
        """A dead daemon means a dead actor: exiting lets Ray restart it and retry the task."""
        try:
            self.client.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return
        os._exit(1)

    def _guarded(self, work: Callable[[], Any], tag: Any) -> dict:
        """`{"ok": True, "result": ..., "tag": tag}` or `{"ok": False, "error": {code, message, data}, "tag": tag}`."""
        if self.client.proc.poll() is not None:
            self._die_with_daemon()
        try:
            return {"ok": True, "result": work(), "tag": tag}
        except OSError:  # a write to the pipe of a daemon that is gone
            self._die_with_daemon()
            raise
        except HwnasError as e:
            if e.code in _DAEMON_GONE:
                self._die_with_daemon()
            return {"ok": False, "error": {"code": e.code, "message": e.message, "data": e.data}, "tag": tag}

    def _load(self, f: ShippedFile) -> dict | None:
        """Writes and loads a shipped predictor this daemon lacks; its PredictorInfo, or None."""
        if f.digest in self.loaded:
            return None
        if f.kind == "generators":
            raise HwnasError(-32602, f"{f.name}: a generator is loaded when its daemon starts: "
                                     "give it to DaemonPool(files=...)")
        return self.client.load(self._write(f))

    def load_shipped(self, f: ShippedFile, tag: Any = None) -> dict:
        """Loads a shipped predictor (again, if it was) and answers its PredictorInfo."""
        self.loaded.discard(f.digest)
        return self._guarded(lambda: self._load(f), tag)

    def call(self, method: str, params: dict, files: list[ShippedFile] = (), tag: Any = None) -> dict:
        """Runs one request after loading the `files` this daemon lacks; predict's f32 output is decoded."""
        def work():
            for f in files:
                self._load(f)
            result = self.client.call(method, params)
            if method == "predict" and isinstance(result, dict) and "latency_ms_f32" in result:
                result["latency_ms"] = decode_f32(result.pop("latency_ms_f32"))
            return result
        return self._guarded(work, tag)

    def default_predictor(self, space: str, device: str, tag: Any = None) -> dict:
        """The device's default predictor, trained by the daemon's own first-use path, as
        `{"name": file name, "bytes": ...}`."""
        def work():
            arch = self.client.sample(space=space, count=1, seed=0)["archs"][0]
            self.client.predict(space=space, device=device, archs=[arch])
            path = self.client.save(f"default-{space}-{device}")["path"]
            with open(path, "rb") as f:
                return {"name": os.path.basename(path), "bytes": f.read()}
        return self._guarded(work, tag)

    def pids(self) -> dict:
        """The actor's and the daemon's process ids (tests kill them)."""
        return {"actor": os.getpid(), "daemon": self.client.proc.pid, "state": self.state}

    def close(self) -> None:
        """Shuts the daemon down and removes the state directory (again: nothing happens)."""
        if not self.log.closed:
            self.client.close()
            self.log.close()
            shutil.rmtree(self.state, ignore_errors=True)

    def __ray_shutdown__(self) -> None:
        """Ray's hook when the actor ends gracefully (its handles went out of scope)."""
        self.close()


class DaemonPool:
    """`size` DaemonActors (default: one per CPU of the Ray cluster), handed cells by Ray's ActorPool.

    files: predictor / generator files (paths or `(name, bytes)`) every daemon starts with;
    binary, fixtures, args: how the daemons are started (resolved on each node);
    max_restarts, max_task_retries: Ray's actor fault tolerance; num_cpus: per actor.
    Calls `ray.init()` when Ray is not initialized yet; use it as a context manager or close()."""

    def __init__(self, size: int | None = None, *, files: Iterable = (), binary: str | None = None,
                 fixtures: str | None = None, args: Iterable[str] = (), max_restarts: int = 4,
                 max_task_retries: int = 4, num_cpus: float = 1):
        if not ray.is_initialized():
            ray.init()
        if size is None:
            size = max(1, int(ray.cluster_resources().get("CPU", 1) // num_cpus))
        self.files = [f if isinstance(f, ShippedFile) else ship(f) for f in files]
        cls = ray.remote(DaemonActor).options(max_restarts=max_restarts, max_task_retries=max_task_retries,
                                              num_cpus=num_cpus)
        self.actors = [cls.remote(binary, fixtures, self.files, tuple(args)) for _ in range(size)]

    def imap_unordered(self, method: str, cells: dict, files: list[ShippedFile] = ()) -> Iterator[tuple[Any, dict]]:
        """Runs the request `method` with each cell's params (`cells`: {key: params}), the daemons
        loading `files` first when they lack them; yields `(key, outcome)` as cells finish, each
        key exactly once; outcome is `{"ok": True, "result": ...}` or `{"ok": False, "error": ...}`.
        A cell whose actor died more often than Ray may restart it gets an ACTOR_LOST error."""
        return self._imap(cells, lambda actor, params, i: actor.call.remote(method, params, files, i))

    def _imap(self, cells: dict, submit: Callable) -> Iterator[tuple[Any, dict]]:
        # An ActorPool per call: a sweep abandoned half-way leaves nothing queued for the next one
        # (its cells not yet handed out are dropped; an actor finishes its one running task first),
        # and two sweeps on one DaemonPool each see only their own results.
        pool = ActorPool(self.actors)
        keys = list(cells)
        for index, key in enumerate(keys):
            pool.submit(lambda actor, i: submit(actor, cells[keys[i]], i), index)
        left = set(range(len(keys)))
        while pool.has_next():
            try:
                outcome = pool.get_next_unordered()
            except ray.exceptions.RayError:  # retries exhausted: the lost cell is filled in below
                continue
            index = outcome.pop("tag")
            if index in left:  # Ray runs a task at least once; a cell is reported once
                left.remove(index)
                yield keys[index], outcome
        for index in sorted(left):
            yield keys[index], {"ok": False, "error": {"code": ACTOR_LOST, "data": None, "message":
                                "the actor running this cell died more often than max_restarts / max_task_retries allow"}}

    def close(self) -> None:
        """Shuts the daemons down and removes their state directories."""
        for actor in self.actors:
            try:
                ray.get(actor.close.remote())
            except ray.exceptions.RayError:
                pass  # it died for good: nothing left to shut down
            ray.kill(actor)
        self.actors = []

    def __enter__(self) -> DaemonPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- sweeps ---------------------------------------------------------------------------------
class SweepTable(list):
    """The rows of a sweep (dicts), in cell order; `to_frame()` makes a pandas DataFrame."""

    def to_frame(self):
        import pandas

        return pandas.DataFrame(list(self))

    def errors(self) -> list[dict]:
        """The rows whose daemon answered an error."""
        return [row for row in self if not row["ok"]]


class _Progress:
    """One bar over a whole sweep: tqdm when it is installed, else a line on stderr."""

    def __init__(self, total: int, enabled: bool, desc: str):
        self.total, self.done, self.errors, self.start = total, 0, 0, time.monotonic()
        self.bar = None
        self.enabled = enabled
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=total, desc=desc, unit="cell")

    def update(self, ok: bool) -> None:
        self.done += 1
        self.errors += not ok
        if self.bar is not None:
            self.bar.update(1)
            if self.errors:
                self.bar.set_postfix(errors=self.errors)
        elif self.enabled:
            end = "\n" if self.done == self.total else ""
            sys.stderr.write(f"\r{self.done}/{self.total} cells, {self.errors} errors, "
                             f"{time.monotonic() - self.start:.1f} s{end}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _listed(value) -> list:
    return [value] if isinstance(value, (str, int, float)) else list(value)


def _search_row(space: str, device: str, budget: float, outcome: dict) -> dict:
    row = {"space": space, "device": device, "budget_ms": budget, "ok": outcome["ok"]}
    result = outcome.get("result") or {}
    best = result.get("best") or {}
    row.update(arch=best.get("arch"), latency_ms=best.get("latency_ms"), accuracy=best.get("accuracy"),
               queries=result.get("queries"), elapsed_ms=result.get("elapsedMs"), predictor=result.get("predictor"))
    error = outcome.get("error") or {}
    row.update(error=error.get("message"), error_code=error.get("code"), result=outcome.get("result"))
    return row


def iter_sweep_search(spaces, devices, budgets, *, pool: DaemonPool | None = None, progress: bool = True,
                      **search_params) -> Iterator[dict]:
    """Yields one row per (space, device, budget) cell as its search finishes (see sweep_search)."""
    cells = {(sp, dev, b): dict(search_params, space=sp, device=dev, budget={"latency_ms": b})
             for sp in _listed(spaces) for dev in _listed(devices) for b in _listed(budgets)}
    owned = pool is None
    pool = pool or DaemonPool()
    bar = _Progress(len(cells), progress, "search sweep")
    try:
        for (sp, dev, b), outcome in pool.imap_unordered("search", cells):
            bar.update(outcome["ok"])
            yield _search_row(sp, dev, b, outcome)
    finally:
        bar.close()
        if owned:
            pool.close()


def sweep_search(spaces, devices, budgets, *, pool: DaemonPool | None = None, progress: bool = True,
                 on_result: Callable[[dict], None] | None = None, **search_params) -> SweepTable:
    """A `search` per (space, device, budget ms) cell over a DaemonPool (a new one, closed after,
    when `pool` is None); `search_params` (generations, seed, algorithm, ...) go to every search.

    Returns a SweepTable in cell order; each row has space, device, budget_ms, ok, arch,
    latency_ms, accuracy, queries, elapsed_ms, predictor, error, error_code and the full `result`.
    `on_result(row)` is called as each cell finishes; a daemon error fills its row (`ok` False)."""
    order = {(sp, dev, b): i for i, (sp, dev, b) in enumerate(
        (sp, dev, b) for sp in _listed(spaces) for dev in _listed(devices) for b in _listed(budgets))}
    rows: dict = {}
    for row in iter_sweep_search(spaces, devices, budgets, pool=pool, progress=progress, **search_params):
        rows[(row["space"], row["device"], row["budget_ms"])] = row
        if on_result is not None:
            on_result(row)
    return SweepTable(sorted(rows.values(), key=lambda r: order[(r["space"], r["device"], r["budget_ms"])]))


# -- predictors -----------------------------------------------------------------------------
def _raise_for(what: str, outcome: dict) -> Any:
    if not outcome["ok"]:
        e = outcome["error"]
        raise HwnasError(e["code"], f"{what}: {e['message']}", e["data"])
    return outcome["result"]


def train_defaults(space: str, devices, *, pool: DaemonPool | None = None, out_dir: str | None = None,
                   progress: bool = True) -> dict[str, str]:
    """Trains each fixture device's default predictor (`default-<space>-<device>`, by the
    daemon's own first-use recipe) across the pool and writes the files on the driver, in
    `out_dir` (default: a new temporary directory). Returns {device: path}, ready to ship with
    `DaemonPool(files=paths.values())`. Raises HwnasError for a device that fails."""
    devices = _listed(devices)
    out_dir = out_dir or tempfile.mkdtemp(prefix="hwnas-defaults-")
    os.makedirs(out_dir, exist_ok=True)
    owned = pool is None
    pool = pool or DaemonPool()
    bar = _Progress(len(devices), progress, f"default predictors ({space})")
    paths = {}
    try:
        cells = {dev: dev for dev in devices}
        for dev, outcome in pool._imap(cells, lambda actor, d, i: actor.default_predictor.remote(space, d, i)):
            bar.update(outcome["ok"])
            result = _raise_for(dev, outcome)
            path = os.path.join(out_dir, result["name"])
            with open(path + ".part", "wb") as f:
                f.write(result["bytes"])
            os.replace(path + ".part", path)
            paths[dev] = path
    finally:
        bar.close()
        if owned:
            pool.close()
    return {dev: paths[dev] for dev in devices}


def predict_many(space: str, source, archs: list, *, chunk: int = 10_000, pool: DaemonPool | None = None,
                 progress: bool = True) -> list[float]:
    """Latencies (ms, float32 precision) of `archs` in input order, `chunk` archs per request.

    source: a predictor file (path, or `(name, bytes)`), shipped once to each daemon through the
    object store; or a fixture device, whose default predictor is trained once on one actor
    (train_defaults) and shipped the same way; or the id of a predictor the daemons already hold
    (shipped with DaemonPool(files=...)). Raises HwnasError on an error answer (e.g. a bad arch)."""
    owned = pool is None
    pool = pool or DaemonPool()
    try:
        files, params = [], {"space": space}
        if isinstance(source, tuple) or (isinstance(source, (str, os.PathLike)) and os.path.isfile(source)):
            shipped = ship(source)
            files, params["predictor"] = [shipped], None
        elif any(f.name == f"{source}.hwnp" for f in pool.files):
            params["predictor"] = source
        else:
            path = train_defaults(space, [source], pool=pool, progress=False)[source]
            shipped = ship(path)
            shutil.rmtree(os.path.dirname(path), ignore_errors=True)
            files, params["predictor"] = [shipped], None
        if params["predictor"] is None:  # the id inside a shipped file: ask one daemon, once
            params["predictor"] = _predictor_id(pool, files[0])
        cells = {start: dict(params, archs=archs[start:start + chunk], output="f32-base64")
                 for start in range(0, len(archs), chunk)}
        bar = _Progress(len(cells), progress and len(cells) > 1, "predict")
        out: dict[int, list] = {}
        try:
            for start, outcome in pool.imap_unordered("predict", cells, files):
                bar.update(outcome["ok"])
                out[start] = _raise_for(f"archs[{start}:{start + chunk}]", outcome)["latency_ms"]
        finally:
            bar.close()
        return [x for start in sorted(out) for x in out[start]]
    finally:
        if owned:
            pool.close()


def _predictor_id(pool: DaemonPool, shipped: ShippedFile) -> str:
    """The id a predictor file registers under: what `load` answers on one daemon."""
    (_, outcome), = pool._imap({0: shipped}, lambda actor, f, i: actor.load_shipped.remote(f, i))
    return _raise_for(shipped.name, outcome)["predictor"]
