"""Stdlib-only Python client for hwnasd (JSON-RPC 2.0 over stdio, LSP framing).

    from hwnas import HwnasClient
    with HwnasClient() as c:                       # starts the daemon, sends initialize
        print(c.server_info["devices"][:3])
        vecs = c.encode(space="nb201", archs=[0, 1])["vectors"]
        r = c.search(space="nb201", device="pixel3", progress=print)   # progress callback
        req = c.start("search", {...})             # or iterate: for p in req.progress(): ...
        req.cancel()

Works in Jupyter: a reader thread does the I/O, calls block on futures; no asyncio loop.
"""
import array
import base64
import concurrent.futures
import itertools
import json
import os
import queue
import shutil
import subprocess
import sys
import threading

from .progress import make_progress
from .results import Result

__all__ = ["HwnasClient", "HwnasError", "DaemonExited", "Request", "decode_f32", "default_binary"]


class HwnasError(Exception):
    """A JSON-RPC error response: .code, .message, .data."""

    def __init__(self, code, message, data=None):
        super().__init__(f"{message} ({code})")
        self.code = code
        self.message = message
        self.data = data


class DaemonExited(HwnasError):
    """hwnasd stopped (or never started): .returncode and .stderr (the daemon's last output,
    e.g. its complaint about a bad option) are also in the message."""

    CODE = -32099

    def __init__(self, why, returncode=None, stderr=""):
        text = why if returncode is None else f"{why} (exit code {returncode})"
        if stderr.strip():
            text += ":\n" + stderr.strip()
        super().__init__(self.CODE, text)
        self.returncode = returncode
        self.stderr = stderr


def _checkout_root():
    """The source checkout holding this package (clients/python/hwnas/client.py), or None once installed."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    return root if os.path.exists(os.path.join(root, "Package.swift")) else None


def default_binary():
    """$HWNASD, else the checkout's .build/debug/hwnasd (or release) when run from a checkout,
    else hwnasd on PATH."""
    if os.environ.get("HWNASD"):
        return os.environ["HWNASD"]
    root = _checkout_root()
    for build in ("debug", "release") if root else ():
        cand = os.path.join(root, ".build", build, "hwnasd")
        if os.access(cand, os.X_OK):
            return cand
    return shutil.which("hwnasd") or "hwnasd"


def decode_f32(text):
    """Decodes predict's `latency_ms_f32` (base64 of little-endian float32) into a list of floats."""
    values = array.array("f", base64.b64decode(text))
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


class Request:
    """A request in flight: result(), cancel(), progress() iterator, done()."""

    def __init__(self, client, rid, method, token):
        self.client, self.id, self.method, self.token = client, rid, method, token
        self.future = concurrent.futures.Future()
        self._progress = queue.Queue()
        self.callback = None
        self.title = None  # the `begin` notification's title, once it arrived

    def result(self, timeout=None):
        """The result; raises HwnasError on an error response."""
        return self.future.result(timeout)

    def done(self):
        return self.future.done()

    def cancel(self):
        """Asks the daemon to cancel; result() then raises HwnasError(-32800) (or returns a partial result)."""
        self.client.notify("$/cancelRequest", {"id": self.id})

    def progress(self, timeout=None):
        """Yields progress values ({kind: report, step, total, ...}) until the request ends."""
        while True:
            try:
                item = self._progress.get(timeout=0.05 if timeout is None else timeout)
            except queue.Empty:
                if self.future.done() and self._progress.empty():
                    return
                if timeout is not None:
                    return
                continue
            if item is None:
                return
            yield item

    def _on_progress(self, value):
        """Routes one `$/progress` value: reports go to progress() and the callback; `begin` and
        `end` reach the callback's begin(title) / end() methods when it has them."""
        kind = value.get("kind")
        if kind == "begin":
            self.title = value.get("title")
            if self.callback is not None and hasattr(self.callback, "begin"):
                self.callback.begin(self.title)
        elif kind == "end":
            self._progress.put(None)
            if self.callback is not None and hasattr(self.callback, "end"):
                self.callback.end()
        elif kind == "report":
            self._progress.put(value)
            if self.callback:
                self.callback(value)


