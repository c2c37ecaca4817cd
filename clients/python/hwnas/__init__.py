"""hwnas: Python client of hwnasd, the hardware-aware NAS daemon (JSON-RPC 2.0 over stdio).

    from hwnas import HwnasClient
    with HwnasClient() as hw:                  # $HWNASD, else the checkout's build, else hwnasd on PATH
        r = hw.search(space="nb201", device="pixel3", budget={"latency_ms": 5})

The core is stdlib-only. Optional extras (pip install "./clients/python[all]"): tqdm progress
bars, pandas frames, matplotlib plots, onnx/onnxruntime measurement, ray.
The command line is `hwnas` (hwnas.cli).
"""
from .client import DaemonExited, HwnasClient, HwnasError, Request, decode_f32, default_binary
from .results import Result, to_frame
from .samples import samples_from_csv

__version__ = "0.1.0"

__all__ = ["HwnasClient", "HwnasError", "DaemonExited", "Request", "Result", "decode_f32", "default_binary",
           "to_frame", "samples_from_csv", "plot_front", "plot_predicted_vs_measured", "__version__"]


def plot_front(result, **kwargs):
    """The Pareto front of a search result as a matplotlib Figure (see hwnas.plot.plot_front)."""
    from .plot import plot_front as plot
    return plot(result, **kwargs)


def plot_predicted_vs_measured(predicted, measured, **kwargs):
    """Predicted vs measured latency as a matplotlib Figure (see hwnas.plot.plot_predicted_vs_measured)."""
    from .plot import plot_predicted_vs_measured as plot
    return plot(predicted, measured, **kwargs)
