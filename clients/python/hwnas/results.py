"""Results as tables: `result.to_frame()` (pandas, the `pandas` extra) for the methods whose
result is a list of things (search front, predictions, devices, predictors, generated archs,
monotonicity matrix)."""

__all__ = ["Result", "to_frame", "rows"]


class Result(dict):
    """A method's result: the JSON object as a dict, plus the method and params it answers, and
    `to_frame()`. Compares, prints and serializes as the plain dict."""

    def __init__(self, value, method=None, params=None):
        super().__init__(value)
        self.method = method
        self.params = dict(params or {})

    def to_frame(self):
        """The result's rows as a pandas DataFrame (see rows())."""
        return to_frame(self, self.method, self.params)

    def rows(self):
        """The result's rows as a list of dicts (see rows())."""
        return rows(self, self.method, self.params)


def _candidates(result):
    """A search result's front (or best/fastest when it has no front), best marked."""
    front = list(result.get("front") or [])
    best = result.get("best")
    if not front:
        front = [c for c in (best, result.get("fastest")) if c]
    out, seen = [], set()
    for c in sorted(front, key=lambda c: c.get("latency_ms", 0)):
        if c.get("arch") in seen:
            continue
        seen.add(c.get("arch"))
        row = dict(c)
        row["best"] = bool(best) and c.get("arch") == best.get("arch")
        out.append(row)
    return out


def rows(result, method=None, params=None):
    """A result's rows as dicts: search → one per front architecture (arch, latency_ms, accuracy,
    best); predict → arch, latency_ms (and lower/upper); hwnas/listDevices → devices;
    hwnas/listPredictors → predictors; generate → results; monotonicity → one per device pair."""
    params = params or getattr(result, "params", None) or {}
    method = method or getattr(result, "method", None) or _guess(result)
    if method == "search" or method == "reuse":
        return _candidates(result)
    if method == "predict":
        archs = params.get("archs") or list(range(len(result.get("latency_ms", []))))
        out = []
        for i, v in enumerate(result.get("latency_ms") or []):
            row = {"arch": archs[i] if i < len(archs) else i, "latency_ms": v}
            for k in ("lower", "upper"):
                if isinstance(result.get(k), list):
                    row[k] = result[k][i]
            out.append(row)
        return out
    if method == "hwnas/listDevices":
        return [dict(d) for d in result.get("devices", [])]
    if method == "hwnas/listPredictors":
        return [dict(p) for p in result.get("predictors", [])]
    if method == "generate":
        return [dict(g) for g in result.get("results", [])]
    if method == "monotonicity":
        devices = result.get("devices", [])
        return [{"device": a, "other": b, result.get("metric", "spearman"): result["matrix"][i][j]}
                for i, a in enumerate(devices) for j, b in enumerate(devices)]
    raise ValueError(f"no table for the result of {method!r}; give method= (search, predict, hwnas/listDevices, ...)")


def _guess(result):
    for key, method in (("front", "search"), ("best", "search"), ("devices", "hwnas/listDevices"),
                        ("predictors", "hwnas/listPredictors"), ("results", "generate"), ("latency_ms", "predict"),
                        ("matrix", "monotonicity")):
        if key in result:
            return method
    return None


def to_frame(result, method=None, params=None):
    """A result as a pandas DataFrame (needs pandas: pip install "hwnas[pandas]")."""
    try:
        import pandas as pd
    except ImportError:
        raise ImportError('to_frame needs pandas: pip install "hwnas[pandas]"') from None
    return pd.DataFrame(rows(result, method, params))
