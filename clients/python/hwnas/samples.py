"""Measured latency samples from CSV files (for finetune, adaptProxy, evaluate, train)."""
import csv

__all__ = ["samples_from_csv"]


def samples_from_csv(path, arch_column="arch", latency_column="latency_ms", limit=None):
    """Samples `[{"arch": ..., "latency_ms": ...}]` from a CSV with a header row.

    Lines starting with `#` (comments, e.g. how and where the latencies were measured) are
    skipped wherever they are. The arch column may hold the space's string format or an integer
    (NB201's index); other columns are ignored. `limit`: at most this many rows. Raises
    ValueError naming the line for a missing column or a latency that is not a positive number.
    """
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        lines = ((n, line) for n, line in enumerate(f, 1) if line.strip() and not line.lstrip().startswith("#"))
        numbered = list(lines)
    reader = csv.DictReader(line for _, line in numbered)
    fields = reader.fieldnames or []
    for column in (arch_column, latency_column):
        if column not in fields:
            raise ValueError(f"{path}: no column {column!r} (columns: {', '.join(fields)})")
    for (lineno, _), row in zip(numbered[1:], reader):
        arch = row[arch_column].strip()
        try:
            latency = float(row[latency_column])
        except (TypeError, ValueError):
            raise ValueError(f"{path}:{lineno}: {latency_column} {row[latency_column]!r} is not a number") from None
        if not latency > 0:
            raise ValueError(f"{path}:{lineno}: {latency_column} must be > 0, got {latency}")
        out.append({"arch": int(arch) if arch.isdigit() else arch, "latency_ms": latency})
        if limit is not None and len(out) >= limit:
            break
    return out
