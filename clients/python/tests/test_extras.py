"""The Python package's extras and examples: progress titles and renderers, samples_from_csv,
to_frame, plots, the README example, clients/python/examples."""
import io
import json
import os
import re
import subprocess
import sys
import tempfile

import pytest
from conftest import ROOT

import hwnas
from hwnas.progress import PlainProgress, TerminalProgress, TqdmProgress, describe_values

EXAMPLES = os.path.join(ROOT, "clients", "python", "examples")


class Recorder:
    """A progress callback that keeps every begin title, report and end."""

    def __init__(self):
        self.titles, self.reports, self.ended = [], [], 0

    def begin(self, title):
        self.titles.append(title)

    def __call__(self, value):
        self.reports.append(value)

    def end(self):
        self.ended += 1


def test_progress_begin_names_the_job_and_reports_carry_lsp_fields(client):
    rec = Recorder()
    client.train(space="nb201", device="pixel3", model="mlp", maxEpochs=4, trainSize=200, id="mlp-small", progress=rec)
    # "training mlp" used to name every training alike; now the job and its model are named.
    assert rec.titles == ["training latency predictor mlp-small (mlp)"] and rec.ended == 1
    assert rec.reports and all(r["message"] == "training latency predictor mlp-small (mlp)" for r in rec.reports)
    assert all(r["cancellable"] is True and 0 <= r["percentage"] <= 100 for r in rec.reports)
    last = rec.reports[-1]
    assert last["percentage"] == last["step"] * 100 // last["total"]

    rec = Recorder()
    client.search(space="nb201", predictor="mlp-small", budget={"latency_ms": 5}, generations=3, population=20, progress=rec)
    assert rec.titles == ["search nb201 with predictor mlp-small ≤ 5 ms"]
    assert rec.reports[-1]["percentage"] == 100 and rec.reports[-1]["message"] == "search done"


def test_terminal_and_plain_renderers_round_to_four_significant_digits():
    clock = iter(range(100)).__next__
    out = io.StringIO()
    term = TerminalProgress(out, width=200, clock=clock, min_interval=0)
    term.begin("search nb201/pixel3 ≤ 5 ms")
    term({"kind": "report", "step": 192, "total": 500, "percentage": 38, "bestAccuracy": 91.31533333,
          "bestLatency": 3.758317422026232, "frontSize": 9, "feasibleFraction": 0.61234})
    term.end()
    text = out.getvalue()
    assert "search nb201/pixel3 ≤ 5 ms  [########------------]  38%  192/500  ETA" in text
    assert "best accuracy 91.32  at 3.758 ms  front 9  feasible 0.6123" in text
    # The last report of a search counts every architecture evaluated, not one generation.
    assert describe_values({"feasibleFraction": 0.3123, "final": True}) == "feasible overall 0.3123"
    out = io.StringIO()
    plain = PlainProgress(out)
    plain.begin("training latency predictor default-nb201-pixel3 (default model)")
    for step in range(1, 101):
        plain({"kind": "report", "step": step, "total": 100, "percentage": step, "trainLoss": 0.0123456,
               "message": "training latency predictor default-nb201-pixel3 (mlp)"})
    lines = out.getvalue().splitlines()
    assert len(lines) <= 12, "one line per 10 %, not one per report"
    assert lines[-1] == "progress 100/100 100% training latency predictor default-nb201-pixel3 (mlp): train loss 0.01235"


def test_tqdm_bars_for_notebooks(client, capsys):
    pytest.importorskip("tqdm")
    client.train(space="nb201", device="pixel2", model="mlp", maxEpochs=3, trainSize=100, id="mlp-tq", progress="tqdm")
    err = capsys.readouterr().err
    assert "training latency predictor mlp-tq (mlp)" in err and "3/3" in err
    bar = TqdmProgress()
    bar.begin("x")
    bar({"kind": "report", "step": 2, "total": 4, "trainLoss": 0.5})
    assert bar.bar.n == 2 and bar.bar.total == 4 and bar.bar.desc.startswith("x")
    bar.end()


