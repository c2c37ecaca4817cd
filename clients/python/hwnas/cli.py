"""The `hwnas` command line (clients/hwnas, or `hwnas` once installed with pip).

Two kinds of subcommands:
- RPC commands (RPC_COMMANDS): flags become the params of one request to the daemon;
- local commands (LOCAL_COMMANDS): a function `main(argv, ctx) -> int` run in this process,
  given the arguments after the command name and a Context (state dir, output mode, a daemon
  connection on demand). A module adds one by one line in LOCAL_COMMANDS, e.g.
      "measure": LocalCommand("hwnas.measure:cli_main", "measure archs on this machine"),
  the module is imported only when its command runs, so optional dependencies stay optional.
"""
import importlib
import json
import os
import sys

from .client import DaemonExited, HwnasClient, HwnasError

# Exit codes (documented in `hwnas help`).
EXIT_OK = 0
EXIT_ERROR = 1  # the daemon answered with a JSON-RPC error, or the daemon could not run
EXIT_USAGE = 2  # bad command line: unknown command or flag, missing value
EXIT_CANCELLED = 130  # interrupted (Ctrl-C) or the request was cancelled


class UsageError(Exception):
    """A bad command line; main() prints it with a hint and exits EXIT_USAGE."""


class LocalCommand:
    """A subcommand run in this process: target is "module:function", the function takes
    (argv, ctx) and returns an exit code; summary is its line in `hwnas help`."""

    def __init__(self, target, summary):
        self.target, self.summary = target, summary

    def resolve(self):
        module, _, function = self.target.partition(":")
        return getattr(importlib.import_module(module), function)


class Context:
    """What a command needs besides its own flags: the state dir, the output mode and a daemon."""

    def __init__(self, state=None, json_output=None, stdout=None, stderr=None):
        self.state = state
        self.json_output = json_output  # None: JSON unless stdout is a terminal
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr

    def client(self):
        """A started HwnasClient ($HWNASD or the checkout's build) on this context's state dir."""
        return HwnasClient(state=self.state)

    def wants_json(self):
        return self.json_output if self.json_output is not None else not _isatty(self.stdout)

    def emit(self, result):
        """Prints a result: JSON (one line) for pipes and --json."""
        self.stdout.write(json.dumps(result) + "\n")
        self.stdout.flush()

    def progress(self, value):
        """Prints one progress report to stderr."""
        extras = " ".join(f"{k}={v}" for k, v in sorted(value.items()) if k not in ("kind", "step", "total", "message"))
        total = value.get("total")
        line = f"progress {value.get('step')}" + (f"/{total}" if total is not None else "")
        if value.get("message"):
            line += f" {value['message']}"
        self.stderr.write((line + " " + extras).rstrip() + "\n")
        self.stderr.flush()


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# -- RPC commands ---------------------------------------------------------------------------
RPC_COMMANDS = {
    "encode": "encode", "predict": "predict", "train": "train", "evaluate": "evaluate", "finetune": "finetune",
    "adapt-proxy": "adaptProxy", "search": "search", "generate": "generate", "train-generator": "trainGenerator",
    "save": "save", "load": "load", "delete-predictor": "deletePredictor", "monotonicity": "monotonicity", "reuse": "reuse",
    "sample": "hwnas/sample", "space-info": "hwnas/spaceInfo", "devices": "hwnas/listDevices",
    "predictors": "hwnas/listPredictors", "info": "initialize", "export": "export",
}
COMMANDS = RPC_COMMANDS  # the former name (hwnas_client.COMMANDS)


def _call_main(argv, ctx):
    """`hwnas call METHOD [JSON-PARAMS]`."""
    if not argv:
        raise UsageError("call needs a method name, e.g. hwnas call hwnas/listDevices '{\"space\":\"fbnet\"}'")
    try:
        params = json.loads(argv[1]) if len(argv) > 1 else {}
    except ValueError as e:
        raise UsageError(f"call: params are not JSON ({e}): {argv[1]!r}") from None
    return _run_rpc(argv[0], params, ctx)


LOCAL_COMMANDS = {
    "call": LocalCommand("hwnas.cli:_call_main", "send any request: hwnas call METHOD [JSON-PARAMS]"),
}

USAGE = """usage: hwnas COMMAND [--name value ...]
       hwnas call METHOD [JSON-PARAMS]
commands: """ + ", ".join(sorted(set(RPC_COMMANDS) | set(LOCAL_COMMANDS))) + """
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
    if argv[0] not in RPC_COMMANDS:
        raise SystemExit(f"hwnas: unknown command {argv[0]!r}\n{USAGE}")
    method, params, i = RPC_COMMANDS[argv[0]], {}, 1
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
        elif name in ("space", "device", "predictor", "id", "generator", "base", "proxy", "path", "target", "dir"):
            v = _value(value)  # names stay strings even when they look like numbers; objects parse
            params[_camel(name)] = v if isinstance(v, (dict, list)) else value
        else:
            params[_camel(name)] = _value(value)
    return method, params


def _run_rpc(method, params, ctx):
    with ctx.client() as client:
        if method == "initialize":
            result = client.server_info
        else:
            try:
                result = client.call(method, params, progress=ctx.progress)
            except DaemonExited:
                raise
            except HwnasError as e:
                ctx.stderr.write(f"hwnas: error {e.code}: {e.message}\n")
                return EXIT_ERROR
            except ValueError as e:  # refused before sending (NaN/Infinity)
                ctx.stderr.write(f"{e}\n")
                return EXIT_ERROR
    ctx.emit(result)
    return EXIT_OK


def main(argv=None):
    """Runs one `hwnas` command line; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    ctx = Context()
    try:
        if argv and argv[0] in LOCAL_COMMANDS:
            return LOCAL_COMMANDS[argv[0]].resolve()(argv[1:], ctx)
        method, params = parse_cli(argv)
        return _run_rpc(method, params, ctx)
    except UsageError as e:
        sys.stderr.write(f"hwnas: {e}\n")
        return EXIT_USAGE
    except DaemonExited as e:
        sys.stderr.write(f"hwnas: {e.message}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("hwnas: interrupted\n")
        return EXIT_CANCELLED


if __name__ == "__main__":
    sys.exit(main())
