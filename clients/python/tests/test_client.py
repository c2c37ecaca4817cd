import json
import os
import subprocess
import sys
import tempfile

import pytest
from conftest import ROOT

import hwnas_client
from hwnas_client import HwnasClient, HwnasError

NB201 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|"


def test_initialize_lists_spaces_devices_methods(client):
    info = client.server_info
    assert info["serverInfo"]["name"] == "hwnasd"
    assert {"nb201", "fbnet", "ofa_mbv3"} <= {s["id"] for s in info["searchSpaces"]}
    assert any(d["name"] == "pixel3" for d in info["devices"])
    assert "encode" in info["methods"]


def test_encode_sample_space_info(client):
    r = client.encode(space="nb201", archs=[NB201, 0])
    assert len(r["vectors"]) == 2 and len(r["vectors"][0]) == r["dimension"]
    s = client.sample(space="fbnet", count=3, seed=1)
    assert len(s["archs"]) == 3
    assert client.sample(space="fbnet", count=3, seed=1) == s
    assert client.space_info("nb201")["size"] == 15625


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


def test_progress_iterator_and_callback(client):
    # Client-side routing of $/progress values (long-method progress end to end is tested with
    # the lead's search/train methods).
    req = hwnas_client.Request(client, 999, "search", "tok")
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
                        line = proc.stdout.readline()
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
    assert {"predict", "train", "evaluate", "save", "deletePredictor", "search", "trainGenerator", "generate"} <= methods_seen


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
    assert hwnas_client.parse_cli(["predict", "--space", "nb201", "--device", "pixel3", "--arch", "5", "--top-k", "3"]) == (
        "predict", {"space": "nb201", "device": "pixel3", "archs": [5], "topK": 3})
    assert hwnas_client.parse_cli(["call", "x/y", '{"a": 1}']) == ("x/y", {"a": 1})