class HwnasClient:
    """Starts hwnasd as a subprocess and talks to it. One method per RPC plus call()/start()."""

    STDERR_KEEP = 16384  # characters of the daemon's stderr kept for error messages

    def __init__(self, binary=None, args=(), state=None, fixtures=None, initialize=True, stderr="capture",
                 client_name="hwnas"):
        """Starts `binary` (default: default_binary()) with `args`, `--state`, `--fixtures`.
        stderr: "capture" (default) keeps the daemon's last output for error messages (see
        DaemonExited); None inherits this process's stderr; or any Popen stderr value."""
        cmd = [binary or default_binary()] + list(args)
        if state:
            cmd += ["--state", os.fspath(state)]
        if fixtures:
            cmd += ["--fixtures", os.fspath(fixtures)]
        self._stderr_tail = ""
        capture = isinstance(stderr, str) and stderr == "capture"
        try:
            # A session of its own: Ctrl-C in a terminal reaches this process (which cancels the
            # request), not the daemon; the daemon exits when its stdin closes.
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE if capture else stderr, bufsize=0,
                                         start_new_session=True)
        except OSError as e:
            raise DaemonExited(f"cannot start hwnasd ({cmd[0]}): {e.strerror or e}; build it (swift build) "
                               "or set $HWNASD to its path") from None
        self._stderr_reader = None
        if capture:
            self._stderr_reader = threading.Thread(target=self._drain_stderr, name="hwnasd-stderr", daemon=True)
            self._stderr_reader.start()
        self._ids = itertools.count(1)
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pending = {}  # id -> Request
        self._by_token = {}  # token -> Request
        self._exited = None  # the DaemonExited once the daemon's stdout closed
        self._closed = False  # close() was called: later requests say so, not "hwnasd exited (exit code 0)"
        self.notifications = queue.Queue()  # other notifications
        self._reader = threading.Thread(target=self._read_loop, name="hwnasd-reader", daemon=True)
        self._reader.start()
        self.server_info = None
        if initialize:
            try:
                self.server_info = self.call("initialize", {"clientInfo": {"name": client_name}})
            except HwnasError:
                self._kill()
                raise

    # -- plumbing -------------------------------------------------------------------------
    def _drain_stderr(self):
        for line in iter(self.proc.stderr.readline, b""):
            self._stderr_tail = (self._stderr_tail + line.decode("utf-8", "replace"))[-self.STDERR_KEEP:]

    def stderr_text(self):
        """The daemon's last stderr output (empty unless stderr="capture")."""
        return self._stderr_tail

    def _exit_error(self, why="hwnasd exited"):
        """A DaemonExited carrying the exit code and stderr, once both are in (waits up to 2 s)."""
        try:
            code = self.proc.wait(2)
        except subprocess.TimeoutExpired:
            code = None
        if self._stderr_reader is not None:
            self._stderr_reader.join(2)
        return DaemonExited(why, code, self._stderr_tail)

    @staticmethod
    def _encode(message):
        """The JSON body of a message. NaN and Infinity are refused here (ValueError): JSON has no
        such values, json.dumps would write them anyway and the daemon would answer a parse error."""
        try:
            return json.dumps(message, separators=(",", ":"), allow_nan=False).encode("utf-8")
        except ValueError as e:
            raise ValueError(f"{message.get('method')} params contain NaN or Infinity, which JSON cannot "
                             f"carry; replace them with finite numbers (or null) before sending ({e})") from None

    def _send(self, message, body=None):
        body = self._encode(message) if body is None else body
        try:
            with self._write_lock:
                self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
                self.proc.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):  # ValueError: stdin already closed
            raise self._exited or self._exit_error() from None

    def _read_loop(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return self._fail_all("hwnasd exited")
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            body = self._read_exactly(out, length)
            if body is None:
                return self._fail_all("hwnasd exited")
            try:
                msg = json.loads(body)
            except ValueError:
                continue
            for m in msg if isinstance(msg, list) else [msg]:
                self._dispatch(m)

    @staticmethod
    def _read_exactly(out, length):
        """`length` bytes from the unbuffered pipe: one read returns at most what the pipe holds
        (64 KiB on Linux), so a large body takes several; None at end of file."""
        chunks, left = [], length
        while left > 0:
            chunk = out.read(left)
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def _dispatch(self, m):
        if "id" in m and ("result" in m or "error" in m):
            with self._lock:
                req = self._pending.pop(m["id"], None)
                if req is not None and req.token is not None:
                    self._by_token.pop(req.token, None)
            if req is None and m.get("id") is None and "error" in m:
                # An error the daemon could not tie to a request (e.g. a parse error): when exactly
                # one request is waiting, it is the one that failed.
                with self._lock:
                    if len(self._pending) == 1:
                        req = self._pending.popitem()[1]
                        if req.token is not None:
                            self._by_token.pop(req.token, None)
            if req is None:
                self.notifications.put(m)  # e.g. a parse error with a null id
                return
            req._progress.put(None)
            if "error" in m:
                e = m["error"]
                req.future.set_exception(HwnasError(e.get("code"), e.get("message"), e.get("data")))
            else:
                req.future.set_result(m.get("result"))
        elif m.get("method") == "$/progress":
            p = m.get("params", {})
            with self._lock:
                req = self._by_token.get(p.get("token"))
            if req is not None:
                req._on_progress(p.get("value", {}))
        else:
            self.notifications.put(m)

    def _fail_all(self, why):
        error = self._exit_error(why)
        with self._lock:
            self._exited = error
            pending, self._pending = self._pending, {}
        for req in pending.values():
            if not req.future.done():
                req.future.set_exception(error)
            req._progress.put(None)

    def _kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    # -- generic API ----------------------------------------------------------------------
    def start(self, method, params=None, progress=None, want_progress=False):
        """Sends a request and returns a Request at once. progress: a callback for report values
        (with optional begin(title)/end() methods), or True / "auto" / "tqdm" / "terminal" /
        "plain" for a ready-made renderer (see hwnas.progress.make_progress)."""
        progress = make_progress(progress)
        rid = next(self._ids)
        params = dict(params or {})
        token = None
        if progress is not None or want_progress:
            token = params.setdefault("progressToken", f"p{next(self._tokens)}")
        message = {"jsonrpc": "2.0", "id": rid, "method": method, "params": params}
        body = self._encode(message)  # before registering: a refused message leaves nothing pending
        req = Request(self, rid, method, token)
        req.callback = progress
        with self._lock:  # under the lock _fail_all takes, so no request is left waiting forever
            if self._closed and method not in ("shutdown", "exit"):
                raise DaemonExited(f"{method}: this HwnasClient is closed (close(), or the end of its `with` block); "
                                   "start a new one")
            if self._exited is not None:
                raise self._exited
            self._pending[rid] = req
            if token is not None:
                self._by_token[token] = req
        try:
            self._send(message, body)
        except DaemonExited:
            with self._lock:
                self._pending.pop(rid, None)
                self._by_token.pop(token, None)
            raise
        return req

    def call(self, method, params=None, progress=None, timeout=None):
        """Sends a request and waits for its result (raises HwnasError on error). progress: as
        in start(), e.g. progress=True for a bar. An object result is a hwnas.Result: the dict,
        plus to_frame()."""
        result = self.start(method, params, progress).result(timeout)
        return Result(result, method, params) if isinstance(result, dict) else result

    def notify(self, method, params=None):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self._send(msg)

    def cancel(self, request):
        """Cancels a Request (or a request id)."""
        self.notify("$/cancelRequest", {"id": request.id if isinstance(request, Request) else request})

    def close(self, timeout=10):
        """shutdown + exit; returns the daemon's exit code."""
        self._closed = True
        if self.proc.poll() is None:
            try:
                self.call("shutdown", timeout=timeout)
            except (HwnasError, OSError, concurrent.futures.TimeoutError):
                pass  # e.g. already shut down: the daemon still waits for exit
            try:
                self.notify("exit")
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- one method per RPC (params as keyword arguments, see protocol/PROTOCOL.md) --------
    def list_devices(self, **p): return self.call("hwnas/listDevices", p)
    def list_predictors(self, **p): return self.call("hwnas/listPredictors", p)

    def iter_predictors(self, page=500, **p):
        """Every predictor (of `space`/`device` when given), sorted by id, fetched `page` at a time
        (`hwnas/listPredictors` with `limit` and `after`): for state directories with thousands."""
        after = None
        while True:
            r = self.call("hwnas/listPredictors", dict(p, limit=page, **({"after": after} if after else {})))
            yield from r.get("predictors", [])
            after = r.get("next")
            if not after:
                return
    def space_info(self, space): return self.call("hwnas/spaceInfo", {"space": space})
    def sample(self, **p): return self.call("hwnas/sample", p)
    def encode(self, **p): return self.call("encode", p)
    def train(self, progress=None, **p): return self.call("train", p, progress)
    def evaluate(self, progress=None, **p): return self.call("evaluate", p, progress)
    def finetune(self, progress=None, **p): return self.call("finetune", p, progress)
    def save(self, predictor): return self.call("save", {"predictor": predictor})
    def load(self, path): return self.call("load", {"path": path})
    def delete_predictor(self, predictor): return self.call("deletePredictor", {"predictor": predictor})
    def monotonicity(self, **p): return self.call("monotonicity", p)
    def adapt_proxy(self, progress=None, **p): return self.call("adaptProxy", p, progress)
    def adapt(self, progress=None, **p): return self.call("adapt", p, progress)
    def reuse(self, progress=None, **p): return self.call("reuse", p, progress)
    def suggest_samples(self, progress=None, **p): return self.call("suggestSamples", p, progress)

    def new_device(self, space, name, budget, **kw):
        """The device loop (`hwnas new-device`): suggestSamples -> measure (onnxruntime here, or
        `measure_cmd=`/`measure_fn=` for another device) -> adaptProxy -> saved predictor `name`.
        Returns {"predictor", "proxy", "suggested", "samples", "suggestion", "adaptation"};
        keyword arguments as hwnas.newdevice.new_device."""
        from .newdevice import new_device
        return new_device(self, space, name, budget, **kw)

    def predict(self, progress=None, decode=True, **p):
        """`predict`; with output="f32-base64" and decode (default) the packed `latency_ms_f32` is
        also returned decoded as `latency_ms` (a list of floats, float32 precision)."""
        r = self.call("predict", p, progress)
        if decode and isinstance(r, dict) and "latency_ms_f32" in r:
            r["latency_ms"] = decode_f32(r["latency_ms_f32"])
        return r

    def search(self, progress=None, **p): return self.call("search", p, progress)

    def export(self, space, archs, progress=None, **p):
        """ONNX files of `archs` (`dir=` for one file each, or `path=` for one arch), optional
        resolution, batch, seed, weights ("random" | "zeros"), pruneDead; returns
        {files: [{arch, path, bytes, macs, params, resolution}], opset}."""
        return self.call("export", dict(p, space=space, archs=list(archs)), progress)

    def generate(self, progress=None, **p): return self.call("generate", p, progress)
    def train_generator(self, progress=None, **p): return self.call("trainGenerator", p, progress)
