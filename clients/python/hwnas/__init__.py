"""hwnas: Python client of hwnasd, the hardware-aware NAS daemon (JSON-RPC 2.0 over stdio).

    from hwnas import HwnasClient
    with HwnasClient() as hw:                  # $HWNASD, else the checkout's build, else hwnasd on PATH
        r = hw.search(space="nb201", device="pixel3", budget={"latency_ms": 5})

The core is stdlib-only. Optional extras (pip install "./clients/python[all]"): tqdm progress
bars, pandas frames, matplotlib plots, onnx/onnxruntime measurement, ray.
The command line is `hwnas` (hwnas.cli).
"""
from .client import DaemonExited, HwnasClient, HwnasError, Request, decode_f32, default_binary

__version__ = "0.1.0"

__all__ = ["HwnasClient", "HwnasError", "DaemonExited", "Request", "decode_f32", "default_binary", "__version__"]
