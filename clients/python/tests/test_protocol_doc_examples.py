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


def _documented_messages(section, start):
    """The progress messages a method's section of PROTOCOL.md documents (`"..."` after
    `message`), as regular expressions with a group per `<placeholder>`."""
    with open(os.path.join(ROOT, "protocol", "PROTOCOL.md")) as f:
        text = f.read()
    body = text[text.index(section):]
    body = body[:body.index("\n### ", 1)]
    templates = re.findall(r'message\s+`"(' + re.escape(start) + r'[^"]*)"`', body)
    return [re.sub(r"<(\w+)>", r"(?P<\1>.+)", re.escape(t).replace(r"\<", "<").replace(r"\>", ">")) for t in templates]


def _reports(client, method, params):
    req = client.start(method, dict(params, progressToken="t"), want_progress=True)
    messages = {v["message"] for v in req.progress(timeout=300) if v.get("kind") == "report" and v.get("message")}
    req.result(300)
    return messages


def test_train_progress_message_is_the_documented_one(client):
    (pattern,) = _documented_messages("### `train` (long)", "training latency predictor")
    messages = _reports(client, "train", {"space": "nb201", "device": "pixel3", "model": "mlp", "hidden": [8], "maxEpochs": 3,
                                          "trainSize": 200, "id": "m", "save": False})
    assert messages, "no report"
    for m in messages:
        match = re.fullmatch(pattern, m)
        assert match and match.group("id") == "m" and match.group("model") == "mlp", (m, pattern)


def test_finetune_and_train_generator_progress_messages_are_the_documented_ones(client):
    client.train(space="nb201", device="pixel3", model="lut", trainSize=300, id="l")
    samples = [{"arch": a, "latency_ms": 2.0 + (a % 11) / 5} for a in (100, 200, 300, 400, 500, 600, 700)]
    (fit,) = _documented_messages("### `finetune` (long)", "fine-tuning latency predictor")
    got = _reports(client, "finetune", {"base": "pixel3", "space": "nb201", "samples": samples, "method": "finetune",
                                        "epochs": 3, "save": False})
    tuned = [re.fullmatch(fit, m) for m in got if m.startswith("fine-tuning")]
    assert tuned and all(t and t.group("base") == "default-nb201-pixel3" for t in tuned), (got, fit)
    (gen,) = _documented_messages("### `trainGenerator` (long)", "training generator")
    got = _reports(client, "trainGenerator", {"space": "nb201", "predictor": "l", "iterations": 5, "id": "g", "save": False})
    assert got and all(re.fullmatch(gen, m) and re.fullmatch(gen, m).group("id") == "g" for m in got), (got, gen)


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
