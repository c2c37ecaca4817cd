import os
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.dirname(HERE))
# Processes the tests start (Ray workers, example scripts) import the checkout's package too,
# whatever the directory pytest runs from (.ci/run: the repository root).
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (os.path.dirname(HERE), os.environ.get("PYTHONPATH")) if p)

import hwnas  # noqa: E402


@pytest.fixture(scope="session")
def binary():
    path = hwnas.default_binary()
    if not os.access(path, os.X_OK):
        pytest.fail(f"hwnasd binary not found at {path}: build it (swift build) or set HWNASD")
    return path


@pytest.fixture
def client(binary):
    with tempfile.TemporaryDirectory() as state:
        c = hwnas.HwnasClient(binary, state=state)
        yield c
        c.close()


def params_schemas(leave_out=()):
    """(method's schema name, parsed schema) of every `protocol/schemas/*.params.json`, in name
    order, without the names in `leave_out` (e.g. notifications)."""
    import glob
    import json

    for path in sorted(glob.glob(os.path.join(ROOT, "protocol", "schemas", "*.params.json"))):
        name = os.path.basename(path)[: -len(".params.json")]
        if name not in leave_out:
            with open(path) as f:
                yield name, json.load(f)
