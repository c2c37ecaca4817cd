"""The `hwnas` command line (clients/hwnas from a checkout, or `hwnas` once installed with pip).

Conventions of git/cargo: `hwnas help`, `hwnas help COMMAND`, `hwnas COMMAND --help`; an
unknown flag or a flag without its value is a usage error (exit 2) naming the nearest flag.
On a terminal a result is a short human summary and progress is a live bar; otherwise (a pipe,
a file) the result is one line of JSON and progress is plain lines on stderr. --json forces JSON.

Two kinds of subcommands:
- RPC commands (hwnas.commands.RPC_COMMANDS): flags become the params of one request;
- local commands (LOCAL_COMMANDS): a function `main(argv, ctx) -> int` run in this process,
  given the arguments after the command name and a Context (state dir, output mode, a daemon
  connection on demand; ctx.usage_error(...) for a bad command line). A module adds one by one
  line in LOCAL_COMMANDS, e.g.
      "measure": LocalCommand("hwnas.measure:cli_main", "measure archs on this machine"),
  the module is imported only when its command runs, so optional dependencies stay optional;
  `hwnas help measure` runs it with ["--help"].
"""
import argparse
import difflib
import importlib
import json
import math
import os
import re
import sys

from .client import DaemonExited, HwnasClient, HwnasError
from .commands import GLOBAL_FLAGS, RPC_COMMANDS
from .progress import PlainProgress, TerminalProgress
from .summary import summarize

# Exit codes (documented in `hwnas help`).
EXIT_OK = 0
EXIT_ERROR = 1  # the daemon answered with an error (bad params, unknown device, ...) or could not run
EXIT_USAGE = 2  # bad command line: unknown command or flag, missing value
EXIT_CANCELLED = 130  # interrupted (Ctrl-C; the request is cancelled; a search prints its best so far)

DAEMON_EXIT_STATE_IN_USE = 3  # hwnasd: another daemon owns the state directory (README, "Daemon options")

EXIT_CODES = [(EXIT_OK, "success"), (EXIT_ERROR, "the daemon answered with an error, or could not start"),
              (EXIT_USAGE, "bad command line (unknown command or flag, missing value)"),
              (EXIT_CANCELLED, "interrupted with Ctrl-C (the request was cancelled)")]


class UsageError(Exception):
    """A bad command line; main() prints it with a hint and exits EXIT_USAGE."""

    def __init__(self, message, command=None):
        super().__init__(message)
        self.command = command


EMPTY_STATE = ("--state needs a directory, got an empty value (an unset variable?); leave --state out "
               "for the default, $XDG_DATA_HOME/hwnasd")


def state_arg(text):
    """--state's value as an argparse type (measure, new-device): an empty one would silently mean
    the default state dir, so it is refused (argparse.ArgumentTypeError); `~` is the home folder."""
    if not text:
        raise argparse.ArgumentTypeError(EMPTY_STATE)
    return os.path.expanduser(text)


class LocalCommand:
    """A subcommand run in this process: target is "module:function", the function takes
    (argv, ctx) and returns an exit code; summary is its line in `hwnas help`."""

    def __init__(self, target, summary):
        self.target, self.summary = target, summary

    def resolve(self):
        module, _, function = self.target.partition(":")
        return getattr(importlib.import_module(module), function)


