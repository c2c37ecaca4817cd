"""Progress people read: `$/progress` values rendered as a live bar on a terminal, plain lines
in a log, or tqdm bars in a notebook.

A renderer is a callable taking each `report` value, with optional `begin(title)` and `end()`
methods (HwnasClient calls them for `begin` and `end`). One line (or tqdm bar) per part of a job:
a search that first trains its latency predictor shows "training latency predictor
default-nb201-pixel3 (mlp)", then "(lut+mlp)", then the search itself ("search nb201/pixel3 ≤ 5 ms").

    hw.search(space="nb201", device="pixel3", budget={"latency_ms": 5}, progress=True)
"""
import shutil
import sys
import time

from .format import duration, sig

__all__ = ["TerminalProgress", "PlainProgress", "TqdmProgress", "make_progress", "describe_values"]

# Report values shown, in this order, with a short name and unit; others are shown as key=value.
_SHOWN = [
    ("bestAccuracy", "best accuracy", ""), ("bestLatency", "at", " ms"), ("frontSize", "front", ""),
    ("feasibleFraction", "feasible", ""), ("trainLoss", "train loss", ""), ("validationLoss", "val loss", ""),
    ("meanReward", "mean reward", ""), ("frontHypervolume", "front HV", ""),
]
# Bookkeeping values never shown (step/total/percentage are the bar; epoch/generation/iteration repeat step).
_HIDDEN = {"kind", "step", "total", "percentage", "cancellable", "message", "final", "partial", "epoch",
           "generation", "iteration", "queries", "title", "token"}


def describe_values(value, digits=4):
    """A report's own values for people: 'best accuracy 91.32  at 3.758 ms  front 9', 4 significant digits."""
    parts = []
    for key, name, unit in _SHOWN:
        if key in value and value[key] is not None:
            # A search's last report counts every architecture it evaluated, the others one generation.
            if key == "feasibleFraction" and value.get("final"):
                name = "feasible overall"
            parts.append(f"{name} {sig(value[key], digits)}{unit}")
    known = {k for k, _, _ in _SHOWN} | _HIDDEN
    parts += [f"{k} {sig(v, digits)}" for k, v in value.items() if k not in known]
    return "  ".join(parts)


class _Parts:
    """The parts of a job (named by the report's message, else the title), each with its own
    start for the ETA. Parts may run side by side (a first call trains two models at once) and
    report in turn: a part is new once, not at every switch."""

    def __init__(self, clock):
        self.clock = clock
        self.title = None
        self.label = None
        self.started = {}  # label -> (clock at its first report, its first step - 1)

    def begin(self, title):
        self.title = title
        self.label = None
        self.started = {}

    def label_of(self, value):
        message = value.get("message")
        if value.get("final") or not message:  # "search done" ends the search's own line
            return self.title or message or "working"
        return message

    def switch(self, label, value):
        """True when `value` starts a part not seen before in this job."""
        self.label = label
        if label in self.started:
            return False
        self.started[label] = (self.clock(), max(0, (value.get("step") or 0) - 1))
        return True

    def eta(self, value, label=None):
        step, total = value.get("step"), value.get("total")
        started, first_step = self.started.get(label or self.label, (None, 0))
        if not total or step is None or started is None:
            return None
        done = step - first_step
        if done <= 0:
            return None
        return (self.clock() - started) / done * max(0, total - step)


def _percent(value):
    if value.get("percentage") is not None:
        return int(value["percentage"])
    total = value.get("total")
    return int(100 * value.get("step", 0) / total) if total else None


class TerminalProgress:
    """A live line per part on a terminal (label, bar, percent, step/total, ETA, values), redrawn
    in place as a block: parts that run side by side each keep their line. A part that ends short
    of its total says where it stopped."""

    def __init__(self, stream=None, width=None, clock=time.monotonic, min_interval=0.1):
        self.stream = stream or sys.stderr
        self.width = width
        self.parts = _Parts(clock)
        self.clock = clock
        self.min_interval = min_interval
        self._last_draw = -1e9
        self._values = {}  # label -> its latest report, in the order the parts began
        self._lines = 0  # lines of the block drawn so far
        encoding = (getattr(self.stream, "encoding", None) or "").lower()
        self.fill, self.empty = ("█", "░") if "utf" in encoding else ("#", "-")

    def begin(self, title):
        self.parts.begin(title)

    def __call__(self, value):
        label = self.parts.label_of(value)
        new_part = self.parts.switch(label, value)
        self._values[label] = value
        now = self.clock()
        if not new_part and not value.get("final") and now - self._last_draw < self.min_interval:
            return  # kept in _values: drawn by the next report or end()
        self._last_draw = now
        self._draw()

    def _draw(self, ended=False):
        out = "\r" + (f"\x1b[{self._lines - 1}A" if self._lines > 1 else "")
        rows = []
        for label, value in self._values.items():
            rows.append(self.line(label, value, ended=ended) + "\x1b[K")
        self.stream.write(out + "\n".join(rows))
        self.stream.flush()
        self._lines = len(rows)

    def line(self, label, value, ended=False):
        """The text of a part's live line (without control characters); `ended`: the job is over,
        so a part short of its total stopped there."""
        width = self.width or shutil.get_terminal_size((100, 24)).columns
        pct = _percent(value)
        step, total = value.get("step"), value.get("total")
        pieces = [label]
        if pct is not None:
            n = 20
            filled = min(n, max(0, round(n * pct / 100)))
            pieces.append(f"[{self.fill * filled}{self.empty * (n - filled)}] {pct:3d}%")
        short = bool(total) and step is not None and step < total
        if total:
            pieces.append(f"{step}/{total}")
            if ended and short and not value.get("final"):
                pieces.append("stopped early")
            elif not value.get("final"):
                pieces.append("ETA " + duration(self.parts.eta(value, label)))
        elif step is not None:
            pieces.append(f"step {step}")
        if value.get("final"):
            pieces.append(value.get("message") or "done")
        extras = describe_values(value)
        if extras:
            pieces.append(extras)
        text = "  ".join(pieces)
        return text if len(text) < width else text[:max(10, width - 2)] + "…"

    def end(self):
        if self._values:
            self._draw(ended=True)
            self.stream.write("\n")
            self.stream.flush()
        self._values = {}
        self._lines = 0


