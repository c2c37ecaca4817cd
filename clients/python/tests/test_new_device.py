"""hwnas new-device / HwnasClient.new_device: suggestSamples -> measure -> adaptProxy -> saved predictor
(issue 16). Small: 5-6 architectures, 1 timed run, two proxies, a LUT proxy predictor."""
import csv
import json
import os
import subprocess

import pytest

from conftest import ROOT

HWNAS = os.path.join(ROOT, "clients", "hwnas")
PROXIES = ["pixel3", "raspi4"]


def _fixture_latency(device):
    with open(os.path.join(ROOT, "fixtures", "nb201", "latency.csv"), newline="") as f:
        return {row["arch_str"]: float(row[device]) for row in csv.DictReader(f)}


def test_new_device_with_a_callback_for_another_device(client):
    """A device that is not this machine: its measurements come from a callback (here the
    fixtures' eyeriss values stand in for the phone or board a user would time)."""
    eyeriss = _fixture_latency("eyeriss")
    client.train(space="nb201", device="titan_rtx_1", model="lut", trainSize=300, id="lut-titan")
    steps = []
    r = client.new_device("nb201", "my-board", 6, proxy="lut-titan", proxies=PROXIES, estimate=False,
                          measure_fn=lambda archs: [eyeriss[a] for a in archs], progress=steps.append)
    assert len(r["suggested"]) == 6 and len(set(r["suggested"])) == 6
    assert [s["latency_ms"] for s in r["samples"]] == [eyeriss[a] for a in r["suggested"]]
    assert r["predictor"] == "my-board" and r["adaptation"]["target"] == "my-board"
    assert [s["step"] for s in steps] == [1, 2, 3, 4] and "cross-validated SRCC" in steps[-1]["message"]
    assert client.predict(predictor="my-board", archs=[5])["latency_ms"][0] > 0
    # Sequential: with those measured, the next batch avoids them and names the proxy ranking them best.
    r2 = client.new_device("nb201", "my-board", 4, proxy="lut-titan", proxies=PROXIES, estimate=False,
                           measured=r["samples"], save=False, measure_fn=lambda archs: [eyeriss[a] for a in archs])
    assert not set(r2["suggested"]) & set(r["suggested"]) and r2["suggestion"]["bestProxy"]["proxy"] in PROXIES
    assert len(r2["samples"]) == 10 and r2["adaptation"]["crossValidated"]["count"] >= 9


def test_new_device_without_a_proxy_averages_the_closest_devices(client):
    """The default loop: no proxy given, adaptProxy averages the adaptations of the 3 proxies closest
    to the measurements (here chosen among 4 small LUT predictors standing in for the fixture devices)."""
    eyeriss = _fixture_latency("eyeriss")
    pool = []
    for device in ("titan_rtx_1", "pixel3", "raspi4", "gold_6240"):
        client.train(space="nb201", device=device, model="lut", trainSize=300, id=f"lut-{device}")
        pool.append(f"lut-{device}")
    steps = []
    r = client.new_device("nb201", "my-board", 10, proxies=pool, estimate=False,
                          measure_fn=lambda archs: [eyeriss[a] for a in archs], progress=steps.append)
    a = r["adaptation"]
    assert a["method"] == "ensemble" and len(a["ensemble"]) == 3 and r["proxies"] == [m["proxy"] for m in a["ensemble"]]
    assert set(r["proxies"]) <= set(pool) and r["proxy"] == r["proxies"][0] and a["pool"] == pool
    assert [s["step"] for s in steps] == [1, 2, 3, 3, 4] and "averaged the adaptations of" in steps[3]["message"]
    assert a["crossValidated"]["spearman"] == a["srccAfter"] and "moreSamples" in a
    assert client.predict(predictor="my-board", archs=[5])["latency_ms"][0] > 0
    # Two proxies only: the ensemble is capped at them.
    r2 = client.new_device("nb201", "my-board-2", 5, proxies=pool[:2], estimate=False, save=False,
                           measure_fn=lambda archs: [eyeriss[a] for a in archs])
    assert len(r2["proxies"]) == 2