def _isatty(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Context:
    """What a command needs besides its own flags: the state dir, the output mode and a daemon."""

    def __init__(self, state=None, json_output=None, quiet=False, stdout=None, stderr=None):
        self.state = state
        self.json_output = json_output  # None: JSON unless stdout is a terminal; False: human summary
        self.quiet = quiet
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr

    def client(self):
        """A started HwnasClient ($HWNASD or the checkout's build) on this context's state dir."""
        return HwnasClient(state=self.state, client_name="hwnas-cli")

    def wants_json(self):
        return self.json_output if self.json_output is not None else not _isatty(self.stdout)

    def progress(self):
        """A progress renderer for stderr: a live line on a terminal, plain lines otherwise, None with --quiet."""
        if self.quiet:
            return None
        return TerminalProgress(self.stderr) if _isatty(self.stderr) else PlainProgress(self.stderr)

    def emit(self, result, method=None, params=None):
        """Prints a result: one line of JSON for pipes and --json, else the human summary."""
        if self.wants_json():
            self.stdout.write(json.dumps(result) + "\n")
        else:
            self.stdout.write(summarize(method, result, params) + "\n")
        self.stdout.flush()

    def usage_error(self, message, command=None):
        """Raises the UsageError main() turns into exit 2."""
        raise UsageError(message, command)


# -- parsing ----------------------------------------------------------------------------------
# Flags people type from other tools (`hwnas measure --out`) and what they mean here, first
# the one a command takes: spelling alone suggested `--quiet` for `export --out`.
_FLAG_SYNONYMS = {"out": ("path", "dir"), "output": ("path", "dir"), "file": ("path",)}


def _nearest(name, names):
    for synonym in _FLAG_SYNONYMS.get(name, ()):
        if synonym in names:
            return synonym
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    return close[0] if close else None


def _read_at(text):
    """`@FILE` -> the file's JSON (a .csv file: samples via samples_from_csv); else `text`."""
    if not text.startswith("@"):
        return text
    path = os.path.expanduser(text[1:])
    try:
        if path.endswith(".csv"):
            from .samples import samples_from_csv
            return json.dumps(samples_from_csv(path))
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from None
    except ValueError as e:  # a samples CSV without its columns, or with a bad latency
        raise UsageError(str(e)) from None


def _convert(cmd_name, flag, text):
    """A flag's value text -> its JSON value (UsageError when it does not fit the kind)."""
    def bad(what):
        return UsageError(f"--{flag.name} expects {what}, got {text!r} (see hwnas help {cmd_name})", cmd_name)

    if flag.kind == "name":  # a path: `--state=~/x` has no shell to expand its `~`
        return os.path.expanduser(text) if flag.metavar in ("FILE", "DIR") else text
    if flag.kind == "int":
        try:
            return int(text)
        except ValueError:
            raise bad("an integer") from None
    if flag.kind in ("number", "numbers"):
        try:
            v = json.loads(text)
        except ValueError:
            raise bad("a number") from None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise bad("a finite number")
        return v
    if flag.kind == "arch":
        return int(text) if text.lstrip("-").isdigit() else text
    if flag.kind == "budget":
        try:
            v = json.loads(text)
        except ValueError:
            raise bad('a number of ms or a JSON object such as {"latency_ms": 5}') from None
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            return {"latency_ms": v}
        if isinstance(v, dict):
            return v
        raise bad('a number of ms or a JSON object such as {"latency_ms": 5}')
    if flag.kind == "list":
        # A JSON value (a list, true/false), else names: `--families stack`, `--pool a,b`.
        text = _read_at(text)
        try:
            v = json.loads(text)
        except ValueError:
            return [name.strip() for name in text.split(",") if name.strip()]
        return [v] if isinstance(v, str) else v
    if flag.kind in ("json", "spec"):
        text = _read_at(text)
        try:
            v = json.loads(text)
        except ValueError:
            return text  # a plain string (e.g. a GPU name for --spec)
        # --spec: a JSON object of specs, else a GPU name (`--spec 3090` is the RTX 3090, not the number 3090).
        return text if flag.kind == "spec" and not isinstance(v, (dict, str)) else v
    return text


def parse_command(cmd, argv):
    """argv (after the command name) -> (params, options) for an RPC command; options holds the
    global flags (state, json, human, quiet, help). Raises UsageError."""
    flags = {f.name: f for f in cmd.flags}
    globals_ = {f.name: f for f in GLOBAL_FLAGS}
    params, options = {}, {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            options["help"] = True
            i += 1
            continue
        if not arg.startswith("--") or len(arg) < 3:
            raise UsageError(f"unexpected argument {arg!r}: {cmd.name} takes --flags only (see hwnas help {cmd.name})", cmd.name)
        name, eq, inline = arg[2:].partition("=")
        flag = flags.get(name) or globals_.get(name)
        if flag is None:
            near = _nearest(name, list(flags) + list(globals_))
            hint = f"; did you mean --{near}?" if near else ""
            if name in cmd.misplaced:
                hint = f": {cmd.misplaced[name]}"
            raise UsageError(f"unknown flag --{name} for {cmd.name}{hint} (see hwnas help {cmd.name})", cmd.name)
        i += 1
        if flag.kind == "switch":
            if eq:
                raise UsageError(f"--{name} takes no value", cmd.name)
            value = True
        else:
            if eq:
                text = inline
            elif i < len(argv) and not (argv[i].startswith("--") and len(argv[i]) > 2):
                text = argv[i]
                i += 1
            else:
                example = f"--{name} {flag.metavar}" if flag.metavar else f"--{name}"
                raise UsageError(f"--{name} needs a value ({example}: {flag.help})", cmd.name)
            value = _convert(cmd.name, flag, text)
        if flag in GLOBAL_FLAGS:
            if name == "params":
                if not isinstance(value, dict):
                    raise UsageError("--params expects a JSON object", cmd.name)
                params.update(value)
            else:
                options[name] = value
        elif flag.repeats:
            params.setdefault(flag.param, []).append(value)
        else:
            params[flag.param] = value
    if "samplesFrom" in params:
        _samples_from(cmd, params)
    if "archsFrom" in params:
        _archs_from(cmd, params)
    if "onnxFiles" in params:
        _onnx_files(cmd, params)
    if not options.get("help"):
        missing = [f for f in cmd.flags if f.required and f.param not in params]
        if missing:
            f = missing[0]
            raise UsageError(f"{cmd.name} needs --{f.name} ({f.help}), e.g. {cmd.example}", cmd.name)
        for group in cmd.one_of:
            if not any(cmd.flag(name).param in params for name in group):
                either = " or ".join(f"{cmd.flag(name).usage()} ({cmd.flag(name).help})" for name in group)
                raise UsageError(f"{cmd.name} needs {either}, e.g. {cmd.example}", cmd.name)
    return params, options


def _samples_from(cmd, params):
    """--samples-from FILE (a samples CSV, e.g. from `hwnas measure`) becomes params.samples, or
    adaptProxy's and adapt's target.samples (target.name: --target's name, else the file's stem)."""
    from .samples import samples_from_csv
    path = params.pop("samplesFrom")
    try:
        samples = samples_from_csv(path)
    except (OSError, ValueError) as e:
        raise UsageError(f"--samples-from: {e}", cmd.name) from None
    if cmd.method in ("adaptProxy", "adapt"):
        target = params.get("target")
        if not isinstance(target, dict):
            target = {"name": target if isinstance(target, str) else os.path.splitext(os.path.basename(path))[0]}
        target["samples"] = samples
        params["target"] = target
    else:
        params["samples"] = samples


def _archs_from(cmd, params):
    """--archs-from FILE ... adds the files' architectures to params.archs (after any --arch)."""
    from .samples import read_arch_list
    for path in params.pop("archsFrom"):
        try:
            params.setdefault("archs", []).extend(read_arch_list(path))
        except (OSError, ValueError) as e:
            raise UsageError(f"--archs-from: {e}", cmd.name) from None


def _onnx_files(cmd, params):
    """--onnx PATH ... (files `hwnas export` wrote) adds their architectures to params.archs and
    gives params.space when the command line did not (every file must be of that space)."""
    from .onnxmeta import NotAnExport, exported_networks
    try:
        infos = exported_networks(params.pop("onnxFiles"))
    except (OSError, NotAnExport) as e:
        raise UsageError(f"--onnx: {e}", cmd.name) from None
    space = params.get("space") or infos[0][1]["space"]
    others = [f"{os.path.basename(f)}: {i['space']}" for f, i in infos if i["space"] != space]
    if others:
        raise UsageError(f"--onnx: the files are not all of space {space} ({', '.join(others)}); "
                         "one request holds one space", cmd.name)
    params["space"] = space
    params.setdefault("archs", []).extend(i["arch"] for _, i in infos)


def parse_cli(argv):
    """argv -> (method, params) (for scripts and tests; help and global flags are not handled)."""
    if not argv:
        raise UsageError("no command")
    if argv[0] == "call":
        method, params, _ = _parse_call(argv[1:])
        return method, params
    cmd = RPC_COMMANDS.get(argv[0])
    if cmd is None:
        raise UsageError(_unknown_command(argv[0]))
    params, _ = parse_command(cmd, argv[1:])
    return cmd.method, params


def _parse_call(argv):
    options = {}
    rest = []
    args = iter(argv)
    for a in args:
        if a in ("--json", "--human", "--quiet", "--help", "-h"):
            options["help" if a == "-h" else a[2:]] = True
        elif a == "--state" or a.startswith("--state="):  # as every command takes it
            state = a[len("--state="):] if "=" in a else next(args, None)
            if state is None:
                raise UsageError("--state needs a value (--state DIR)", "call")
            if not state:
                raise UsageError(EMPTY_STATE, "call")
            options["state"] = state
        else:
            rest.append(a)
    if options.get("help"):
        return None, {}, options
    if not rest or len(rest) > 2:
        raise UsageError("usage: hwnas call METHOD [JSON-PARAMS], e.g. hwnas call hwnas/listDevices '{\"space\": \"fbnet\"}'",
                         "call")
    try:
        params = json.loads(_read_at(rest[1])) if len(rest) > 1 else {}
    except ValueError as e:
        raise UsageError(f"call: the params are not valid JSON ({e}): {rest[1]!r}; "
                         "write them as one JSON object in single quotes, e.g. '{\"space\": \"nb201\"}'", "call") from None
    if not isinstance(params, dict):
        raise UsageError(f"call: the params must be a JSON object, got {type(params).__name__}", "call")
    return rest[0], params, options


def _daemon_exit_hint(e):
    """What a hwnas user can do when hwnasd would not start (its own advice may name a daemon
    flag, --read-only, that hwnas does not take), or None."""
    if e.returncode == DAEMON_EXIT_STATE_IN_USE:
        return ("each hwnas command starts its own hwnasd, one per state directory at a time: "
                "wait for the other one, or give this command a state directory of its own (--state DIR)")
    if "--read-only" in (e.stderr or ""):
        return "hwnas has no --read-only: give --state a directory you can write"
    return None


def _unknown_command(name):
    names = sorted(set(RPC_COMMANDS) | set(LOCAL_COMMANDS))
    near = _nearest(name, names)
    return f"unknown command {name!r}" + (f"; did you mean {near!r}?" if near else "") + " (see hwnas help)"


# -- running ----------------------------------------------------------------------------------
def _run_rpc(method, params, ctx, cmd=None):
    """Sends one request; prints the result (or the error) and the daemon's warnings; returns the exit code.
    `cmd`: the command whose flags set `params` (an error naming a param then names its flag)."""
    with ctx.client() as client:
        code = _request(client, method, params, ctx, cmd)
        _show_daemon_warnings(client, ctx)
        return code


def _show_daemon_warnings(client, ctx):
    """The daemon's warnings and errors on stderr (e.g. a predictor file in the state dir it could
    not read: the file is then left out of `predictors`), which the client captures, not shows."""
    if ctx.quiet:
        return
    for line in client.stderr_text().splitlines():
        if line.startswith(("hwnasd [warn]", "hwnasd [error]")):
            ctx.stderr.write(line + "\n")


def _flag_of(cmd, field):
    """The flag of `cmd` that sets the param an error's `data.field` names ("params.trainSize[0]"
    -> "--train-size"), or None."""
    if cmd is None or not isinstance(field, str) or not field.startswith("params."):
        return None
    name = re.split(r"[.\[]", field[len("params."):], maxsplit=1)[0]
    flag = next((f for f in cmd.flags if f.param == name), None)
    return f"--{flag.name}" if flag else None


def _request(client, method, params, ctx, cmd=None):
    """Sends one request on `client`; prints the result (or the error); returns the exit code."""
    if method == "initialize":
        ctx.emit(client.server_info, method, params)
        return EXIT_OK
    try:
        req = client.start(method, params, progress=ctx.progress(), want_progress=True)
    except ValueError as e:  # refused before sending (NaN/Infinity)
        ctx.stderr.write(f"hwnas: {e}\n")
        return EXIT_ERROR
    try:
        result = _wait(req)
    except KeyboardInterrupt:
        req.cancel()
        ctx.stderr.write("\nhwnas: cancelling…\n")
        try:
            result = req.result(10)
        except (HwnasError, Exception):  # noqa: BLE001 (cancelled, or the daemon stopped)
            return EXIT_CANCELLED
        ctx.emit(result, method, params)  # e.g. a search's best so far, marked partial
        return EXIT_CANCELLED
    except DaemonExited:
        raise
    except HwnasError as e:
        if e.code == -32800:
            ctx.stderr.write("hwnas: request cancelled\n")
            return EXIT_CANCELLED
        flag = _flag_of(cmd, (e.data or {}).get("field") if isinstance(e.data, dict) else None)
        ctx.stderr.write(f"hwnas: error {e.code}: {e.message}" + (f" (the {flag} flag)" if flag else "") + "\n")
        return EXIT_ERROR
    ctx.emit(result, method, params)
    return EXIT_OK


def _wait(req):
    """The result, waiting in short slices so Ctrl-C is seen at once."""
    import concurrent.futures
    while True:
        try:
            return req.result(0.2)
        except concurrent.futures.TimeoutError:
            continue


def _context(options):
    if "state" in options and not options["state"]:
        raise UsageError(EMPTY_STATE)
    json_output = True if options.get("json") else (False if options.get("human") else None)
    state = os.path.expanduser(options["state"]) if options.get("state") else None
    return Context(state=state, json_output=json_output, quiet=bool(options.get("quiet")))


def _call_main(argv, ctx):
    """`hwnas call METHOD [JSON-PARAMS]`: any request, params as JSON."""
    method, params, options = _parse_call(argv)
    if options.get("help"):
        ctx.stdout.write(CALL_HELP)
        return EXIT_OK
    if options.get("json"):
        ctx.json_output = True
    if options.get("human"):
        ctx.json_output = False
    if options.get("quiet"):
        ctx.quiet = True
    if options.get("state"):
        ctx.state = os.path.expanduser(options["state"])
    return _run_rpc(method, params, ctx)


def _help_main(argv, ctx):
    """`hwnas help [COMMAND]`."""
    if not argv or argv[0] in ("help", "-h", "--help"):  # `hwnas help help`, `hwnas help --help`
        ctx.stdout.write(general_help())
        return EXIT_OK
    name = argv[0]
    if name in RPC_COMMANDS:
        ctx.stdout.write(command_help(RPC_COMMANDS[name]))
        return EXIT_OK
    if name in LOCAL_COMMANDS:
        return LOCAL_COMMANDS[name].resolve()(["--help"], ctx)
    raise UsageError(_unknown_command(name))


LOCAL_COMMANDS = {
    "call": LocalCommand("hwnas.cli:_call_main", "send any request: hwnas call METHOD [JSON-PARAMS]"),
    "help": LocalCommand("hwnas.cli:_help_main", "this help, or one command's: hwnas help COMMAND"),
    "measure": LocalCommand("hwnas.measure:cli_main", "time archs (exported here, or ONNX files from export: --onnx) with onnxruntime; writes a samples CSV"),
    "new-device": LocalCommand("hwnas.newdevice:cli_main",
                               "suggest archs, measure them (here or --measure-cmd), adapt a proxy, save the predictor"),
}

COMMANDS = {name: cmd.method for name, cmd in RPC_COMMANDS.items()}  # the former hwnas_client.COMMANDS

CALL_HELP = """usage: hwnas call METHOD [JSON-PARAMS] [--state DIR] [--json | --human] [--quiet]

Sends any request of protocol/PROTOCOL.md, params as one JSON object (or @FILE).

example:
  hwnas call hwnas/listDevices '{"space": "fbnet"}'
"""


def general_help():
    """`hwnas help`."""
    width = max(len(n) for n in list(RPC_COMMANDS) + list(LOCAL_COMMANDS))
    lines = ["usage: hwnas COMMAND [--flag value ...] [--state DIR] [--json]",
             "       hwnas help COMMAND      (or hwnas COMMAND --help)", "",
             "Hardware-aware neural architecture search: predicted latency of architectures on real",
             "devices, searches under latency budgets, generators. Each command starts the daemon",
             "(hwnasd: $HWNASD, else the checkout's build, else on PATH) and sends one request.", "", "commands:"]
    for name, cmd in RPC_COMMANDS.items():
        lines.append(f"  {name:<{width}}  {cmd.summary}")
    for name, local in LOCAL_COMMANDS.items():
        lines.append(f"  {name:<{width}}  {local.summary}")
    lines += ["", "flags every command takes (call, measure and new-device: those their own help lists):"]
    lines += [f"  {f.usage():<22}{f.help}" for f in GLOBAL_FLAGS]
    lines += ["", "output: on a terminal, a short summary and a live progress bar on stderr; otherwise (a pipe,",
              "a file) one line of JSON on stdout and plain progress lines on stderr.", "", "exit codes:"]
    lines += [f"  {code:<4}{what}" for code, what in EXIT_CODES]
    lines += ["", "examples:", "  hwnas devices --space nb201", "  hwnas search --space nb201 --device pixel3 --budget 5",
              "  hwnas predict --space nb201 --device pixel3 --arch 42", ""]
    return "\n".join(lines)


def command_help(cmd):
    """`hwnas help COMMAND`: usage, every flag, an example."""
    required = " ".join(f.usage() for f in cmd.flags if f.required)
    lines = [f"usage: hwnas {cmd.name} {required}".rstrip() + " [flags]", "", f"{cmd.summary} (request `{cmd.method}`).", ""]
    if cmd.flags:
        lines.append("flags:")
        width = max(len(f.usage()) for f in cmd.flags + GLOBAL_FLAGS) + 2
        for f in cmd.flags:
            lines.append(f"  {f.usage():<{width}}{f.help}" + (" (required)" if f.required else ""))
        lines.append("")
    lines.append("and every command's:")
    width = max(len(f.usage()) for f in cmd.flags + GLOBAL_FLAGS) + 2
    lines += [f"  {f.usage():<{width}}{f.help}" for f in GLOBAL_FLAGS]
    lines += ["", "Values: a JSON flag takes JSON or @FILE; --flag=value also works.", ""]
    if cmd.notes:
        lines += [cmd.notes, ""]
    lines += ["example:", f"  {cmd.example}", ""]
    return "\n".join(lines)


USAGE = general_help()  # the former hwnas_client.USAGE


def main(argv=None):
    """Runs one `hwnas` command line; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    ctx = Context()
    try:
        # Global flags may come before the command: hwnas --state DIR search ...
        options = {}
        while argv and argv[0].startswith("--") and argv[0] not in ("--help", "--version"):
            flag = argv.pop(0)[2:]
            if flag in ("json", "human", "quiet"):
                options[flag] = True
            elif flag.startswith("state="):  # --flag=value, as after the command
                options["state"] = flag[len("state="):]
            elif flag == "state":
                if not argv:
                    raise UsageError("--state needs a value (--state DIR)")
                options["state"] = argv.pop(0)
            else:
                raise UsageError(f"unknown flag --{flag} before the command (see hwnas help)")
        if not argv or argv[0] in ("-h", "--help"):
            if not argv:
                sys.stderr.write(general_help())
                return EXIT_USAGE
            sys.stdout.write(general_help())
            return EXIT_OK
        if argv[0] == "--version":
            from . import __version__
            sys.stdout.write(f"hwnas {__version__}\n")
            return EXIT_OK
        name, rest = argv[0], argv[1:]
        if name in LOCAL_COMMANDS:
            ctx = _context(options)
            return LOCAL_COMMANDS[name].resolve()(rest, ctx)
        cmd = RPC_COMMANDS.get(name)
        if cmd is None:
            raise UsageError(_unknown_command(name))
        params, more = parse_command(cmd, rest)
        options.update(more)
        if options.get("help"):
            sys.stdout.write(command_help(cmd))
            return EXIT_OK
        return _run_rpc(cmd.method, params, _context(options), cmd)
    except UsageError as e:
        sys.stderr.write(f"hwnas: {e}\n")
        return EXIT_USAGE
    except DaemonExited as e:
        sys.stderr.write(f"hwnas: {e.message}\n")
        hint = _daemon_exit_hint(e)
        if hint:
            sys.stderr.write(f"hwnas: {hint}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("hwnas: interrupted\n")
        return EXIT_CANCELLED


if __name__ == "__main__":
    sys.exit(main())
