"""Samples CSV files: measured latencies that `train`, `evaluate`, `finetune` and `adaptProxy` take.

A samples CSV has a header row with at least `arch` and `latency_ms` (milliseconds per inference);
other columns (e.g. `spread_pct`, `pass1_ms`) are kept for the reader and ignored by the daemon.
Lines starting with `#` are comments; `# key: value` lines before the header carry metadata
(`hwnas measure` writes the runtime, its version, threads, the CPU, the date, repeats, passes):

    # runtime: onnxruntime 1.32.0
    # threads: 1
    arch,latency_ms,spread_pct
    |nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|,1.234,2.1

Stdlib only.
"""
import csv
import io
import json
import math
import os

__all__ = ["read_samples_csv", "samples_from_csv", "write_samples_csv", "unwritable", "read_arch_list"]

ARCH_COLUMNS = ("arch", "arch_str", "op_idx_list")


def _split_comments(text):
    """(metadata dict from `# key: value` lines, the CSV text without comment lines)."""
    meta, body = {}, []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            key, sep, value = line.lstrip()[1:].partition(":")
            if sep and key.strip():
                meta[key.strip()] = value.strip()
            continue
        if line.strip():
            body.append(line)
    return meta, "\n".join(body)


def read_samples_csv(path):
    """(metadata, rows): metadata from the `# key: value` comment lines, rows as dicts of strings.
    A UTF-8 byte order mark (spreadsheets write one) is not part of the first column's name."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        meta, body = _split_comments(f.read())
    rows = list(csv.DictReader(io.StringIO(body)))
    return meta, rows


def samples_from_csv(path):
    """The `samples` list (`[{"arch": str, "latency_ms": float}]`) of a samples CSV, ready for
    `train`, `evaluate`, `finetune` or `adaptProxy`'s `target.samples`. The architecture column is
    `arch` (also accepted: `arch_str`, `op_idx_list`, as in the fixtures); `#` lines are skipped.
    Raises ValueError naming the file and row for a missing column or a latency that is not a
    positive finite number (NaN, inf, 0 or less: no measurement, which JSON cannot carry or the
    daemon refuses)."""
    meta, rows = read_samples_csv(path)
    del meta
    if not rows:
        raise ValueError(f"{path}: no samples (expected a header 'arch,latency_ms' and one row per architecture)")
    columns = rows[0].keys()
    arch_col = next((c for c in ARCH_COLUMNS if c in columns), None)
    if arch_col is None or "latency_ms" not in columns:
        raise ValueError(f"{path}: expected columns 'arch' and 'latency_ms', found {', '.join(columns)}")
    out = []
    for i, row in enumerate(rows):
        try:
            latency = float(row["latency_ms"])
        except (TypeError, ValueError):
            raise ValueError(f"{path}: data row {i + 1}: latency_ms {row['latency_ms']!r} is not a number") from None
        if not math.isfinite(latency) or latency <= 0:
            raise ValueError(f"{path}: data row {i + 1}: latency_ms {row['latency_ms']!r} is not a measurement "
                             "(a positive, finite number of ms); remove the row or measure it again")
        out.append({"arch": row[arch_col], "latency_ms": latency})
    return out


def unwritable(path):
    """Why a samples CSV could not be written at `path` (its folder is missing or read-only), or
    None: commands check it before minutes of measuring, not after."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        return f"cannot write {path}: {folder} is not a writable folder"
    return None


def write_samples_csv(path, rows, meta=None, columns=None):
    """Writes rows (dicts with at least `arch` and `latency_ms`) with `# key: value` metadata lines
    first, atomically (a temporary file in the same directory, then renamed)."""
    columns = list(columns or rows[0].keys())
    buf = io.StringIO()
    for key, value in (meta or {}).items():
        buf.write(f"# {key}: {value}\n")
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(buf.getvalue())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _archs_of_json(value):
    """Architectures in a JSON document: a list (of architectures, or of objects with `arch`),
    or a result of hwnas: search's `front` (else its `best`), generate's `results`, sample's `archs`."""
    if isinstance(value, list):
        return [v["arch"] if isinstance(v, dict) and "arch" in v else v for v in value]
    if isinstance(value, dict):
        if isinstance(value.get("front"), list) and value["front"]:
            return [c["arch"] for c in value["front"] if isinstance(c, dict) and "arch" in c]
        if isinstance(value.get("best"), dict):
            return [value["best"]["arch"]]
        if isinstance(value.get("results"), list):
            return [r["arch"] for r in value["results"] if isinstance(r, dict) and r.get("arch")]
        if isinstance(value.get("archs"), list):
            return value["archs"]
    raise ValueError("no architectures in this JSON (expected a list, or a search, generate or sample result)")


def read_arch_list(path):
    """Architectures from a file: a CSV with an `arch`, `arch_str` or `op_idx_list` column (so the
    fixtures' reference_archs_help.csv and a samples CSV work); a JSON list or an hwnas result
    (`hwnas search --pareto --json > front.json`: its front); else one architecture per line.
    `#` lines and blank lines are skipped. Raises ValueError naming the file when there is none."""
    with open(path, encoding="utf-8-sig") as f:
        text = f.read()
    if text.lstrip()[:1] in ("[", "{"):
        try:
            archs = _archs_of_json(json.loads(text))
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ValueError(f"{path}: {e}") from None
    else:
        meta, rows = read_samples_csv(path)
        del meta
        column = next((c for c in ARCH_COLUMNS if rows and c in rows[0]), None)
        if column:
            archs = [r[column] for r in rows]
        else:
            archs = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not archs:
        raise ValueError(f"{path}: no architectures (one per line, a CSV with an 'arch' column, or JSON)")
    return archs
