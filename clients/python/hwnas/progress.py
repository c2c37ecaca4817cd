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
            parts.append(f"{name} {sig(value[key], digits)}{unit}")
    known = {k for k, _, _ in _SHOWN} | _HIDDEN
    parts += [f"{k} {sig(v, digits)}" for k, v in value.items() if k not in known]
    return "  ".join(parts)


class _Parts:
    """Tracks the current part of a job (named by the report's message, else the title) and its ETA."""

    def __init__(self, clock):
        self.clock = clock
        self.title = None
        self.label = None
        self.started = None
        self.first_step = 0

    def begin(self, title):
        self.title = title
        self.label = None

    def label_of(self, value):
        message = value.get("message")
        if value.get("final") or not message:  # "search done" ends the search's own line
            return self.title or message or "working"
        return message

    def switch(self, label, value):
        """True when `value` starts a new part."""
        if label == self.label:
            return False
        self.label = label
        self.started = self.clock()
        self.first_step = max(0, (value.get("step") or 0) - 1)
        return True

    def eta(self, value):
        step, total = value.get("step"), value.get("total")
        if not total or step is None or self.started is None:
            return None
        done = step - self.first_step
        if done <= 0:
            return None
        return (self.clock() - self.started) / done * max(0, total - step)


def _percent(value):
    if value.get("percentage") is not None:
        return int(value["percentage"])
    total = value.get("total")
    return int(100 * value.get("step", 0) / total) if total else None


class TerminalProgress:
    """One live line per part on a terminal: label, bar, percent, step/total, ETA, values."""

    def __init__(self, stream=None, width=None, clock=time.monotonic, min_interval=0.1):
        self.stream = stream or sys.stderr
        self.width = width
        self.parts = _Parts(clock)
        self.clock = clock
        self.min_interval = min_interval
        self._last_draw = -1e9
        self._drawn = False
        self._skipped = None
        encoding = (getattr(self.stream, "encoding", None) or "").lower()
        self.fill, self.empty = ("█", "░") if "utf" in encoding else ("#", "-")

    def begin(self, title):
        self.parts.begin(title)

    def __call__(self, value):
        label = self.parts.label_of(value)
        new_part = self.parts.switch(label, value)
        if new_part and self._drawn:
            self.stream.write("\n")
        now = self.clock()
        if not new_part and not value.get("final") and now - self._last_draw < self.min_interval:
            self._skipped = (label, value)  # drawn by end() if nothing comes after it
            return
        self._last_draw = now
        self._draw(label, value)

    def _draw(self, label, value):
        self._skipped = None
        self.stream.write("\r" + self.line(label, value) + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def line(self, label, value):
        """The text of the live line (without control characters)."""
        width = self.width or shutil.get_terminal_size((100, 24)).columns
        pct = _percent(value)
        step, total = value.get("step"), value.get("total")
        pieces = [label]
        if pct is not None:
            n = 20
            filled = min(n, max(0, round(n * pct / 100)))
            pieces.append(f"[{self.fill * filled}{self.empty * (n - filled)}] {pct:3d}%")
        if total:
            pieces.append(f"{step}/{total}")
            if not value.get("final"):
                pieces.append("ETA " + duration(self.parts.eta(value)))
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
        if self._skipped is not None:
            self._draw(*self._skipped)
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
        self._drawn = False


class PlainProgress:
    """Plain lines for logs and pipes: one per 10 % of each part (and when a part starts or the
    job ends): `progress 40/500 8% training latency predictor default-nb201-pixel3 (mlp): train loss 0.0112`."""

    def __init__(self, stream=None, clock=time.monotonic):
        self.stream = stream or sys.stderr
        self.parts = _Parts(clock)
        self._last = None

    def begin(self, title):
        self.parts.begin(title)

    def __call__(self, value):
        label = self.parts.label_of(value)
        new_part = self.parts.switch(label, value)
        pct = _percent(value)
        key = (label, None if pct is None else pct // 10)
        if not new_part and not value.get("final") and key == self._last and pct is not None:
            return
        self._last = key
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
        self.bar = None

    def begin(self, title):
        self.parts.begin(title)

    def __call__(self, value):
        label = self.parts.label_of(value)
        if self.parts.switch(label, value) or self.bar is None:
            self._close()
            self.bar = self._tqdm(total=value.get("total"), desc=label, leave=self.leave, unit="step")
        step = value.get("step") or 0
        if step > self.bar.n:
            self.bar.update(step - self.bar.n)
        extras = describe_values(value)
        if extras:
            self.bar.set_postfix_str(extras, refresh=False)

    def _close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def end(self):
        self._close()


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
