import itertools
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading

import pytest
from conftest import ROOT

import hwnas
from hwnas import cli
from hwnas import HwnasClient, HwnasError

NB201 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|"


def test_initialize_lists_spaces_devices_methods(client):
    info = client.server_info
    assert info["serverInfo"]["name"] == "hwnasd"
    assert {"nb201", "fbnet", "ofa_mbv3"} <= {s["id"] for s in info["searchSpaces"]}
    assert any(d["name"] == "pixel3" for d in info["devices"])
    assert "encode" in info["methods"]
    assert info["predictorCount"] == len(info["predictors"]) == 0


def test_encode_sample_space_info(client):
    r = client.encode(space="nb201", archs=[NB201, 0])
    assert len(r["vectors"]) == 2 and len(r["vectors"][0]) == r["dimension"]
    s = client.sample(space="fbnet", count=3, seed=1)
    assert len(s["archs"]) == 3
    assert client.sample(space="fbnet", count=3, seed=1) == s
    assert client.space_info("nb201")["size"] == 15625


def test_response_larger_than_a_pipe_buffer(client):
    # A response body over 64 KiB arrives in several reads of the pipe; the client must join them
    # (it used to hand a truncated body to json.loads and then hang waiting for the reply).
    r = client.call("encode", {"space": "nb201", "archs": list(range(15625))}, timeout=60)
    assert r["count"] == 15625 and len(r["vectors"]) == 15625
    assert all(len(v) == r["dimension"] for v in r["vectors"])
    assert r["vectors"][0] == client.encode(space="nb201", archs=[0])["vectors"][0]


def test_errors_raise_with_code_and_field(client):
    with pytest.raises(HwnasError) as e:
        client.encode(space="nb201", archs=[NB201, True])
    assert e.value.code == -32602 and e.value.data["field"] == "params.archs[1]"
    with pytest.raises(HwnasError) as e:
        client.encode(space="nope", archs=[])
    assert e.value.code == -32001
    with pytest.raises(HwnasError) as e:
        client.call("no/such")
    assert e.value.code == -32601


def test_concurrent_requests_matched_by_id(client):
    reqs = [client.start("hwnas/sample", {"space": "nb201", "count": 1, "seed": i}) for i in range(20)]
    results = [r.result(10) for r in reqs]
    assert results == [client.sample(space="nb201", count=1, seed=i) for i in range(20)]


def test_close_returns_zero(binary):
    with tempfile.TemporaryDirectory() as state:
        c = HwnasClient(binary, state=state)
        assert c.close() == 0


def test_close_after_a_shutdown_still_sends_exit(binary):
    # close() sent exit only when its own shutdown succeeded; after a user's shutdown the second one
    # is refused ("only exit is accepted"), so close() waited out its whole timeout and killed the daemon.
    import time
    with tempfile.TemporaryDirectory() as state:
        c = HwnasClient(binary, state=state)
        assert c.call("shutdown") is None
        t0 = time.monotonic()
        assert c.close(timeout=30) == 0
        assert time.monotonic() - t0 < 10


def test_progress_iterator_and_callback(client):
    # Client-side routing of $/progress values (long-method progress end to end is tested with
    # the lead's search/train methods).
    req = hwnas.Request(client, 999, "search", "tok")
    seen = []
    req.callback = seen.append
    report = {"kind": "report", "step": 1, "total": 2, "generation": 1}
    client._by_token["tok"] = req
    client._dispatch({"jsonrpc": "2.0", "method": "$/progress", "params": {"token": "tok", "value": {"kind": "begin", "title": "search"}}})
    client._dispatch({"jsonrpc": "2.0", "method": "$/progress", "params": {"token": "tok", "value": report}})
    client._dispatch({"jsonrpc": "2.0", "method": "$/progress", "params": {"token": "tok", "value": {"kind": "end"}}})
    assert seen == [report]
    assert list(req.progress(timeout=1)) == [report]


def _matches(pattern, value):
    """The replay rule of protocol/PROTOCOL.md ("Schemas and examples")."""
    if pattern == "*":
        return True
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(k in value and _matches(p, value[k]) for k, p in pattern.items())
    if isinstance(pattern, list):
        return isinstance(value, list) and len(pattern) == len(value) and all(map(_matches, pattern, value))
    if isinstance(pattern, bool) or isinstance(value, bool):
        return pattern is value
    return pattern == value


