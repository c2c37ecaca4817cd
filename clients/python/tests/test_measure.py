"""hwnas measure: real NB201 networks exported by hwnasd and timed with onnxruntime, the samples
CSV it writes, and finetune / adapt-proxy reading that CSV (few archs, few runs: fast)."""
import json
import os
import subprocess
import sys
import tempfile

import pytest

from conftest import ROOT

from hwnas import measure as hm
from hwnas.samples import read_samples_csv, samples_from_csv

HWNAS = os.path.join(ROOT, "clients", "hwnas")
REFERENCE = os.path.join(ROOT, "fixtures", "nb201", "reference_archs_help.csv")


def _needs_export(client):
    if "export" not in client.server_info.get("methods", []):
        pytest.skip("this hwnasd has no `export` method yet (issue 15 part 1)")


def test_samples_csv_reader_skips_comments_and_checks_columns(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("# runtime: onnxruntime 1.0\n# threads: 1\narch,latency_ms,spread_pct\n# a comment in between\n"
                 "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|,1.5,2\n5,2.25,1\n")
    meta, rows = read_samples_csv(p)
    assert meta == {"runtime": "onnxruntime 1.0", "threads": "1"} and len(rows) == 2
    assert samples_from_csv(p) == [{"arch": "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", "latency_ms": 1.5},
                                   {"arch": "5", "latency_ms": 2.25}]
    bad = tmp_path / "bad.csv"
    bad.write_text("arch,ms\n5,1\n")
    with pytest.raises(ValueError, match="latency_ms"):
        samples_from_csv(bad)
    bad.write_text("arch,latency_ms\n5,fast\n")
    with pytest.raises(ValueError, match="row 1"):
        samples_from_csv(bad)
    # NaN, inf, 0 and negative latencies used to pass, and the CLI then said "hwnas: hwnas: adapt
    # params contain NaN or Infinity" (exit 1) without naming the file or the row.
    for value in ("NaN", "inf", "-inf", "0", "-2.5"):
        bad.write_text(f"arch,latency_ms\n5,1.5\n6,{value}\n")
        with pytest.raises(ValueError, match=r"bad.csv: data row 2: latency_ms .* is not a measurement"):
            samples_from_csv(bad)
    # A spreadsheet's UTF-8 byte order mark used to make the header "\ufeffarch": no 'arch' column.
    bad.write_bytes(b"\xef\xbb\xbfarch,latency_ms\n5,1.5\n")
    assert samples_from_csv(bad) == [{"arch": "5", "latency_ms": 1.5}]
    # The fixtures' reference list is an arch list measure accepts as is.
    assert len(hm.read_arch_list(REFERENCE)) == 10


def test_missing_onnxruntime_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(hm.MeasureError, match="pip install onnxruntime"):
        hm.measure("nb201", ["5"])


def test_measure_writes_samples_csv_that_finetune_accepts(client, tmp_path):
    pytest.importorskip("onnxruntime")
    _needs_export(client)
    archs = hm.read_arch_list(REFERENCE)[:4]
    out = tmp_path / "samples.csv"
    seen = []
    r = hm.measure("nb201", archs, client=client, out=str(out), repeats=3, warmup=1, passes=2, quiet=True,
                   progress=seen.append)
    assert len(r["rows"]) == 4 and len(seen) == 8 and seen[-1]["done"] == 4 and seen[-1]["pass"] == 2
    meta, rows = read_samples_csv(out)
    import onnxruntime
    assert meta["runtime"].startswith(f"onnxruntime {onnxruntime.__version__}")
    assert meta["threads"].startswith("1 intra-op")
    assert meta["cpu"] and meta["date"].endswith("Z") and meta["repeats"] == "3" and meta["passes"] == "2"
    assert "load_before" in meta and "load_after" in meta
    assert list(rows[0]) == ["arch", "latency_ms", "spread_pct", "pass_spread_pct", "pass1_ms", "pass2_ms"]
    with open(out) as f:
        first = f.readline()
    assert first.startswith("# ")
    for row in rows:
        lat, p1, p2 = float(row["latency_ms"]), float(row["pass1_ms"]), float(row["pass2_ms"])
        assert lat > 0 and min(p1, p2) <= lat * (1 + 1e-5) and lat <= max(p1, p2) * (1 + 1e-5)
    assert {row["arch"] for row in rows} == set(archs)  # canonical strings of the reference list
    samples = samples_from_csv(out)
    client.train(space="nb201", device="pixel3", model="lut", trainSize=300, id="lut-px3")
    ft = client.finetune(base="lut-px3", samples=samples, method="affine", save=False)
    # 4 samples: all fit, none held out, too few (5) to cross-validate; the result says so.
    assert ft["metrics"]["trainCount"] == 4 and "heldOut" not in ft["metrics"] and ft["notes"]["base"] == "lut-px3"
    assert any("too few to cross-validate" in w for w in ft.get("warnings", []))


def test_shell_measure_then_finetune_then_search(binary, tmp_path):
    pytest.importorskip("onnxruntime")
    env = dict(os.environ, HWNASD=binary, XDG_DATA_HOME=str(tmp_path / "data"))
    info = subprocess.run([HWNAS, "info"], capture_output=True, env=env, timeout=60)
    if "export" not in json.loads(info.stdout)["methods"]:
        pytest.skip("this hwnasd has no `export` method yet (issue 15 part 1)")
    out = tmp_path / "samples.csv"
    r = subprocess.run([HWNAS, "measure", "--space", "nb201", "--sample", "5", "--repeats", "2", "--warmup", "1",
                        "--passes", "1", "--out", str(out)], capture_output=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert b"measure: pass 1/1 5/5" in r.stderr and b"wrote" in r.stderr
    assert len(samples_from_csv(out)) == 5
    # A LUT base (fast in a debug build; the README uses a device's default predictor).
    r = subprocess.run([HWNAS, "train", "--space", "nb201", "--device", "gold_6240", "--model", "lut",
                        "--train-size", "300", "--id", "lut-cpu"], capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([HWNAS, "finetune", "--base", "lut-cpu", "--samples-from", str(out),
                        "--method", "affine", "--id", "here"], capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["predictor"] == "here"
    r = subprocess.run([HWNAS, "search", "--space", "nb201", "--predictor", "here", "--budget", "1000",
                        "--generations", "2", "--population", "10"], capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["best"]["arch"]
    # adapt-proxy takes the same file as target.samples (name: --target, else the file's stem).
    r = subprocess.run([HWNAS, "adapt-proxy", "--proxy", "lut-cpu", "--samples-from", str(out),
                        "--method", "affine"], capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["predictor"] == "samples"
    bad = tmp_path / "bad.csv"
    bad.write_text("arch,ms\n5,1\n")
    r = subprocess.run([HWNAS, "train", "--space", "nb201", "--samples-from", str(bad)], capture_output=True, env=env, timeout=60)
    assert r.returncode == 2 and b"--samples-from" in r.stderr and b"latency_ms" in r.stderr  # a usage error


def test_measure_cli_errors(binary, tmp_path):
    env = dict(os.environ, HWNASD=binary)
    r = subprocess.run([HWNAS, "measure", "--space", "nb201", "--out", str(tmp_path / "x.csv")],
                       capture_output=True, env=env, timeout=60)
    assert r.returncode == 2 and b"no architectures" in r.stderr  # a bad command line (was exit 1)
    assert not (tmp_path / "x.csv").exists()
    # An --out folder that is not there used to be found only after every network was timed
    # ("[Errno 2] No such file or directory: '.../.x.csv.tmp123'", exit 1); a missing --archs-from was exit 1.
    for args, what in ((["--sample", "2", "--out", str(tmp_path / "nowhere" / "x.csv")], b"--out"),
                       (["--archs-from", str(tmp_path / "none.txt"), "--out", str(tmp_path / "x.csv")], b"--archs-from")):
        r = subprocess.run([HWNAS, "measure", "--space", "nb201"] + args, capture_output=True, env=env, timeout=60)
        assert r.returncode == 2 and what in r.stderr and b"measure: pass" not in r.stderr, r.stderr


def test_measure_times_exported_onnx_files_without_a_daemon(client, tmp_path, monkeypatch):
    """--onnx: files `export` wrote (e.g. copied to a device) are timed as they are, their space and
    architecture read from the files' hwnasd.* metadata; no daemon is started for them."""
    ort = pytest.importorskip("onnxruntime")
    onnx = pytest.importorskip("onnx")
    _needs_export(client)
    archs = hm.read_arch_list(REFERENCE)[:3]
    exported = client.export("nb201", archs, dir=str(tmp_path / "onnx"), pruneDead=True)["files"]
    props = ort.InferenceSession(exported[0]["path"], providers=["CPUExecutionProvider"]).get_modelmeta().custom_metadata_map
    assert props["hwnasd.space"] == "nb201" and props["hwnasd.arch"] == exported[0]["arch"]
    assert props["hwnasd.batch"] == "1" and props["hwnasd.pruneDead"] == "true" and props["hwnasd.resolution"] == "32"

    def no_daemon(*a, **k):
        raise AssertionError("measure started a daemon for files it only times")
    monkeypatch.setattr(hm, "HwnasClient", no_daemon)
    out = tmp_path / "s.csv"
    r = hm.measure(files=[str(tmp_path / "onnx")], out=str(out), repeats=2, warmup=1, passes=1, quiet=True)
    assert sorted(row["arch"] for row in r["rows"]) == sorted(f["arch"] for f in exported)
    assert {row["file"] for row in r["rows"]} == {f["path"] for f in exported}
    assert r["meta"]["space"] == "nb201" and "3 from ONNX files" in r["meta"]["hwnas measure"]
    assert [s["arch"] for s in samples_from_csv(out)] == [row["arch"] for row in r["rows"]]

    # A file written before the metadata existed: its doc_string names space and architecture.
    model = onnx.load(exported[1]["path"])
    del model.metadata_props[:]
    old = tmp_path / "old.onnx"
    onnx.save(model, str(old))
    from hwnas.onnxmeta import exported_network_info
    assert exported_network_info(str(old)) == {"space": "nb201", "arch": exported[1]["arch"], "batch": 1}
    # Refused before anything is timed: another space, another batch, a file hwnasd did not write.
    with pytest.raises(hm.MeasureError, match="not of space fbnet"):
        hm.measure("fbnet", files=[str(old)], quiet=True)
    b2 = client.export("nb201", archs[:1], path=str(tmp_path / "b2.onnx"), batch=2)["files"][0]["path"]
    with pytest.raises(hm.MeasureError, match="batch sizes 1, 2"):
        hm.measure(files=[str(old), b2], quiet=True)
    del model.metadata_props[:]
    model.producer_name, model.doc_string = "torch", ""
    foreign = tmp_path / "foreign.onnx"
    onnx.save(model, str(foreign))
    with pytest.raises(hm.MeasureError, match="not exported by hwnasd"):
        hm.measure(files=[str(foreign)], quiet=True)


def test_shell_measure_onnx_needs_no_daemon(client, tmp_path):
    pytest.importorskip("onnxruntime")
    _needs_export(client)
    client.export("nb201", hm.read_arch_list(REFERENCE)[:2], dir=str(tmp_path / "onnx"))
    env = dict(os.environ, HWNASD=str(tmp_path / "no-such-hwnasd"))  # a device without the daemon
    out = tmp_path / "s.csv"
    r = subprocess.run([HWNAS, "measure", "--onnx", str(tmp_path / "onnx"), "--out", str(out), "--repeats", "2",
                        "--warmup", "1", "--passes", "1", "--json", "--quiet"], capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["out"] == str(out) and len(result["rows"]) == 2 and len(samples_from_csv(out)) == 2
    for args, what in ((["--onnx", str(tmp_path / "none")], b"--onnx"), (["--sample", "2"], b"--space is required")):
        r = subprocess.run([HWNAS, "measure", "--out", str(out)] + args, capture_output=True, env=env, timeout=60)
        assert r.returncode == 2 and what in r.stderr, r.stderr


def test_onnx_metadata_reader_refuses_any_malformed_file_cleanly(tmp_path):
    # Random bytes and lengths that point past the end (one raised OSError from a seek) are all NotAnExport.
    import random
    from hwnas.onnxmeta import NotAnExport, exported_network_info
    rng = random.Random(1)
    path = tmp_path / "x.onnx"
    for i in range(2000):
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
        if i % 3 == 0:
            data = b"\x3a" + b"\xff" * 9 + b"\x7f" + data  # the graph field, with a length past any file
        path.write_bytes(data)
        with pytest.raises(NotAnExport):
            exported_network_info(str(path))