def test_new_device_command_measures_here_and_saves(binary, tmp_path):
    pytest.importorskip("onnxruntime")
    env = dict(os.environ, HWNASD=binary, XDG_DATA_HOME=str(tmp_path / "data"))
    r = subprocess.run([HWNAS, "train", "--space", "nb201", "--device", "gold_6240", "--model", "lut",
                        "--train-size", "300", "--id", "lut-cpu"], capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "mine.csv"
    args = ["new-device", "--space", "nb201", "--name", "mycpu", "--budget", "5", "--proxy", "lut-cpu", "--no-estimate",
            "--repeats", "1", "--passes", "1", "--warmup", "0", "--samples-out", str(out)]
    for p in PROXIES:
        args += ["--proxies", p]
    r = subprocess.run([HWNAS] + args, capture_output=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    for step in ("[1/4] suggesting 5 nb201", "[2/4] measuring 5", "[3/4] adapting lut-cpu to mycpu", "[4/4] predictor mycpu"):
        assert step.encode() in r.stderr, r.stderr
    result = json.loads(r.stdout)
    assert result["predictor"] == "mycpu" and len(result["samples"]) == 5 and out.exists()
    assert os.path.exists(result["adaptation"]["path"])
    r = subprocess.run([HWNAS, "predict", "--predictor", "mycpu", "--arch", "5"], capture_output=True, env=env, timeout=60)
    assert r.returncode == 0 and json.loads(r.stdout)["latency_ms"][0] > 0
    # Another device's measuring command (here: hwnas measure itself, through the command path; its own
    # daemon needs a state dir of its own: the loop's daemon holds the lock on the default one).
    cmd = f"XDG_DATA_HOME={tmp_path / 'measure'} {HWNAS} measure --space {{space}} --archs-from {{archs}} --out {{out}} --repeats 1 --passes 1 --warmup 0 --quiet"
    r = subprocess.run([HWNAS, "new-device", "--space", "nb201", "--name", "other", "--budget", "3", "--proxy", "lut-cpu",
                        "--no-estimate", "--no-save", "--proxies", "pixel3", "--measure-cmd", cmd, "--json"],
                       capture_output=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert len(result["samples"]) == 3 and all(s["latency_ms"] > 0 for s in result["samples"])
    assert "path" not in result["adaptation"]
    # --human, as every other command takes it: the summary even when stdout is a pipe.
    r = subprocess.run([HWNAS, "new-device", "--space", "nb201", "--name", "other", "--budget", "3", "--proxy", "lut-cpu",
                        "--no-estimate", "--no-save", "--proxies", "pixel3", "--measure-cmd", cmd, "--human", "--quiet"],
                       capture_output=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(b"new device other (nb201): predictor other, adapted from lut-cpu on 3 measurements"), r.stdout
    # A failing measuring command is an error naming it, not a traceback.
    r = subprocess.run([HWNAS, "new-device", "--space", "nb201", "--name", "x", "--budget", "3", "--no-estimate",
                        "--proxies", "pixel3", "--measure-cmd", "exit 3"], capture_output=True, env=env, timeout=120)
    assert r.returncode == 1 and b"measuring command exited with 3" in r.stderr
    assert b"it printed nothing; the command run was: exit 3" in r.stderr, r.stderr  # was an empty reason


def test_new_device_usage_errors_come_before_any_measuring(binary, tmp_path):
    # --samples-out in a missing folder used to fail after every network was measured ("[Errno 2]
    # ... .s.csv.tmpPID", exit 1); --budget 0 and a bad --samples-from were exit 1 too.
    env = dict(os.environ, HWNASD=binary, XDG_DATA_HOME=str(tmp_path / "data"))
    bad = tmp_path / "bad.csv"
    bad.write_text("arch,latency_ms\n5,NaN\n")
    for extra, what in ((["--budget", "3", "--samples-out", str(tmp_path / "nowhere" / "s.csv")], b"--samples-out"),
                        (["--budget", "0"], b"--budget"),
                        (["--budget", "3", "--samples-from", str(bad)], b"--samples-from")):
        r = subprocess.run([HWNAS, "new-device", "--space", "nb201", "--name", "x"] + extra, capture_output=True,
                           env=env, timeout=60)
        assert r.returncode == 2 and what in r.stderr and b"measuring" not in r.stderr, (extra, r.stderr)


def test_new_device_summary_suggests_the_predictor_only_when_saved():
    # With --no-save it said "use it: hwnas search ... --predictor NAME", which then fails: the
    # predictor lived only in new-device's own daemon.
    from hwnas.newdevice import summary
    result = {"predictor": "nd", "proxy": "raspi4", "proxies": ["raspi4"], "samples": [{}] * 5,
              "adaptation": {"crossValidated": {"spearman": 0.96}}}
    text = summary("nd", "nb201", result)
    assert "use it" not in text and "not saved (--no-save)" in text, text
    result["adaptation"]["path"] = "/s/predictors/nd.hwnp"
    text = summary("nd", "nb201", result)
    assert "saved: /s/predictors/nd.hwnp" in text and "use it: hwnas search --space nb201 --predictor nd" in text, text
