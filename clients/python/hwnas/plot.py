"""Plots (the `plot` extra, matplotlib): the Pareto front of a search, predicted vs measured
latency. Each returns a matplotlib Figure (shown inline in Jupyter) and, given `path`, saves a
PNG. No pyplot state is touched: figures render with the Agg canvas, so this works headless."""
import math

__all__ = ["plot_front", "plot_predicted_vs_measured"]


def _figure(ax, size):
    if ax is not None:
        return ax.figure, ax
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError('plots need matplotlib: pip install "hwnas[plot]"') from None
    fig = Figure(figsize=size, dpi=110)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def _save(fig, path):
    if path is not None:
        fig.savefig(path, format="png", bbox_inches="tight")


def plot_front(result, ax=None, path=None, title=None, budget=None, label=None):
    """The latency/accuracy Pareto front of a `search` result: x predicted latency (ms), y the
    result's accuracy label. With a latency budget (given, or the search's own), a line marks it
    and a star the most accurate plotted architecture within it."""
    from .results import rows
    candidates = rows(result, "search")
    if not candidates:
        raise ValueError("the result has no architectures to plot (no front, no best)")
    fig, ax = _figure(ax, (6.4, 4.4))
    xs = [c["latency_ms"] for c in candidates]
    ys = [c["accuracy"] for c in candidates]
    ax.step(xs, ys, where="post", color="tab:blue", linewidth=1.2, alpha=0.7)
    ax.scatter(xs, ys, s=22, color="tab:blue", zorder=3, label=label or f"Pareto front ({len(xs)} architectures)")
    params = getattr(result, "params", {}) or {}
    if budget is None:
        budget = (params.get("budget") or {}).get("latency_ms")
    within = [c for c in candidates if budget is not None and c["latency_ms"] <= budget]
    if within:
        b = max(within, key=lambda c: c["accuracy"])
        ax.scatter([b["latency_ms"]], [b["accuracy"]], s=90, marker="*", color="tab:red", zorder=4,
                   label=f"best within {budget:.4g} ms: {b['latency_ms']:.4g} ms, {b['accuracy']:.4g}")
    if budget is not None:
        ax.axvline(budget, color="tab:red", linestyle="--", linewidth=1, label=f"budget {budget:.4g} ms")
    ax.set_xlabel("predicted latency (ms per inference)" + (f", predictor {result['predictor']}" if result.get("predictor") else ""))
    ax.set_ylabel(_accuracy_axis(result.get("accuracyLabel")))
    ax.set_title(title or "Latency/accuracy Pareto front")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    _save(fig, path)
    return fig


def _accuracy_axis(label):
    """'cifar10 test accuracy % (measured, NAS-Bench-201)' -> 'cifar10 test accuracy (%), measured, NAS-Bench-201'."""
    if not label:
        return "accuracy"
    text = label.replace(" % (", " (%), ").replace(" %", " (%)")
    return text.rstrip(")") if text.count("(") < text.count(")") else text


def plot_predicted_vs_measured(predicted, measured, ax=None, path=None, title=None, label=None):
    """Predicted against measured latency (ms), with the y = x line and the RMSE and Spearman
    rank correlation in the legend. `predicted`: a list of ms or a `predict` result; `measured`:
    a list of ms or samples [{"latency_ms": ...}]."""
    if isinstance(predicted, dict):
        predicted = predicted["latency_ms"]
    measured = [m["latency_ms"] if isinstance(m, dict) else m for m in measured]
    if len(predicted) != len(measured) or not measured:
        raise ValueError(f"need as many predictions as measurements, got {len(predicted)} and {len(measured)}")
    fig, ax = _figure(ax, (5.2, 5.0))
    rmse = math.sqrt(sum((p - m) ** 2 for p, m in zip(predicted, measured)) / len(measured))
    rho = _spearman(predicted, measured)
    ax.scatter(measured, predicted, s=14, alpha=0.7,
               label=(label + ": " if label else "") + f"RMSE {rmse:.3g} ms, Spearman {rho:.3f}")
    lo, hi = min(min(measured), min(predicted)), max(max(measured), max(predicted))
    ax.plot([lo, hi], [lo, hi], color="grey", linestyle="--", linewidth=1, label="predicted = measured")
    ax.set_xlabel("measured latency (ms)")
    ax.set_ylabel("predicted latency (ms)")
    ax.set_title(title or f"Predicted vs measured latency ({len(measured)} architectures)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    _save(fig, path)
    return fig


def _ranks(values):
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def _spearman(a, b):
    ra, rb = _ranks(a), _ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = math.sqrt(sum((x - ma) ** 2 for x in ra))
    vb = math.sqrt(sum((y - mb) ** 2 for y in rb))
    return cov / (va * vb) if va and vb else float("nan")
