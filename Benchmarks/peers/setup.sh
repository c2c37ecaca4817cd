#!/usr/bin/env bash
# Creates .build/peers-venv, the Python environment of the benchmarks' peers
# (Benchmarks/peers/mlp_peer.py for `hwnas-bench speed`, search_peer.py for `search` and `speed`),
# which the benches use when it exists (else `python3`, and rows a peer cannot fill say "peer not run").
#
#   bash Benchmarks/peers/setup.sh          # CPU PyTorch + scikit-learn + numpy (Debian packages, needs root)
#   bash Benchmarks/peers/setup.sh --pip    # scikit-learn + numpy from PyPI only (no root; no PyTorch)
#
# Why Debian's packages for PyTorch: PyPI's `torch` wheels for Linux pull the CUDA libraries (several GB)
# and the CPU-only wheels are not on PyPI; Debian's python3-torch is a CPU build (1.13). The venv is made
# from Debian's python3 with its site packages, so torch, scikit-learn and numpy match each other.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="$root/.build/peers-venv"
mode=${1:-apt}
mkdir -p "$root/.build"
rm -rf "$venv"
if [ "$mode" = "--pip" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet numpy scikit-learn
else
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "setup.sh: the PyTorch peer needs root and apt-get (Debian's python3-torch); use --pip for scikit-learn only" >&2
        exit 2
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-torch python3-sklearn python3-numpy >/dev/null
    /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
"$venv/bin/python" - <<'PY'
import importlib
for name in ("numpy", "sklearn", "torch"):
    try:
        m = importlib.import_module(name)
        print(f"peers-venv: {name} {m.__version__}")
    except ImportError:
        print(f"peers-venv: {name} not installed")
PY
