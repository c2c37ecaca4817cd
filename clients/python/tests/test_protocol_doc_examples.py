"""The request/response examples of protocol/PROTOCOL.md (`→` / `←` lines) answer what the
daemon answers: replayed in order in one session, every value the example shows (numbers to
the digits it prints, or within 1 %) must be the daemon's. `...` and `*` stand for anything;
methods whose example needs more than a quick session (export's file, suggestSamples' 33
proxies, generate's generator, the lifecycle) are left out."""
import json
import math
import os
import re

from conftest import ROOT

SKIPPED = {"export", "suggestSamples", "generate", "initialize", "shutdown", "exit"}


def _examples(text):
    """(request, [response lines]) for each `→` line and the `←` lines after it."""
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        if not lines[i].startswith("→ "):
            i += 1
            continue
        request, answers, i = lines[i][2:], [], i + 1
        while i < len(lines) and (lines[i].startswith("← ") or (answers and lines[i].startswith("   "))):
            if lines[i].startswith("← "):
                answers.append(lines[i][2:])
            else:
                answers[-1] += lines[i].strip()
            i += 1
        out.append((request, answers))
    return out


def _loose(text):
    """An example's JSON with its elisions made parsable: `{...}`, `[...]` and a bare `...` value
    match anything, a trailing `, ...` and the `...` after digits (`0.9...`) are dropped."""
    text = re.sub(r"\{\.\.\.\}|\[\.\.\.\]", '"*"', text)
    text = re.sub(r"(?<=:)\.\.\.(?=[,}\]])", '"*"', text)
    text = re.sub(r",\s*\.\.\.(?=[\]}])", "", text)
    text = re.sub(r"(?<=\d)\.\.\.", "", text)
    return json.loads(text)


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for k, v in enumerate(value):
            yield from _leaves(v, path + (k,))
    else:
        yield path, value


def _mismatches(shown, real):
    """(path, shown, real) wherever the example shows a value the daemon did not answer."""
    bad = []
    for path, want in _leaves(shown):
        if want == "*" or (isinstance(want, str) and ("..." in want or "<state>" in want)):
            continue
        got = real
        for k in path:
            ok = (isinstance(got, dict) and k in got) or (isinstance(got, list) and isinstance(k, int) and k < len(got))
            got = got[k] if ok else KeyError
            if got is KeyError:
                break
        if got is KeyError:
            bad.append((path, want, "absent"))
        elif isinstance(want, (int, float)) and not isinstance(want, bool) and isinstance(got, (int, float)):
            places = len(repr(want).split(".")[1]) if "." in repr(want) else 0
            if round(got, places) != want and not math.isclose(got, want, rel_tol=0.01):
                bad.append((path, want, got))
        elif want != got:
            bad.append((path, want, got))
    return bad


def test_protocol_md_examples_show_what_the_daemon_answers(client):
    with open(os.path.join(ROOT, "protocol", "PROTOCOL.md")) as f:
        examples = _examples(f.read())
    checked, wrong = 0, []
    for request, answers in examples:
        req = json.loads(request)
        if req["method"] in SKIPPED:
            continue
        shown = next(_loose(a) for a in answers if '"id":%d' % req["id"] in a.replace(" ", ""))
        real = json.loads(json.dumps(client.call(req["method"], req.get("params"), timeout=600)))
        wrong += [(req["method"], req["id"]) + m for m in _mismatches(shown["result"], real)]
        checked += 1
    assert checked >= 9
    assert not wrong, "\n".join(map(str, wrong))


def test_train_progress_message_is_the_documented_one(client):
    with open(os.path.join(ROOT, "protocol", "PROTOCOL.md")) as f:
        text = f.read()
    train = text[text.index("### `train` (long)"):text.index("### `predict` (quick)")]
    template = re.search(r'Progress: MLP models report once per epoch,.*?message\s+`"([^"]+)"`', train, re.S).group(1)
    pattern = re.escape(template).replace(re.escape("<id>"), "(?P<id>.+)").replace(re.escape("<model>"), "(?P<model>.+)")
    req = client.start("train", {"space": "nb201", "device": "pixel3", "model": "mlp", "hidden": [8], "maxEpochs": 3,
                                 "trainSize": 200, "id": "m", "save": False, "progressToken": "t"}, want_progress=True)
    messages = {v["message"] for v in req.progress(timeout=120) if v.get("kind") == "report"}
    req.result(120)
    assert messages, "no report"
    for m in messages:
        match = re.fullmatch(pattern, m)
        assert match and match.group("id") == "m" and match.group("model") == "mlp", (m, template)


def test_initialize_example_shows_the_protocol_version(client):
    with open(os.path.join(ROOT, "protocol", "PROTOCOL.md")) as f:
        text = f.read()
    section = text[text.index("### `initialize`"):text.index("### `shutdown`")]
    shown = re.search(r'"protocolVersion":\s*"([^"]+)"', section).group(1)
    assert shown == client.server_info["protocolVersion"]


def test_train_size_default_for_inline_samples_is_the_documented_one(client):
    with open(os.path.join(ROOT, "protocol", "PROTOCOL.md")) as f:
        row = next(line for line in f if line.startswith("| `trainSize` |"))
    share = re.search(r"with `samples`, (\d+) % of them", row)
    assert share, row
    archs = list(range(100, 150))
    degenerate = set(client.encode(space="nb201", archs=archs).get("degenerate", []))
    samples = [{"arch": a, "latency_ms": 2.0 + (a % 7) / 10} for i, a in enumerate(archs) if i not in degenerate]
    r = client.train(space="nb201", samples=samples, model="lut", save=False)
    kept = len(samples)
    assert r["metrics"]["trainCount"] + r["metrics"]["testCount"] + len(r["outliers"]) == kept
    assert r["metrics"]["testCount"] == kept - round(kept * int(share.group(1)) / 100)
    everything = client.train(space="nb201", device="pixel3", model="lut", trainSize=100000, save=False)
    assert everything["metrics"]["testCount"] == 0 and "heldOut" not in everything["metrics"]
