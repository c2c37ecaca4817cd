"""The params schemas refuse an unknown top-level member, as the daemon does (-32602 naming it),
and take the progress tokens the daemon reads on every method."""
import json
import os

import pytest
from conftest import ROOT, params_schemas

from hwnas import HwnasError

OPEN = {"initialize", "progress", "cancelRequest"}  # LSP fields, or notifications


def _dummy(schema):
    """A value of the schema's type (enough to get past the daemon's required-member check)."""
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object" or "properties" in schema:
        return {k: _dummy(schema["properties"][k]) for k in schema.get("required", [])}
    return {"array": [], "integer": 1, "number": 1.0, "boolean": True}.get(kind, "x")


def _params_schemas():
    return params_schemas(OPEN)


@pytest.mark.parametrize("name,schema", list(_params_schemas()), ids=[n for n, _ in _params_schemas()])
def test_params_schema_refuses_what_the_daemon_refuses(client, name, schema):
    jsonschema = pytest.importorskip("jsonschema")
    params = _dummy(schema)
    if "oneOf" in schema:  # export: dir or path
        params.update({k: "x" for k in schema["oneOf"][0]["required"]})
    validator = jsonschema.Draft202012Validator(schema)

    def unknown(p):  # the schema's complaints about members it does not know (the dummies may break others)
        return [e for e in validator.iter_errors(p) if e.validator == "additionalProperties"]

    assert not unknown(dict(params, progressToken="t", workDoneToken=1, partialResultToken="p"))
    bogus = dict(params, genrations=5)
    assert unknown(bogus), "the schema takes a member the daemon refuses"
    with pytest.raises(HwnasError) as e:
        client.call(name.replace("hwnas.", "hwnas/"), bogus)
    assert e.value.code == -32602 and e.value.data == {"field": "params.genrations"}, e.value.message


@pytest.mark.parametrize("extra", [{"spec": "GeForce RTX 2080 Ti"}, {"batch": 32}, {"spec": "GeForce RTX 2080 Ti", "batch": 32}])
def test_train_generator_schema_refuses_a_spec_as_the_daemon_does(client, extra):
    jsonschema = pytest.importorskip("jsonschema")
    params = dict({"space": "nb201", "iterations": 2}, **extra)
    with pytest.raises(HwnasError) as e:
        client.call("trainGenerator", params)
    assert e.value.code == -32602, e.value.message
    with open(os.path.join(ROOT, "protocol", "schemas", "trainGenerator.params.json")) as f:
        schema = json.load(f)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(params)), "the schema takes what the daemon refuses"
