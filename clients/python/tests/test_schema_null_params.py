"""`"params": null` is absent params (PROTOCOL.md): a params schema takes null exactly where the
daemon answers a method's null params as it answers `{}` (the methods with no required member)."""

import pytest
from conftest import params_schemas

import hwnas

NOTIFICATIONS = {"progress", "cancelRequest"}


def _params_schemas():
    return params_schemas(NOTIFICATIONS)


def _raw(client, rid, method, params_text):
    """The daemon's answer (result or error) to a request written byte for byte."""
    req = hwnas.Request(client, rid, method, None)
    with client._lock:
        client._pending[rid] = req
    client._send(None, b'{"jsonrpc":"2.0","id":%d,"method":"%s","params":%s}' % (rid, method.encode(), params_text))
    try:
        return ("result", req.result(timeout=120))
    except hwnas.HwnasError as e:
        return ("error", (e.code, e.data))


@pytest.mark.parametrize("name,schema", list(_params_schemas()), ids=[n for n, _ in _params_schemas()])
def test_schema_takes_null_params_where_the_daemon_does(client, name, schema):
    jsonschema = pytest.importorskip("jsonschema")
    if name == "shutdown":  # answered alike, but it ends the session: test_null_params_are_absent sends it
        assert jsonschema.Draft202012Validator(schema).is_valid(None)
        return
    method = name.replace("hwnas.", "hwnas/")
    as_null = _raw(client, 1001, method, b"null")
    as_empty = _raw(client, 1002, method, b"{}")
    assert as_null == as_empty, (as_null, as_empty)
    takes_null = jsonschema.Draft202012Validator(schema).is_valid(None)
    needs_members = bool(schema.get("required")) or "oneOf" in schema
    assert takes_null == (not needs_members), "null params are valid exactly when no member is required"
    if needs_members:
        assert as_null[0] == "error" and as_null[1][0] == -32602, as_null
