"""Stdlib-only Python client for hwnasd (JSON-RPC 2.0 over stdio, LSP framing).

    from hwnas_client import HwnasClient
    with HwnasClient() as c:                       # starts the daemon, sends initialize
        print(c.server_info["devices"][:3])
        vecs = c.encode(space="nb201", archs=[0, 1])["vectors"]
        r = c.search(space="nb201", device="pixel3", progress=print)   # progress callback
        req = c.start("search", {...})             # or iterate: for p in req.progress(): ...
        req.cancel()

Works in Jupyter: a reader thread does the I/O, calls block on futures; no asyncio loop.
Also a command line (used by clients/hwnas): python3 hwnas_client.py encode --space nb201 --arch 0
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

__all__ = ["HwnasClient", "HwnasError", "Request", "decode_f32", "default_binary"]


class HwnasError(Exception):
    """A JSON-RPC error response: .code, .message, .data."""

    def __init__(self, code, message, data=None):
        super().__init__(f"{message} ({code})")
        self.code = code
        self.message = message
        self.data = data


def default_binary():
    """$HWNASD, else the checkout's .build/debug/hwnasd, else hwnasd on PATH."""
    if os.environ.get("HWNASD"):
        return os.environ["HWNASD"]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for cand in (os.path.join(root, ".build", "debug", "hwnasd"), os.path.join(root, ".build", "release", "hwnasd")):
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
        kind = value.get("kind")
        if kind == "end":
            self._progress.put(None)
            return
        if kind == "report":
            self._progress.put(value)
            if self.callback:
                self.callback(value)


class HwnasClient:
    """Starts hwnasd as a subprocess and talks to it. One method per RPC plus call()/start()."""

    def __init__(self, binary=None, args=(), state=None, fixtures=None, initialize=True, stderr=subprocess.DEVNULL, client_name="hwnas_client.py"):
        cmd = [binary or default_binary()] + list(args)
        if state:
            cmd += ["--state", state]
        if fixtures:
            cmd += ["--fixtures", fixtures]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=stderr, bufsize=0)
        self._ids = itertools.count(1)
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pending = {}  # id -> Request
        self._by_token = {}  # token -> Request
        self.notifications = queue.Queue()  # other notifications
        self._reader = threading.Thread(target=self._read_loop, name="hwnasd-reader", daemon=True)
        self._reader.start()
        self.server_info = None
        if initialize:
            self.server_info = self.call("initialize", {"clientInfo": {"name": client_name}})

    # -- plumbing -------------------------------------------------------------------------
    @staticmethod
    def _encode(message):
        """The JSON body of a message. NaN and Infinity are refused here (ValueError): JSON has no
        such values, json.dumps would write them anyway and the daemon would answer a parse error."""
        try:
            return json.dumps(message, separators=(",", ":"), allow_nan=False).encode("utf-8")
        except ValueError as e:
            raise ValueError(f"hwnas: {message.get('method')} params contain NaN or Infinity, which JSON cannot "
                             f"carry; replace them with finite numbers (or null) before sending ({e})") from None

    def _send(self, message, body=None):
        body = self._encode(message) if body is None else body
        with self._write_lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

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
        with self._lock:
            pending, self._pending = self._pending, {}
        for req in pending.values():
            if not req.future.done():
                req.future.set_exception(HwnasError(-32603, why))
            req._progress.put(None)

    # -- generic API ----------------------------------------------------------------------
    def start(self, method, params=None, progress=None, want_progress=False):
        """Sends a request and returns a Request at once. progress: callback for reports."""
        rid = next(self._ids)
        params = dict(params or {})
        token = None
        if progress is not None or want_progress:
            token = params.setdefault("progressToken", f"p{next(self._tokens)}")
        message = {"jsonrpc": "2.0", "id": rid, "method": method, "params": params}
        body = self._encode(message)  # before registering: a refused message leaves nothing pending
        req = Request(self, rid, method, token)
        req.callback = progress
        with self._lock:
            self._pending[rid] = req
            if token is not None:
                self._by_token[token] = req
        self._send(message, body)
        return req

    def call(self, method, params=None, progress=None, timeout=None):
        """Sends a request and waits for its result (raises HwnasError on error)."""
        return self.start(method, params, progress).result(timeout)

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
        if self.proc.poll() is None:
            try:
                self.call("shutdown", timeout=timeout)
                self.notify("exit")
                self.proc.stdin.close()
            except (HwnasError, OSError, concurrent.futures.TimeoutError):
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
    def reuse(self, progress=None, **p): return self.call("reuse", p, progress)

    def predict(self, progress=None, decode=True, **p):
        """`predict`; with output="f32-base64" and decode (default) the packed `latency_ms_f32` is
        also returned decoded as `latency_ms` (a list of floats, float32 precision)."""
        r = self.call("predict", p, progress)
        if decode and isinstance(r, dict) and "latency_ms_f32" in r:
            r["latency_ms"] = decode_f32(r["latency_ms_f32"])
        return r

    def search(self, progress=None, **p): return self.call("search", p, progress)
    def generate(self, progress=None, **p): return self.call("generate", p, progress)
    def train_generator(self, progress=None, **p): return self.call("trainGenerator", p, progress)