def _replay(binary, path):
    """Replays one example step by step (each expect waits for its message, as the Swift replay
    does); returns (requests by id, every message received)."""
    with open(path) as f:
        steps = [json.loads(line) for line in f if line.strip()]
    requests, received = {}, []
    with tempfile.TemporaryDirectory() as state:
        proc = subprocess.Popen([binary, "--ndjson", "--state", state], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        unmatched = []
        lines = queue.Queue()  # a reader thread, so an expectation never met fails instead of hanging
        threading.Thread(target=lambda: [lines.put(x) for x in iter(proc.stdout.readline, b"")] + [lines.put(b"")],
                         daemon=True).start()
        try:
            for n, step in enumerate(steps, 1):
                if "send" in step:
                    for m in step["send"] if isinstance(step["send"], list) else [step["send"]]:
                        if isinstance(m, dict) and "id" in m and "method" in m:
                            requests[m["id"]] = m
                    proc.stdin.write((json.dumps(step["send"]) + "\n").encode())
                    proc.stdin.flush()
                elif "expect" in step:
                    while not any(_matches(step["expect"], m) for m in unmatched):
                        try:
                            line = lines.get(timeout=300)
                        except queue.Empty:
                            raise AssertionError(f"{os.path.basename(path)}:{n}: no message matched {step['expect']} "
                                                 f"in 300 s; unmatched: {unmatched}") from None
                        assert line, f"{os.path.basename(path)}:{n}: daemon closed stdout before {step['expect']}"
                        got = json.loads(line)
                        unmatched.append(got)  # a batch reply is matched as a whole
                        received.extend(got if isinstance(got, list) else [got])
                    unmatched.remove(next(m for m in unmatched if _matches(step["expect"], m)))
                elif "exitCode" in step:
                    proc.stdin.close()
                    assert proc.wait(60) == step["exitCode"], f"{os.path.basename(path)}:{n}"
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return requests, received


def test_schemas_are_valid_and_examples_validate(binary):
    jsonschema = pytest.importorskip("jsonschema")
    schema_dir = os.path.join(ROOT, "protocol", "schemas")
    schemas = {}
    for name in sorted(os.listdir(schema_dir)):
        with open(os.path.join(schema_dir, name)) as f:
            s = json.load(f)
        jsonschema.Draft202012Validator.check_schema(s)
        schemas[name[:-5]] = s
    assert "encode.result" in schemas and "progress.params" in schemas

    def key(method, part):
        return method.replace("$/", "").replace("/", ".") + "." + part

    # Every method the daemon lists (lifecycle notifications aside) has both schemas.
    with tempfile.TemporaryDirectory() as state:
        c = HwnasClient(binary, state=state)
        methods = c.server_info["methods"]
        c.close()
    for m in methods:
        if m not in ("exit", "$/cancelRequest"):
            assert key(m, "params") in schemas and key(m, "result") in schemas, m
    assert {"train.params", "search.result", "monotonicity.result", "adaptProxy.params"} <= set(schemas)

    # Replay every example through the real daemon; validate params, results, errors, progress.
    ex_dir = os.path.join(ROOT, "protocol", "examples")
    checked, methods_seen = 0, set()
    for name in sorted(os.listdir(ex_dir)):
        requests, received = _replay(binary, os.path.join(ex_dir, name))
        failed = {r.get("id") for r in received if "error" in r}
        for rid, m in requests.items():
            pk = key(m["method"], "params")
            if pk in schemas and rid not in failed:  # invalid params are meant to be invalid
                jsonschema.validate(m.get("params", {}), schemas[pk])
        for r in received:
            if r.get("method") == "$/progress":
                jsonschema.validate(r["params"], schemas["progress.params"])
                continue
            req = requests.get(r.get("id"))
            if "error" in r:
                jsonschema.validate(r["error"], schemas["error"])
            elif req is not None and key(req["method"], "result") in schemas:
                jsonschema.validate(r["result"], schemas[key(req["method"], "result")])
                methods_seen.add(req["method"])
                checked += 1
    assert checked >= 20
    assert {"predict", "train", "evaluate", "save", "deletePredictor", "search", "trainGenerator", "generate",
            "monotonicity", "adaptProxy", "reuse"} <= methods_seen


def test_shell_client(binary):
    env = dict(os.environ, HWNASD=binary)
    hwnas = os.path.join(ROOT, "clients", "hwnas")
    r = subprocess.run([hwnas, "encode", "--space", "nb201", "--arch", NB201, "--arch", "7"], capture_output=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["vectors"]) == 2
    r = subprocess.run([hwnas, "call", "hwnas/listDevices", '{"space":"fbnet"}'], capture_output=True, env=env, timeout=60)
    assert r.returncode == 0 and json.loads(r.stdout)["devices"]
    r = subprocess.run([hwnas, "encode", "--space", "nope", "--arch", "1"], capture_output=True, env=env, timeout=60)
    assert r.returncode == 1 and b"-32001" in r.stderr and r.stdout == b""
    r = subprocess.run([hwnas, "frobnicate"], capture_output=True, env=env, timeout=60)
    assert r.returncode != 0


def test_cli_parsing():
    assert cli.parse_cli(["predict", "--space", "nb201", "--device", "pixel3", "--arch", "5", "--batch", "3"]) == (
        "predict", {"space": "nb201", "device": "pixel3", "archs": [5], "batch": 3})
    assert cli.parse_cli(["call", "x/y", '{"a": 1}']) == ("x/y", {"a": 1})


def test_cli_conveniences():
    # The README's main command, exactly as written.
    assert cli.parse_cli(["search", "--space", "nb201", "--device", "pixel3", "--budget", "5"]) == (
        "search", {"space": "nb201", "device": "pixel3", "budget": {"latency_ms": 5}})
    assert cli.parse_cli(["search", "--space", "nb201", "--predictor", "7", "--pareto", "--generations", "3"]) == (
        "search", {"space": "nb201", "predictor": "7", "pareto": True, "generations": 3})
    assert cli.parse_cli(["generate", "--space", "nb201", "--device", "pixel3", "--budget", "3", "--budget", "7.5", "--samples", "0"]) == (
        "generate", {"space": "nb201", "device": "pixel3", "budgets": [3, 7.5], "samples": 0})
    assert cli.parse_cli(["monotonicity", "--space", "nb201", "--device", "pixel3", "--device", "pixel2"]) == (
        "monotonicity", {"space": "nb201", "devices": ["pixel3", "pixel2"]})
    assert cli.parse_cli(["delete-predictor", "--predictor", "p1"]) == ("deletePredictor", {"predictor": "p1"})
    assert cli.parse_cli(["search", "--space", "nb201", "--device", "pixel3", "--budget", '{"latency_ms": 2}'])[1]["budget"] == {
        "latency_ms": 2}  # (a search needs a latency source: --device, --predictor or --spec)


def test_decode_f32():
    import struct
    packed = struct.pack("<3f", 1.5, 20.25, 0.125)
    import base64
    assert hwnas.decode_f32(base64.b64encode(packed).decode()) == [1.5, 20.25, 0.125]


def test_predictor_wrappers(client):
    info = client.train(space="nb201", device="pixel3", model="lut", trainSize=300, id="lut-px3")
    assert info["predictor"] == "lut-px3" and info["model"] == "lut" and info["metrics"]["trainCount"] == 300
    archs = [NB201, 5, 15624]
    plain = client.predict(predictor="lut-px3", archs=archs)
    packed = client.predict(predictor="lut-px3", archs=archs, output="f32-base64")
    assert "latency_ms_f32" in packed and len(packed["latency_ms"]) == 3
    assert packed["latency_ms"] == pytest.approx(plain["latency_ms"], rel=1e-6)
    raw = client.predict(predictor="lut-px3", archs=archs, output="f32-base64", decode=False)
    assert "latency_ms" not in raw
    ev = client.evaluate(predictor="lut-px3")
    # Degenerate cells (no data path) are left out, as searches leave them out; asked, they count.
    assert ev["data"] == "fixtures:pixel3" and ev["metrics"]["count"] == 15625 - 341 and ev["degenerateLeftOut"] == 341
    assert client.evaluate(predictor="lut-px3", includeDegenerate=True)["metrics"]["count"] == 15625
    # Prediction intervals from the predictor's held-out error profile (issue 17).
    iv = client.predict(predictor="lut-px3", archs=archs, interval=0.9)
    assert iv["interval"] == 0.9 and len(iv["lower"]) == len(iv["upper"]) == 3
    assert all(lo <= y <= hi for lo, y, hi in zip(iv["lower"], iv["latency_ms"], iv["upper"]))
    # MAPE is in percent on the wire: every sample measured at twice the prediction is 50 (%).
    doubled = [{"arch": a, "latency_ms": 2 * y} for a, y in zip(archs, plain["latency_ms"])]
    assert client.evaluate(predictor="lut-px3", samples=doubled)["metrics"]["mape"] == pytest.approx(50)
    # Pages of listPredictors, sorted by id (iter_predictors follows `next`).
    client.train(space="nb201", device="pixel3", model="lut", trainSize=300, id="lut-px3b", save=False)
    assert [p["id"] for p in client.iter_predictors(page=1, device="pixel3")] == ["lut-px3", "lut-px3b"]
    path = client.save("lut-px3")["path"]
    assert os.path.exists(path)
    assert client.delete_predictor("lut-px3") == {"predictor": "lut-px3", "deleted": True}
    assert not os.path.exists(path)
    with pytest.raises(HwnasError) as e:
        client.predict(predictor="lut-px3", archs=[5])
    assert e.value.code == -32011


def test_load_wrapper(client):
    client.train(space="nb201", device="pixel2", model="lut", trainSize=200, id="lut-px2")
    path = client.save("lut-px2")["path"]
    with tempfile.TemporaryDirectory() as other:
        c2 = HwnasClient(client.proc.args[0], state=other)
        try:
            loaded = c2.load(path)
            assert loaded["predictor"] == "lut-px2" and loaded["device"] == "pixel2"
            assert c2.predict(predictor="lut-px2", archs=[5]) == client.predict(predictor="lut-px2", archs=[5])
        finally:
            c2.close()


def test_monotonicity_wrapper(client):
    if "monotonicity" not in client.server_info["methods"]:
        with pytest.raises(HwnasError) as e:
            client.monotonicity(space="nb201", devices=["pixel3", "pixel2"])
        assert e.value.code == -32601
        return
    r = client.monotonicity(space="nb201", devices=["pixel3", "pixel2"])
    assert r["devices"] == ["pixel3", "pixel2"] and len(r["matrix"]) == 2
    assert r["matrix"][0][0] == 1 and r["matrix"][0][1] == r["matrix"][1][0]
    assert -1 <= r["matrix"][0][1] <= 1 and r["source"][0][1] == "measured"


def _schema(name):
    with open(os.path.join(ROOT, "protocol", "schemas", name + ".json")) as f:
        return json.load(f)


def test_adapt_proxy_wrapper_on_measured_samples(client):
    # Target samples are real pixel2 measurements from the fixtures (first 20 rows).
    import csv
    with open(os.path.join(ROOT, "fixtures", "nb201", "latency.csv")) as f:
        rows = list(itertools.islice(csv.DictReader(f), 20))
    samples = [{"arch": r["arch_str"], "latency_ms": float(r["pixel2"])} for r in rows]
    client.train(space="nb201", device="pixel3", model="lut", trainSize=300, id="lut-px3")
    params = {"proxy": "lut-px3", "target": {"name": "pixel2-adapted", "samples": samples}, "method": "affine"}
    if "adaptProxy" not in client.server_info["methods"]:
        with pytest.raises(HwnasError) as e:
            client.adapt_proxy(**params)
        assert e.value.code == -32601
        return
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(params, _schema("adaptProxy.params"))
    r = client.adapt_proxy(**params)
    jsonschema.validate(r, _schema("adaptProxy.result"))
    assert r["predictor"] == "pixel2-adapted" and r["method"] == "affine" and r["evaluation"] == "crossValidated"
    assert len(client.predict(predictor="pixel2-adapted", archs=[5, 6])["latency_ms"]) == 2
    m = client.monotonicity(space="nb201", devices=["pixel3", "pixel2"], target="pixel3")
    jsonschema.validate(m, _schema("monotonicity.result"))
    assert m["bestProxy"]["target"] == "pixel3" and m["bestProxy"]["device"] == "pixel2"


def test_search_cancel_returns_partial_result(client):
    client.train(space="nb201", device="pixel3", model="lut", trainSize=300, id="lut-px3")
    req = client.start("search", {"space": "nb201", "predictor": "lut-px3", "budget": {"latency_ms": 5},
                                  "generations": 1000000, "population": 20}, want_progress=True)
    first = next(req.progress(timeout=30))
    assert first["kind"] == "report" and first["generation"] >= 1
    req.cancel()
    r = req.result(30)
    assert r["partial"] is True and r["generations"] < 1000000 and r["best"]["latency_ms"] <= 5


def test_train_cancel_is_request_cancelled(client):
    req = client.start("train", {"space": "nb201", "device": "pixel3", "model": "mlp", "maxEpochs": 100000,
                                 "id": "mlp-cancelled"}, want_progress=True)
    next(req.progress(timeout=60))
    req.cancel()
    with pytest.raises(HwnasError) as e:
        req.result(30)
    assert e.value.code == -32800
    assert all(p["id"] != "mlp-cancelled" for p in client.list_predictors(space="nb201")["predictors"])


def test_a_closed_client_says_it_is_closed(binary, tmp_path):
    # A request after close() (or after its `with` block) said "hwnasd exited (exit code 0)".
    with hwnas.HwnasClient(binary, state=str(tmp_path)) as c:
        pass
    with pytest.raises(hwnas.DaemonExited, match="this HwnasClient is closed"):
        c.predict(space="nb201", device="pixel3", archs=[1])
    assert c.close() == 0  # closing again is harmless


def test_nan_is_refused_before_sending(client):
    # json.dumps writes NaN, which is not JSON: the client refuses it with a clear message instead
    # of sending a request the daemon can only answer with a parse error.
    for bad in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ValueError, match="NaN or Infinity"):
            client.call("hwnas/sample", {"space": "nb201", "count": bad}, timeout=10)
    assert not client._pending
    assert client.sample(space="nb201", count=2, seed=1)["archs"]  # the session goes on


