"""Every enumerated value a params schema allows is one the daemon takes, and the reverse; a
number the daemon refuses as out of range the schema refuses too. A client that validates
against protocol/schemas must neither refuse what the daemon takes nor send what it refuses."""
import json
import os
import re

import pytest
from conftest import ROOT

from hwnas import HwnasError

# (method, params with a bogus value at `path`, path): the daemon's -32602 lists what it allows.
SAMPLES = [{"arch": i, "latency_ms": 1.0 + i / 10} for i in (5, 6, 7, 8, 9)]
CASES = [
    ("finetune", {"base": "l", "samples": SAMPLES, "method": "bogus"}, ["method"]),
    ("train", {"space": "nb201", "device": "pixel3", "model": "bogus"}, ["model"]),
    ("search", {"space": "nb201", "predictor": "l", "budget": {"latency_ms": 5}, "algorithm": "bogus"}, ["algorithm"]),
    ("search", {"space": "nb201", "spec": "GeForce RTX 2080 Ti", "budget": {"latency_ms": 5}, "specModel": "bogus"}, ["specModel"]),
    ("predict", {"space": "nb201", "spec": "GeForce RTX 2080 Ti", "archs": [0], "specModel": "bogus"}, ["specModel"]),
    ("predict", {"predictor": "l", "archs": [0], "output": "bogus"}, ["output"]),
    ("encode", {"space": "nb201", "archs": [0], "output": "bogus"}, ["output"]),
    ("adaptProxy", {"proxy": "l", "target": {"name": "t", "samples": SAMPLES}, "method": "bogus"}, ["method"]),
    ("adapt", {"base": "l", "target": {"name": "t", "samples": SAMPLES}, "families": ["bogus"]}, ["families"]),
    ("suggestSamples", {"space": "nb201", "count": 3, "criterion": "bogus"}, ["criterion"]),
    ("monotonicity", {"space": "nb201", "devices": ["pixel3", "pixel2"], "metric": "bogus"}, ["metric"]),
    ("export", {"space": "nb201", "archs": [0], "dir": "/tmp", "weights": "bogus"}, ["weights"]),
    ("export", {"space": "nb201", "archs": [0], "dir": "/tmp", "format": "bogus"}, ["format"]),
]


def _schema_enum(method, path):
    with open(os.path.join(ROOT, "protocol", "schemas", method + ".params.json")) as f:
        node = json.load(f)
    for key in path:
        node = node["properties"][key]
        if node.get("type") == "array":
            node = node["items"]
    return set(node["enum"])


@pytest.mark.parametrize("method,params,path", CASES, ids=[c[0] + "." + ".".join(c[2]) for c in CASES])
def test_schema_enum_is_what_the_daemon_allows(client, method, params, path):
    client.train(space="nb201", device="pixel3", model="lut", trainSize=300, id="l")
    with pytest.raises(HwnasError) as e:
        client.call(method, params)
    assert e.value.code == -32602, e.value.message
    allowed = re.search(r"allowed: ([^;(]*)", e.value.message)
    assert allowed, e.value.message
    daemon = {a.strip() for a in allowed.group(1).split(",")}
    assert _schema_enum(method, path) == daemon, e.value.message


def test_adapt_result_of_an_opt_in_family_validates(client):
    # The daemon takes stack, mix, proxy+mix and blend+proxy+mix; the result names the family.
    jsonschema = pytest.importorskip("jsonschema")
    params = {"space": "nb201", "target": {"name": "t", "samples": SAMPLES}, "pool": ["pixel2", "raspi4", "eyeriss"],
              "families": ["stack"], "save": False}
    with open(os.path.join(ROOT, "protocol", "schemas", "adapt.params.json")) as f:
        jsonschema.validate(params, json.load(f))
    r = client.call("adapt", params, timeout=600)
    assert r["family"] == "stack"
    with open(os.path.join(ROOT, "protocol", "schemas", "adapt.result.json")) as f:
        jsonschema.validate(json.loads(json.dumps(r)), json.load(f))


# (method, params, member): a value the daemon refuses as out of range (-32602 at the member).
OUT_OF_RANGE = [
    ("search", {"space": "nb201", "predictor": "l", "budget": {"latency_ms": 5}, "population": 1}, "population"),
    ("search", {"space": "nb201", "predictor": "l", "budget": {"latency_ms": 5}, "population": 100001}, "population"),
    ("search", {"space": "nb201", "predictor": "l", "budget": {"latency_ms": 5}, "generations": 1000001}, "generations"),
    ("trainGenerator", {"space": "nb201", "predictor": "l", "iterations": 1000001}, "iterations"),
    ("generate", {"generator": "g", "budgets": [4], "samples": 10001}, "samples"),
    ("trainGenerator", {"space": "nb201", "predictor": "l", "budgets": []}, "budgets"),
]


@pytest.mark.parametrize("method,params,member", OUT_OF_RANGE, ids=[f"{m}.{k}={json.dumps(p[k])}" for m, p, k in OUT_OF_RANGE])
def test_schema_refuses_what_the_daemon_refuses_as_out_of_range(client, method, params, member):
    jsonschema = pytest.importorskip("jsonschema")
    client.train(space="nb201", device="pixel3", model="lut", trainSize=300, id="l")
    client.call("trainGenerator", {"space": "nb201", "predictor": "l", "iterations": 2, "id": "g", "save": False})
    with pytest.raises(HwnasError) as e:
        client.call(method, params)
    assert e.value.code == -32602 and e.value.data == {"field": "params." + member}, e.value.message
    with open(os.path.join(ROOT, "protocol", "schemas", method + ".params.json")) as f:
        schema = json.load(f)
    errors = [x for x in jsonschema.Draft202012Validator(schema).iter_errors(params) if list(x.absolute_path) == [member]]
    assert errors, f"the schema takes {member}={params[member]}, which the daemon refuses: {e.value.message}"
