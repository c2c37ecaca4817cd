import os
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.dirname(HERE))

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
