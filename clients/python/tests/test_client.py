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

    # Replay every example through the real daemon; validate params and results.
    ex_dir = os.path.join(ROOT, "protocol", "examples")
    checked = 0
    for name in sorted(os.listdir(ex_dir)):
        sends = []
        with open(os.path.join(ex_dir, name)) as f:
            for line in f:
                if line.strip():
                    step = json.loads(line)
                    if "send" in step:
                        sends.append(step["send"])
        body = "".join(json.dumps(m) + "\n" for m in sends)
        with tempfile.TemporaryDirectory() as state:
            out = subprocess.run([binary, "--ndjson", "--state", state], input=body.encode(), capture_output=True, timeout=60).stdout
        replies = [json.loads(l) for l in out.decode().splitlines() if l.strip()]
        by_id = {}
        for r in replies:
            for m in r if isinstance(r, list) else [r]:
                by_id[m.get("id")] = m
        for msgs in sends:
            for m in msgs if isinstance(msgs, list) else [msgs]:
                if not isinstance(m, dict) or "method" not in m:
                    continue
                pk = key(m["method"], "params")
                if pk in schemas and "id" in m and "error" not in by_id.get(m["id"], {}):
                    jsonschema.validate(m.get("params", {}), schemas[pk])
                reply = by_id.get(m.get("id"))
                if reply is None:
                    continue
                if "result" in reply and key(m["method"], "result") in schemas:
                    jsonschema.validate(reply["result"], schemas[key(m["method"], "result")])
                    checked += 1
                if "error" in reply:
                    jsonschema.validate(reply["error"], schemas["error"])
    assert checked >= 8


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
