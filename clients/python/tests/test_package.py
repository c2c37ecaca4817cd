"""The package layout: `import hwnas`, the hwnas_client shim, `python -m hwnas`, daemon start errors."""
import os
import subprocess
import sys

import pytest
from conftest import ROOT

import hwnas
from hwnas import DaemonExited, HwnasClient, HwnasError

PYDIR = os.path.join(ROOT, "clients", "python")


def test_package_exports_the_client():
    assert {"HwnasClient", "HwnasError", "DaemonExited", "Request", "decode_f32"} <= set(hwnas.__all__)
    assert issubclass(DaemonExited, HwnasError)


def test_compatibility_shim_still_imports_and_runs():
    code = "import hwnas_client, hwnas; assert hwnas_client.HwnasClient is hwnas.HwnasClient; " \
           "assert hwnas_client.parse_cli(['save', '--predictor', 'p'])[0] == 'save'"
    r = subprocess.run([sys.executable, "-c", code], cwd=PYDIR, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_bad_daemon_option_shows_the_daemons_stderr(binary):
    # It used to surface as a bare BrokenPipeError.
    with pytest.raises(DaemonExited) as e:
        HwnasClient(binary, args=["--bogus-option"])
    assert "unknown option '--bogus-option'" in str(e.value)
    assert e.value.returncode == 2 and "usage: hwnasd" in e.value.stderr


def test_missing_binary_says_how_to_fix():
    with pytest.raises(DaemonExited) as e:
        HwnasClient("/nonexistent/hwnasd")
    assert "HWNASD" in str(e.value)


def test_daemon_exit_fails_pending_and_later_requests(binary, tmp_path):
    c = HwnasClient(binary, state=str(tmp_path))
    c.proc.kill()
    c.proc.wait()
    with pytest.raises(DaemonExited):
        c.call("hwnas/sample", {"space": "nb201", "count": 1}, timeout=10)
    assert c.close() != 0