def test_null_id_error_fails_the_one_pending_request(client):
    # A request written by another encoder (bytes the daemon cannot parse nor find an id in):
    # the parse error comes back with id null; the one request waiting fails instead of hanging.
    req = hwnas.Request(client, "raw", "hwnas/sample", None)
    with client._lock:
        client._pending["raw"] = req
    client._send(None, b'{"jsonrpc":"2.0","method":"hwnas/sample","params":{"count":NaN},"id":{"x":1}}')
    with pytest.raises(HwnasError) as e:
        req.result(timeout=20)
    assert e.value.code == -32700
    assert not client._pending
    # With the id readable the daemon answers the request itself.
    req = hwnas.Request(client, 77, "hwnas/sample", None)
    with client._lock:
        client._pending[77] = req
    client._send(None, b'{"jsonrpc":"2.0","id":77,"method":"hwnas/sample","params":{"count":NaN}}')
    with pytest.raises(HwnasError) as e:
        req.result(timeout=20)
    assert e.value.code == -32700


def test_null_params_are_absent(client):
    # pygls and other LSP clients send "params": null for shutdown.
    req = hwnas.Request(client, 88, "shutdown", None)
    with client._lock:
        client._pending[88] = req
    client._send(None, b'{"jsonrpc":"2.0","id":88,"method":"shutdown","params":null}')
    assert req.result(timeout=20) is None


def test_shell_client_refuses_nan(binary):
    env = dict(os.environ, HWNASD=binary)
    hwnas = os.path.join(ROOT, "clients", "hwnas")
    r = subprocess.run([hwnas, "call", "hwnas/sample", '{"space":"nb201","count":NaN}'], capture_output=True, env=env, timeout=60)
    assert r.returncode == 1 and b"NaN or Infinity" in r.stderr and r.stdout == b""