# -- command line (clients/hwnas) ---------------------------------------------------------
COMMANDS = {
    "encode": "encode", "predict": "predict", "train": "train", "evaluate": "evaluate", "finetune": "finetune",
    "adapt-proxy": "adaptProxy", "search": "search", "generate": "generate", "train-generator": "trainGenerator",
    "save": "save", "load": "load", "delete-predictor": "deletePredictor", "monotonicity": "monotonicity", "reuse": "reuse",
    "sample": "hwnas/sample", "space-info": "hwnas/spaceInfo", "devices": "hwnas/listDevices",
    "predictors": "hwnas/listPredictors", "info": "initialize",
}
# --name (value) -> params, per command; everything else is generic (see USAGE).
REPEATED = {"arch": "archs", "budget": "budgets"}  # generate: --budget may repeat

USAGE = """usage: hwnas COMMAND [--name value ...]
       hwnas call METHOD [JSON-PARAMS]
commands: """ + ", ".join(sorted(COMMANDS)) + """
  --name value  becomes params.name (kebab-case -> camelCase); values are JSON when they parse, else strings;
  --name        without a value (last, or followed by another --flag) is true, e.g. --pareto;
  --arch A      may repeat and becomes params.archs (a list);
  search / train-generator: --budget 5 becomes budget {"latency_ms": 5}; generate: --budget may
  repeat and becomes params.budgets; monotonicity: --device may repeat and becomes params.devices.
Progress goes to stderr, the result JSON to stdout; exit 1 on a JSON-RPC error. Daemon: $HWNASD or the checkout's build."""


def _camel(name):
    head, *rest = name.split("-")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def _value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_cli(argv):
    """argv -> (method, params)."""
    if not argv or argv[0] in ("-h", "--help"):
        raise SystemExit(USAGE)
    if argv[0] == "call":
        if len(argv) < 2:
            raise SystemExit(USAGE)
        params = json.loads(argv[2]) if len(argv) > 2 else {}
        return argv[1], params
    if argv[0] not in COMMANDS:
        raise SystemExit(f"hwnas: unknown command {argv[0]!r}\n{USAGE}")
    method, params, i = COMMANDS[argv[0]], {}, 1
    while i < len(argv):
        flag = argv[i]
        if not flag.startswith("--") or len(flag) < 3:
            raise SystemExit(f"hwnas: expected --name value, got {flag!r}")
        name = flag[2:]
        if i + 1 >= len(argv) or argv[i + 1].startswith("--"):
            params[_camel(name)] = True  # a bare flag, e.g. --pareto
            i += 1
            continue
        value = argv[i + 1]
        i += 2
        if name == "arch":
            params.setdefault("archs", []).append(value if not value.lstrip("-").isdigit() else int(value))
        elif name == "budget" and method in ("search", "trainGenerator"):
            v = _value(value)
            params["budget" if method == "search" else "budgets"] = (
                {"latency_ms": v} if method == "search" and isinstance(v, (int, float)) else v)
        elif name == "budget" and method == "generate":
            params.setdefault("budgets", []).append(_value(value))
        elif name == "device" and method == "monotonicity":
            params.setdefault("devices", []).append(value)
        elif name in ("space", "device", "predictor", "id", "generator", "base", "proxy", "path", "target"):
            v = _value(value)  # names stay strings even when they look like numbers; objects parse
            params[_camel(name)] = v if isinstance(v, (dict, list)) else value
        else:
            params[_camel(name)] = _value(value)
    return method, params


def _print_progress(value):
    extras = " ".join(f"{k}={v}" for k, v in sorted(value.items()) if k not in ("kind", "step", "total", "message"))
    total = value.get("total")
    line = f"progress {value.get('step')}" + (f"/{total}" if total is not None else "")
    if value.get("message"):
        line += f" {value['message']}"
    sys.stderr.write((line + " " + extras).rstrip() + "\n")
    sys.stderr.flush()


def main(argv=None):
    method, params = parse_cli(sys.argv[1:] if argv is None else argv)
    with HwnasClient(stderr=None if os.environ.get("HWNAS_DEBUG") else subprocess.DEVNULL) as client:
        if method == "initialize":
            result = client.server_info
        else:
            try:
                result = client.call(method, params, progress=_print_progress)
            except HwnasError as e:
                sys.stderr.write(f"hwnas: error {e.code}: {e.message}\n")
                return 1
            except ValueError as e:  # refused before sending (NaN/Infinity)
                sys.stderr.write(f"{e}\n")
                return 1
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
