"""Numbers and tables for people: significant digits, aligned columns, durations."""
import math

__all__ = ["sig", "table", "duration"]


def sig(value, digits=4):
    """`value` with `digits` significant digits, without exponent for everyday magnitudes:
    3.758317422026232 -> '3.758', 91.31533 -> '91.32', 1183 -> '1183', 0.000123456 -> '0.0001235'.
    Integers and non-numbers are returned as they are (str)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude >= digits + 2 or magnitude < -6:
        return f"{value:.{digits - 1}e}"
    decimals = max(0, digits - 1 - magnitude)
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def table(rows, headers, align=None, indent="  "):
    """Rows (lists of cells, any type; floats get 4 significant digits) as aligned text under
    `headers`. `align`: one of '<' / '>' per column (default: numbers right, text left)."""
    cells = [[c if isinstance(c, str) else sig(c) for c in row] for row in rows]
    if align is None:
        align = []
        for i in range(len(headers)):
            numeric = rows and all(isinstance(r[i], (int, float)) and not isinstance(r[i], bool) for r in rows if r[i] is not None)
            align.append(">" if numeric else "<")
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(items):
        parts = [f"{s:{a}{w}}" for s, a, w in zip(items, align, widths)]
        return (indent + "  ".join(parts)).rstrip()

    return "\n".join([line(headers)] + [line(r) for r in cells])


def duration(seconds):
    """'0:07', '1:02:03', '—' for unknown."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "—"
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