class PlainProgress:
    """Plain lines for logs and pipes: one per 10 % of each part (and when a part starts or the
    job ends): `progress 40/500 8% training latency predictor default-nb201-pixel3 (mlp): train loss 0.0112`."""

    def __init__(self, stream=None, clock=time.monotonic):
        self.stream = stream or sys.stderr
        self.parts = _Parts(clock)
        self._last = {}  # label -> the tenth of it last printed

    def begin(self, title):
        self.parts.begin(title)
        self._last = {}

    def __call__(self, value):
        label = self.parts.label_of(value)
        new_part = self.parts.switch(label, value)
        pct = _percent(value)
        tenth = None if pct is None else pct // 10
        if not new_part and not value.get("final") and pct is not None and self._last.get(label) == tenth:
            return
        self._last[label] = tenth
        total = value.get("total")
        line = f"progress {value.get('step')}" + (f"/{total}" if total else "")
        if pct is not None:
            line += f" {pct}%"
        line += f" {label}"
        if value.get("final"):
            line += f": {value.get('message') or 'done'}"
        extras = describe_values(value)
        if extras:
            line += ("; " if value.get("final") else ": ") + extras
        self.stream.write(line + "\n")
        self.stream.flush()

    def end(self):
        pass


class TqdmProgress:
    """A tqdm bar per part (tqdm.auto: widgets in Jupyter, text elsewhere). Needs the
    `progress` extra (pip install "hwnas[progress]")."""

    def __init__(self, leave=True):
        from tqdm.auto import tqdm  # noqa: F401  (fails early when tqdm is missing)
        self._tqdm = tqdm
        self.leave = leave
        self.parts = _Parts(time.monotonic)
        self.bars = {}  # label -> its bar (parts that run side by side keep theirs)
        self.bar = None  # the bar of the latest report

    def begin(self, title):
        self.parts.begin(title)

    def __call__(self, value):
        label = self.parts.label_of(value)
        self.parts.switch(label, value)
        if label not in self.bars:
            self.bars[label] = self._tqdm(total=value.get("total"), desc=label, leave=self.leave, unit="step")
        self.bar = self.bars[label]
        step = value.get("step") or 0
        if step > self.bar.n:
            self.bar.update(step - self.bar.n)
        extras = describe_values(value)
        if extras:
            self.bar.set_postfix_str(extras, refresh=False)

    def end(self):
        for bar in self.bars.values():
            bar.close()
        self.bars = {}
        self.bar = None


def _in_notebook():
    try:
        from IPython import get_ipython  # noqa: WPS433
        shell = get_ipython()
        return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"
    except Exception:  # noqa: BLE001 (no IPython)
        return False


def make_progress(spec, stream=None):
    """A renderer from `spec`: None/False → None; a callable → itself; "tqdm" → TqdmProgress;
    "terminal" / "plain" → those; True / "auto" → tqdm in a notebook (when installed), else a
    live line on a terminal, else plain lines."""
    if spec is None or spec is False:
        return None
    if callable(spec):
        return spec
    stream = stream or sys.stderr
    if spec == "tqdm":
        return TqdmProgress()
    if spec == "terminal":
        return TerminalProgress(stream)
    if spec == "plain":
        return PlainProgress(stream)
    if spec is True or spec == "auto":
        if _in_notebook():
            try:
                return TqdmProgress()
            except ImportError:
                pass
        isatty = getattr(stream, "isatty", lambda: False)
        return TerminalProgress(stream) if isatty() else PlainProgress(stream)
    raise ValueError(f"progress must be a callable, True, 'auto', 'tqdm', 'terminal' or 'plain', got {spec!r}")