def test_samples_from_csv_skips_comment_lines(tmp_path, client):
    path = tmp_path / "samples.csv"
    path.write_text("# runtime: onnxruntime 1.x\n# threads: 1\narch,latency_ms,spread_pct\n"
                    "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|,1.25,2.0\n# a note\n42,2.5,1.0\n")
    samples = hwnas.samples_from_csv(str(path))
    assert samples == [{"arch": "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", "latency_ms": 1.25},
                       {"arch": "42", "latency_ms": 2.5}]
    # The daemon takes them as they are (an index as a string is NB201's official index).
    client.train(space="nb201", device="pixel3", model="lut", trainSize=300, id="lut-px3")
    # (the first has no data path: evaluate leaves it out unless asked)
    assert client.evaluate(predictor="lut-px3", samples=samples, includeDegenerate=True)["metrics"]["count"] == 2
    assert client.evaluate(predictor="lut-px3", samples=samples)["degenerateLeftOut"] == 1
    path.write_text("# c\narch,latency_ms\n5,fast\n")
    with pytest.raises(ValueError, match=r"latency_ms 'fast' is not a number"):
        hwnas.samples_from_csv(str(path))
    path.write_text("arch,ms\n5,1\n")
    with pytest.raises(ValueError, match="latency_ms"):
        hwnas.samples_from_csv(str(path))


def test_results_to_frame_and_plots(client, tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    client.train(space="nb201", device="pixel3", model="lut", trainSize=300, id="lut-px3")
    front = client.search(space="nb201", predictor="lut-px3", pareto=True, generations=8, population=20)
    assert isinstance(front, dict) and json.loads(json.dumps(front)) == dict(front)
    frame = front.to_frame()
    assert isinstance(frame, pd.DataFrame) and list(frame.columns[:3]) == ["accuracy", "arch", "latency_ms"]
    assert len(frame) == len(front["front"]) and frame["latency_ms"].is_monotonic_increasing
    pred = client.predict(predictor="lut-px3", archs=[5, 6, 7])
    assert list(hwnas.to_frame(pred)["arch"]) == [5, 6, 7]
    devices = client.list_devices(space="fbnet").to_frame()
    assert {"name", "displayName", "archsMeasured"} <= set(devices.columns)

    png = tmp_path / "front.png"
    fig = hwnas.plot_front(front, budget=5, path=str(png))
    ax = fig.axes[0]
    assert "latency (ms" in ax.get_xlabel() and "accuracy (%)" in ax.get_ylabel()
    assert png.stat().st_size > 10_000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    png2 = tmp_path / "pvm.png"
    fig = hwnas.plot_predicted_vs_measured(pred, [10.0, 11.0, 12.0], path=str(png2))
    assert fig.axes[0].get_xlabel() == "measured latency (ms)" and fig.axes[0].get_ylabel() == "predicted latency (ms)"
    assert png2.exists()


def _readme_python_block():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    return re.search(r"## From Python.*?```python\n(.*?)```", text, re.S).group(1)


def _undefined_names(code):
    """Names a code block reads that it neither imports, assigns nor gets from builtins."""
    import ast
    import builtins
    tree = ast.parse(code)
    bound = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
    return sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound)


def test_readme_python_blocks_run_as_written():
    # clients/python/README.md's measure block used HwnasClient without importing it (NameError
    # when pasted on its own, as each block is).
    for readme in ("README.md", os.path.join("clients", "python", "README.md")):
        with open(os.path.join(ROOT, readme)) as f:
            blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
        assert blocks, readme
        for code in blocks:
            assert _undefined_names(code) == [], (readme, code)


def test_readme_python_example_prints_no_none(binary):
    # It used to print "None None" for every report of the default predictor's training.
    code = _readme_python_block()
    assert "v.get(" not in code
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, HWNASD=binary, XDG_DATA_HOME=data, PYTHONPATH=os.path.join(ROOT, "clients", "python"))
        # LUT stand-ins for the two default predictors the example uses, so it runs in seconds.
        c = hwnas.HwnasClient(binary, state=os.path.join(data, "hwnasd"))
        c.train(space="fbnet", device="raspi4", model="lut", id="default-fbnet-raspi4")
        c.train(space="nb201", device="eyeriss", model="lut", id="default-nb201-eyeriss")
        c.close()
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, cwd=data)
        assert os.path.getsize(os.path.join(data, "best.onnx")) > 0  # the example's export
    assert r.returncode == 0, r.stderr
    assert "None" not in r.stdout and "'arch'" in r.stdout
    assert "progress 500/500 100% search nb201/eyeriss ≤ 4 ms: search done" in r.stderr


def test_example_script_writes_the_front_png(binary, tmp_path):
    pytest.importorskip("matplotlib")
    env = dict(os.environ, HWNASD=binary)
    r = subprocess.run([sys.executable, os.path.join(EXAMPLES, "adapt_and_search.py"), "--out", str(tmp_path),
                        "--generations", "20"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    for name in ("front.png", "predicted_vs_measured.png", "front.csv", "samples.csv"):
        assert (tmp_path / name).exists(), name
    assert (tmp_path / "samples.csv").read_text().startswith("# Stand-in for measurements")
    assert "best within" in r.stdout and "wrote" in r.stdout
    # It used to look for metrics finetune never returns and print "RMSE on its samples nan ms".
    assert "nan" not in r.stdout and re.search(r"cross-validated RMSE on its samples \d", r.stdout), r.stdout


def test_example_notebook_runs(binary, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("HWNASD", binary)
    monkeypatch.chdir(EXAMPLES)
    with open(os.path.join(EXAMPLES, "adapt_and_search.ipynb")) as f:
        nb = json.load(f)
    namespace = {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), "adapt_and_search.ipynb", "exec"), namespace)  # noqa: S102
    assert os.path.exists(os.path.join(namespace["state"], "front.png"))
    assert len(namespace["front"]["front"]) >= 3


def _screen(text):
    """The lines a terminal shows after `text` (\\r, \\n, cursor up \\x1b[nA, erase \\x1b[K)."""
    rows, row, col = [""], 0, 0
    i = 0
    while i < len(text):
        m = re.match(r"\x1b\[(\d*)([AK])", text[i:])
        if m:
            if m.group(2) == "A":
                row = max(0, row - int(m.group(1) or 1))
            else:
                rows[row] = rows[row][:col]
            i += m.end()
            continue
        ch = text[i]
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row += 1
            col = 0
            if row == len(rows):
                rows.append("")
        else:
            line = rows[row]
            rows[row] = line[:col] + ch + line[col + 1:]
            col += 1
        i += 1
    return [r for r in rows if r]


def test_parts_running_side_by_side_keep_one_line_each():
    # A first call trains the MLP and the LUT+MLP at once: their reports alternate. The terminal
    # drew a new line at every switch (a dozen lines), and the MLP that stopped early stayed at 57 %.
    clock = iter(range(1000)).__next__
    out = io.StringIO()
    term = TerminalProgress(out, width=200, clock=clock, min_interval=0)
    term.begin("search nb201/raspi4 ≤ 20 ms")
    mlp, res = "training latency predictor default-nb201-raspi4 (mlp)", "training latency predictor default-nb201-raspi4 (lut+mlp)"
    for step in range(1, 174, 9):
        term({"kind": "report", "step": step, "total": 300, "message": mlp})
        term({"kind": "report", "step": min(300, 2 * step), "total": 300, "message": res})
    term({"kind": "report", "step": 300, "total": 300, "message": res})
    term({"kind": "report", "step": 500, "total": 500, "final": True, "message": "search done"})
    term.end()
    screen = _screen(out.getvalue())
    assert len(screen) == 3, screen
    assert screen[0].startswith(mlp) and "172/300  stopped early" in screen[0], screen[0]
    assert screen[1].startswith(res) and "300/300" in screen[1] and "stopped" not in screen[1], screen[1]
    assert screen[2].startswith("search nb201/raspi4 ≤ 20 ms") and "search done" in screen[2], screen[2]
    # Plain lines: a part's tenth is printed once, not again at each switch back to it.
    out = io.StringIO()
    plain = PlainProgress(out)
    plain.begin("x")
    for step in range(1, 31):
        plain({"kind": "report", "step": step, "total": 300, "message": mlp})
        plain({"kind": "report", "step": step, "total": 300, "message": res})
    assert len(out.getvalue().splitlines()) == 4, out.getvalue()  # each part: its start and 10 %
