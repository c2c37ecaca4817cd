"""The shell client as people use it: help, usage errors, exit codes, --state, JSON on pipes, and
(through a real pseudo-terminal) the live progress bar and the human summary."""
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import tempfile
import time

import pytest
from conftest import ROOT

from hwnas import cli
from hwnas.commands import GLOBAL_FLAGS, RPC_COMMANDS

HWNAS = os.path.join(ROOT, "clients", "hwnas")


def too_precise(text):
    """Decimal numbers in `text` with more than 4 significant digits."""
    return [m for m in re.findall(r"\d+\.\d+", text) if len(m.replace(".", "").lstrip("0")) > 4]


def run(args, env=None, timeout=120):
    return subprocess.run([HWNAS] + args, capture_output=True, env=env, timeout=timeout, text=True)


def run_in_terminal(args, env, timeout=120, interrupt_after=None):
    """Runs hwnas with stdin/stdout/stderr on a pseudo-terminal; returns (exit code, everything
    it wrote). interrupt_after: seconds, then Ctrl-C is typed (the terminal sends SIGINT)."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        # A terminal's foreground job gets SIGINT's default action; a test run started in the
        # background (`cmd &` in a script) inherits SIGINT ignored, and ^C would then do nothing.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.environ.update(env)
        os.environ["COLUMNS"] = "160"
        os.execv(HWNAS, [HWNAS] + args)
    out = b""
    start = time.monotonic()
    interrupted = False
    while True:
        if interrupt_after is not None and not interrupted and time.monotonic() - start > interrupt_after:
            os.write(fd, b"\x03")
            interrupted = True
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        if time.monotonic() - start > timeout:
            os.kill(pid, signal.SIGKILL)
            break
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def state(binary):
    """A state dir with a LUT predictor `lut-px3` and a LUT stand-in for pixel3's default predictor
    (so commands with --device pixel3 skip training the default MLP)."""
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, HWNASD=binary)
        for pid in ("lut-px3", "default-nb201-pixel3"):
            r = run(["train", "--state", d, "--space", "nb201", "--device", "pixel3", "--model", "lut", "--id", pid,
                     "--train-size", "500", "--quiet"], env)
            assert r.returncode == 0, r.stderr
        yield d


@pytest.fixture(scope="module")
def env(binary):
    return dict(os.environ, HWNASD=binary)


# -- help ---------------------------------------------------------------------------------------
def test_help_and_command_help_exit_zero_with_every_flag_and_an_example(env, capsys):
    r = run(["help"], env)
    assert r.returncode == 0 and "usage: hwnas COMMAND" in r.stdout and "exit codes:" in r.stdout
    for name in RPC_COMMANDS:
        assert f"\n  {name} " in r.stdout
    for args in (["search", "--help"], ["--help"]):
        r = run(args, env)
        assert r.returncode == 0 and r.stdout.startswith("usage: hwnas"), (args, r.stderr)
    for name, cmd in RPC_COMMANDS.items():  # in-process: the same main() as the shell runs
        for args in ([name, "--help"], [name, "-h"], ["help", name]):
            assert cli.main(args) == 0, args
            out = capsys.readouterr().out
            assert out.startswith(f"usage: hwnas {name}"), (args, out)
            for flag in cmd.flags + GLOBAL_FLAGS:
                assert f"--{flag.name}" in out, (name, flag.name)
            assert f"example:\n  {cmd.example}" in out
    assert cli.main(["help", "call"]) == 0 and "hwnas call METHOD" in capsys.readouterr().out
    # measure and new-device (argparse) had no example.
    import hwnas.measure
    import hwnas.newdevice
    for name, example in (("measure", hwnas.measure.EXAMPLE), ("new-device", hwnas.newdevice.EXAMPLE)):
        r = run(["help", name], env)
        assert r.returncode == 0 and f"example:\n  {example}" in r.stdout, r.stdout


def test_help_of_help_is_the_general_help(capsys):
    # `hwnas help help` and `hwnas help --help` used to be exit 2: "unknown command '--help'".
    for args in (["help", "help"], ["help", "--help"], ["help", "-h"]):
        assert cli.main(args) == 0, args
        assert capsys.readouterr().out.startswith("usage: hwnas COMMAND"), args


def test_method_help_names_every_method_the_daemon_allows(binary, tmp_path):
    # `--method` read "auto, affine, finetune, ..." (finetune) and "affine, ..." (adapt-proxy).
    import hwnas
    samples = [{"arch": i, "latency_ms": 1.0 + i} for i in range(5)]
    with hwnas.HwnasClient(binary, state=str(tmp_path)) as c:
        for name, params in (("finetune", {"space": "nb201", "base": "pixel3", "samples": samples}),
                             ("adapt-proxy", {"space": "nb201", "proxy": "pixel3", "target": {"name": "t", "samples": samples}})):
            with pytest.raises(hwnas.HwnasError) as e:
                c.call(RPC_COMMANDS[name].method, dict(params, method="bogus", save=False))
            allowed = e.value.message.split("allowed: ")[1].split(", ")
            help_text = RPC_COMMANDS[name].flag("method").help
            assert all(m in help_text for m in allowed), (name, allowed, help_text)


def test_the_general_help_names_the_commands_without_every_global_flag():
    # It said "flags every command takes: --state --json --human --quiet --params --help", but
    # `hwnas measure --json` was "unrecognized arguments: --json" (and call has no --params).
    import hwnas.measure
    import hwnas.newdevice
    heading = next(line for line in cli.general_help().splitlines() if line.startswith("flags every command takes"))
    for name, parser in (("measure", hwnas.measure._parser()), ("new-device", hwnas.newdevice._parser())):
        taken = {o for a in parser._actions for o in a.option_strings}
        if any(f"--{f.name}" not in taken for f in GLOBAL_FLAGS):
            assert name in heading, (name, heading)
    assert "call" in heading  # call takes its params as an argument, not --params


def test_bare_hwnas_prints_usage_and_exits_2(env):
    r = run([], env)
    assert r.returncode == 2 and "usage: hwnas" in r.stderr


# -- usage errors: exit 2, nearest flag ----------------------------------------------------------
def test_unknown_flag_is_exit_2_naming_the_nearest_flag(env):
    # A typo used to be ignored silently (`--generation 3` ran 500 generations).
    r = run(["search", "--space", "nb201", "--device", "pixel3", "--generation", "3"], env)
    assert r.returncode == 2 and "unknown flag --generation" in r.stderr and "--generations" in r.stderr
    assert r.stdout == ""


def test_missing_value_and_missing_required_flag_are_exit_2(env):
    r = run(["search", "--space", "nb201", "--budget"], env)
    assert r.returncode == 2 and "--budget needs a value" in r.stderr
    r = run(["search", "--budget", "5"], env)
    assert r.returncode == 2 and "search needs --space" in r.stderr
    r = run(["search", "--space", "nb201", "--generations", "many"], env)
    assert r.returncode == 2 and "--generations expects an integer" in r.stderr
    r = run(["serch"], env)
    assert r.returncode == 2 and "did you mean 'search'" in r.stderr
    # `--out` (as `hwnas measure` spells it) on export means its --path; spelling alone said --quiet.
    r = run(["export", "--space", "nb201", "--arch", "5", "--out", "x.onnx"], env)
    assert r.returncode == 2 and "unknown flag --out for export; did you mean --path?" in r.stderr, r.stderr
    r = run(["search", "--space", "nb201", "--budjet", "5"], env)
    assert r.returncode == 2 and "did you mean --budget?" in r.stderr
    # A generator answers for its own predictor: `generate --predictor` says how to get one.
    r = run(["generate", "--predictor", "my-phone", "--budget", "5"], env)
    assert r.returncode == 2 and "hwnas train-generator --space SPACE --predictor NAME" in r.stderr, r.stderr
    # These reached the daemon and came back in its words (exit 1): "params.archs: missing
    # required field", "params.budget: give budget {latency_ms} (constrained mode) or pareto: true".
    for args, expected in ((["search", "--space", "nb201", "--device", "pixel3"], "search needs --budget MS"),
                           (["search", "--space", "nb201", "--budget", "5"], "search needs --device NAME"),
                           (["predict", "--space", "nb201", "--device", "pixel3"], "predict needs --arch"),
                           (["predict", "--space", "nb201", "--arch", "5"], "or --spec GPU|JSON"),
                           (["encode", "--space", "nb201"], "encode needs --arch"),
                           (["export", "--space", "nb201", "--dir", "x"], "export needs --arch"),
                           (["adapt", "--space", "nb201"], "adapt needs --samples-from FILE"),
                           (["adapt-proxy", "--space", "nb201"], "adapt-proxy needs --samples-from FILE"),
                           (["finetune", "--space", "nb201", "--base", "pixel3"], "finetune needs --samples-from FILE")):
        r = run(args, dict(env, HWNASD="/nonexistent/hwnasd"))
        assert r.returncode == 2 and expected in r.stderr, (args, r.stderr)
    assert cli.parse_cli(["search", "--space", "nb201", "--predictor", "p", "--params", '{"budget": {"latency_ms": 3}}'])
    # 1e400 is inf to Python's JSON reader: it used to reach the client and end in exit 1 with
    # "hwnas: hwnas: search params contain NaN or Infinity".
    r = run(["search", "--space", "nb201", "--device", "pixel3", "--budget", "1e400"], env)
    assert r.returncode == 2 and "--budget expects a number of ms" in r.stderr, r.stderr
    r = run(["predict", "--space", "nb201", "--device", "pixel3", "--arch", "1", "--interval", "1e999"], env)
    assert r.returncode == 2 and "--interval expects a finite number" in r.stderr, r.stderr
    r = run(["call", "hwnas/sample", '{"space": "nb201", "count": 1e400}'], env)
    assert r.returncode == 1 and "NaN or Infinity" in r.stderr and "hwnas: hwnas:" not in r.stderr, r.stderr


def test_search_help_does_not_reach_the_daemon(env):
    # `hwnas search --help` used to answer "params.space: missing required field".
    r = run(["search", "--help"], dict(env, HWNASD="/nonexistent/hwnasd"))
    assert r.returncode == 0 and "missing required field" not in r.stdout + r.stderr


def test_malformed_call_is_a_clear_error_not_a_traceback(env):
    r = run(["call", "train", "{space: nb201}"], env)
    assert r.returncode == 2 and "not valid JSON" in r.stderr and "Traceback" not in r.stderr
    r = run(["call", "train", "[1, 2]"], env)
    assert r.returncode == 2 and "JSON object" in r.stderr and "Traceback" not in r.stderr


def test_daemon_error_is_exit_1_and_a_daemon_that_cannot_start_says_why(env):
    r = run(["predict", "--space", "nb201", "--device", "Pixel3", "--arch", "5"], env)
    assert r.returncode == 1 and "-32010" in r.stderr and "did you mean 'pixel3'?" in r.stderr
    r = run(["devices"], dict(env, HWNASD="/nonexistent/hwnasd"))
    assert r.returncode == 1 and "HWNASD" in r.stderr and "Traceback" not in r.stderr


def test_parse_cli_keeps_names_as_strings_and_collects_repeats():
    assert cli.parse_cli(["search", "--space", "nb201", "--predictor", "7", "--pareto", "--generations", "3"]) == (
        "search", {"space": "nb201", "predictor": "7", "pareto": True, "generations": 3})
    assert cli.parse_cli(["monotonicity", "--space", "nb201", "--device", "pixel3", "--device", "pixel2"]) == (
        "monotonicity", {"space": "nb201", "devices": ["pixel3", "pixel2"]})
    assert cli.parse_cli(["train-generator", "--space", "nb201", "--device", "pixel3", "--budget", "5"]) == (
        "trainGenerator", {"space": "nb201", "device": "pixel3", "budgets": [5]})
    assert cli.parse_cli(["predict", "--space=nb201", "--device", "pixel3", "--arch", "5", "--params", '{"batch": 2}']) == (
        "predict", {"space": "nb201", "device": "pixel3", "archs": [5], "batch": 2})


# -- running commands ----------------------------------------------------------------------------
def test_train_generator_example_from_its_own_usage_text_works(env, state):
    # `train-generator --budget 5`, shown in its own usage, used to fail (budgets must be a list).
    example = RPC_COMMANDS["train-generator"].example.split()[1:]
    assert "--budget" in example
    r = run(example + ["--state", state, "--iterations", "5"], env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["budgetMin"] == 5 and out["budgetMax"] == 5 and out["iterations"] == 5


def test_samples_from_a_csv_file(env, state, tmp_path):
    # Real pixel2 measurements (fixtures) as a samples CSV with comment lines, as `hwnas measure` writes.
    import csv
    with open(os.path.join(ROOT, "fixtures", "nb201", "latency.csv")) as f:
        rows = [r for _, r in zip(range(25), csv.DictReader(f))]
    path = tmp_path / "pixel2.csv"
    path.write_text("# source: fixtures/nb201/latency.csv, column pixel2\narch,latency_ms\n"
                    + "".join(f"{r['arch_str']},{r['pixel2']}\n" for r in rows))
    r = run(["finetune", "--state", state, "--base", "lut-px3", "--samples-from", str(path), "--method", "affine",
             "--id", "px2-tuned", "--save", "false", "--quiet"], env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["predictor"] == "px2-tuned"
    bad = tmp_path / "bad.csv"
    bad.write_text("arch,ms\n5,1\n")
    r = run(["finetune", "--base", "lut-px3", "--samples-from", str(bad)], env)
    assert r.returncode == 2 and "--samples-from" in r.stderr and "latency_ms" in r.stderr
    # The same file as --samples @FILE.csv (or suggest's --measured) used to end in a Python traceback.
    for args in (["finetune", "--base", "lut-px3", "--samples", f"@{bad}"],
                 ["suggest", "--space", "nb201", "--count", "3", "--measured", f"@{bad}"]):
        r = run(args, env)
        assert r.returncode == 2 and "latency_ms" in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)


def test_archs_from_reads_lists_csvs_and_hwnas_results(env, state, tmp_path):
    # Exporting a searched front took one --arch per member; --archs-from takes the result file itself.
    a, b = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    front = tmp_path / "front.json"
    front.write_text(json.dumps({"best": {"arch": a}, "front": [{"arch": a, "latency_ms": 1}, {"arch": b, "latency_ms": 2}]}))
    (tmp_path / "best.json").write_text(json.dumps({"best": {"arch": b}, "front": []}))
    (tmp_path / "gen.json").write_text(json.dumps({"results": [{"budget_ms": 3, "arch": b}, {"budget_ms": 1}]}))
    (tmp_path / "list.txt").write_text(f"# mine\n{a}\n\n42\n")
    (tmp_path / "s.csv").write_text(f"# runtime: x\narch,latency_ms\n{b},1.5\n")
    def archs(*files, extra=()):
        args = ["export", "--space", "nb201", "--dir", "d"] + list(extra)
        for f in files:
            args += ["--archs-from", str(tmp_path / f)]
        return cli.parse_cli(args)[1]["archs"]
    assert archs("front.json") == [a, b] and archs("best.json") == [b] and archs("gen.json") == [b]
    assert archs("list.txt") == [a, "42"] and archs("s.csv") == [b]
    assert archs("list.txt", "s.csv", extra=["--arch", "7"]) == [7, a, "42", b]
    (tmp_path / "bad.json").write_text('{"nothing": 1}')
    for f, what in (("bad.json", "no architectures in this JSON"), ("none.txt", "No such file")):
        r = run(["export", "--state", state, "--space", "nb201", "--dir", str(tmp_path / "o"), "--archs-from", str(tmp_path / f)], env)
        assert r.returncode == 2 and "--archs-from" in r.stderr and what in r.stderr, r.stderr
    r = run(["export", "--state", state, "--space", "nb201", "--dir", str(tmp_path / "o"), "--archs-from", str(front), "--quiet"], env)
    assert r.returncode == 0 and [f["arch"] for f in json.loads(r.stdout)["files"]] == [a, b], r.stderr


def test_predict_reads_architectures_from_exported_onnx_files(env, state, tmp_path):
    # nn-Meter predicts a model file; an hwnasd export names its space and architecture in its metadata.
    r = run(["export", "--state", state, "--space", "nb201", "--arch", "42", "--arch", "7", "--dir", str(tmp_path / "onnx"), "--quiet"], env)
    assert r.returncode == 0, r.stderr
    files = json.loads(r.stdout)["files"]
    r = run(["predict", "--state", state, "--device", "pixel3", "--onnx", str(tmp_path / "onnx"), "--quiet"], env)
    assert r.returncode == 0, r.stderr
    by_files = json.loads(r.stdout)
    order = sorted(files, key=lambda f: f["path"])  # a folder's files, sorted
    r = run(["predict", "--state", state, "--space", "nb201", "--device", "pixel3", "--quiet"]
            + [a for f in order for a in ("--arch", f["arch"])], env)
    assert by_files["latency_ms"] == json.loads(r.stdout)["latency_ms"] and len(by_files["latency_ms"]) == 2
    # Refused on the command line (exit 2): another space, a file hwnasd did not write.
    r = run(["predict", "--state", state, "--space", "fbnet", "--device", "pixel3", "--onnx", order[0]["path"]], env)
    assert r.returncode == 2 and "not all of space fbnet" in r.stderr, r.stderr
    (tmp_path / "x.onnx").write_bytes(b"\x12\x05torch")  # producer_name only
    r = run(["predict", "--state", state, "--device", "pixel3", "--onnx", str(tmp_path / "x.onnx")], env)
    assert r.returncode == 2 and "not exported by hwnasd" in r.stderr, r.stderr
    (tmp_path / "t.onnx").write_bytes(open(order[0]["path"], "rb").read()[:4096])  # truncated
    r = run(["predict", "--state", state, "--device", "pixel3", "--onnx", str(tmp_path / "t.onnx")], env)
    assert r.returncode == 2 and "not a readable ONNX model" in r.stderr, r.stderr


def test_adapt_from_a_csv_file_names_the_family_and_the_pool(env, state, tmp_path):
    import csv
    with open(os.path.join(ROOT, "fixtures", "nb201", "latency.csv")) as f:
        rows = [r for i, r in zip(range(4000), csv.DictReader(f)) if i % 400 == 7]  # 10 spread-out cells
    path = tmp_path / "my-raspi.csv"
    path.write_text("arch,latency_ms\n" + "".join(f"{r['arch_str']},{r['raspi4']}\n" for r in rows))
    assert cli.parse_cli(["adapt", "--space", "nb201", "--samples-from", str(path)])[1]["target"]["name"] == "my-raspi"
    r = run(["adapt", "--state", state, "--space", "nb201", "--samples-from", str(path), "--pool", '["lut-px3", "default-nb201-pixel3"]',
             "--families", '["proxy", "blend"]', "--save", "false"], env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["predictor"] == "my-raspi" and out["family"] in ("proxy", "blend")
    assert out["base"] in ("lut-px3", "default-nb201-pixel3") and len(out["pool"]) == 1
    assert [s["family"] for s in out["scores"]] == ["blend", "proxy"]
    r = run(["adapt", "--state", state, "--space", "nb201", "--samples-from", str(path), "--families", '["nope"]'], env)
    assert r.returncode == 1 and "-32602" in r.stderr


def test_state_flag_keeps_predictors_in_that_dir(env):
    with tempfile.TemporaryDirectory() as d:
        r = run(["--state", d, "train", "--space", "nb201", "--device", "pixel2", "--model", "lut", "--id", "lut-px2",
                 "--train-size", "200", "--quiet"], env)
        assert r.returncode == 0, r.stderr
        assert os.path.exists(os.path.join(d, "predictors", "lut-px2.hwnp"))
        r = run(["predictors", "--state", d, "--space", "nb201"], env)
        assert [p["id"] for p in json.loads(r.stdout)["predictors"]] == ["lut-px2"]


def test_call_takes_state_after_its_params(env, state):
    # `hwnas call METHOD PARAMS --state DIR` used to be a usage error ("usage: hwnas call ..."),
    # though --state is one of the "flags every command takes".
    for args in (["call", "hwnas/listPredictors", '{"space": "nb201"}', "--state", state],
                 ["call", "hwnas/listPredictors", f"--state={state}"]):
        r = run(args + ["--json"], env)
        assert r.returncode == 0, (args, r.stderr)
        assert "lut-px3" in [p["id"] for p in json.loads(r.stdout)["predictors"]]
    r = run(["call", "hwnas/listPredictors", "--state"], env)
    assert r.returncode == 2 and "--state needs a value" in r.stderr


def test_a_tilde_in_a_path_flag_is_the_home_folder():
    # `--state=~/x` (no shell expands a `~` after `=`) used to make a folder named "~" here.
    home = os.path.expanduser("~")
    assert cli.parse_cli(["export", "--space", "nb201", "--arch", "1", "--dir=~/nets"])[1]["dir"] == home + "/nets"
    assert cli.parse_cli(["load", "--path=~/p.hwnp"])[1]["path"] == home + "/p.hwnp"
    assert cli.parse_command(RPC_COMMANDS["devices"], ["--state=~/s"])[1]["state"] == home + "/s"
    assert cli._context({"state": "~/s"}).state == home + "/s"  # `hwnas --state=~/s devices`
    import hwnas.measure
    args = ["--space", "nb201", "--out", "x.csv", "--state=~/s"]
    assert hwnas.measure._parser().parse_args(args).state == home + "/s"
    assert cli.parse_cli(["search", "--space", "nb201", "--device", "pixel3", "--budget", "5"])[1]["device"] == "pixel3"


def test_an_empty_state_is_a_usage_error_not_the_default_state_dir(env):
    # `--state "$UNSET"` used to run on the default state dir ($XDG_DATA_HOME/hwnasd) without a word.
    for args in (["search", "--space", "nb201", "--device", "pixel3", "--budget", "5", "--state", ""],
                 ["--state", "", "devices"], ["devices", "--state="], ["call", "initialize", "--state", ""],
                 ["measure", "--space", "nb201", "--sample", "1", "--out", "x.csv", "--state", ""],
                 ["new-device", "--space", "nb201", "--name", "x", "--budget", "3", "--state", ""]):
        r = run(args, dict(env, HWNASD="/nonexistent/hwnasd"))
        assert r.returncode == 2 and "--state needs a directory" in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)


def test_a_state_dir_in_use_says_what_a_hwnas_user_can_do(binary, env, tmp_path):
    # The daemon's advice ("add --read-only") names a flag hwnas does not take.
    import hwnas
    with hwnas.HwnasClient(binary, state=str(tmp_path)):  # another command's daemon holds the directory
        r = run(["devices", "--state", str(tmp_path)], env)
    assert r.returncode == 1 and "in use by another hwnasd" in r.stderr, r.stderr
    assert "give this command a state directory of its own (--state DIR)" in r.stderr, r.stderr


def test_the_daemons_warnings_reach_the_terminal(env, tmp_path):
    # A predictor file hwnasd cannot read is left out with a warning on its stderr, which the CLI
    # captured and never showed: `predictors` said "no trained predictors", `predict` "no predictor
    # with id 'broken'", and nothing said why.
    (tmp_path / "predictors").mkdir()
    (tmp_path / "predictors" / "broken.hwnp").write_bytes(b"garbage\n")
    r = run(["predictors", "--state", str(tmp_path), "--human"], env)
    assert r.returncode == 0 and "broken.hwnp is too short" in r.stderr, r.stderr
    r = run(["predictors", "--state", str(tmp_path), "--quiet"], env)
    assert r.returncode == 0 and r.stderr == "", r.stderr


def test_state_before_the_command_takes_the_equals_form(env, state):
    # `hwnas --state=DIR devices` used to be "unknown flag --state=DIR before the command".
    r = run([f"--state={state}", "predictors", "--json"], env)
    assert r.returncode == 0, r.stderr
    assert "lut-px3" in [p["id"] for p in json.loads(r.stdout)["predictors"]]


def test_pipes_get_json_and_plain_progress_lines(env, state):
    r = run(["search", "--state", state, "--space", "nb201", "--predictor", "lut-px3", "--budget", "5",
             "--generations", "6", "--population", "20"], env)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["best"]["latency_ms"] <= 5 and result["generations"] == 6 and not result["partial"]
    progress = [l for l in r.stderr.splitlines() if l.startswith("progress ")]
    assert progress and "\r" not in r.stderr and "\x1b" not in r.stderr
    assert all("search nb201 with predictor lut-px3 ≤ 5 ms" in l for l in progress)
    assert progress[-1].startswith("progress 6/6 100% search nb201 with predictor lut-px3 ≤ 5 ms: search done")
    # 3-4 significant digits, not 17 (bestLatency=3.758317422026232 before).
    assert not too_precise(r.stderr), r.stderr


def test_human_summary_on_demand_explains_the_numbers(env, state):
    r = run(["search", "--state", state, "--space", "nb201", "--device", "pixel3", "--pareto", "--generations", "5",
             "--population", "20", "--human", "--quiet"], env)
    assert r.returncode == 0, r.stderr
    assert "Pareto search nb201/pixel3" in r.stdout and "Pareto front (" in r.stdout
    assert "latency: predicted ms per inference" in r.stdout and "accuracy: cifar10 test accuracy %" in r.stdout


def test_suggest_and_more_samples_have_human_summaries(env, state):
    # suggestSamples printed indented JSON on a terminal; now: the archs to measure, why, and what next.
    r = run(["suggest", "--state", state, "--space", "nb201", "--count", "3", "--human", "--quiet"], env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("measure these 3 architectures (stratified)"), r.stdout
    archs = [l.split()[-1] for l in lines[2:5]]
    assert all(a.startswith("|") and a.endswith("|") for a in archs), r.stdout
    assert "expected Spearman of the adapted predictor: 0." in r.stdout and "next: hwnas measure" in r.stdout
    # moreSamples (finetune/adaptProxy from 10 samples on) reads as a stop-or-go line.
    from hwnas.summary import summarize
    text = summarize("adaptProxy", {"predictor": "p", "model": "adapted", "moreSamples": {
        "count": 20, "expectedSRCC": 0.962, "currentSRCC": 0.951, "curve": []}})
    assert "with 20 more, expected Spearman 0.962 (now 0.951" in text
    # adaptProxy without a proxy names the devices it averaged.
    text = summarize("adaptProxy", {"predictor": "p", "model": "adapted", "ensemble": [
        {"proxy": "pixel3", "weight": 1 / 3, "method": "pool", "variant": "v", "cvSRCC": 0.9512},
        {"proxy": "raspi4", "weight": 1 / 3, "method": "residual", "variant": "w"}]})
    assert "mean of the adaptations of the closest devices: pixel3 (cv Spearman 0.951), raspi4" in text

def test_finetune_and_adapt_proxy_summaries_show_the_cross_validated_error_and_warnings():
    # They printed neither (finetune: only its model; adaptProxy: "predictor p: " and nothing), so a
    # terminal user never saw how good the adapted predictor is, nor a warning such as this one.
    from hwnas.summary import summarize
    cv = {"rmse": 4.0, "mape": 11.4, "spearman": 0.9308, "kendall": 0.779, "within5": 0.3, "within10": 0.65, "count": 20}
    warning = "auto's choice ranked worse than the raw base; returned the base's affine map instead"
    for method, result in (("finetune", {"predictor": "ft", "model": "calibrated(lut+mlp)", "metrics": {
                               "crossValidated": cv, "trainCount": 20}, "warnings": [warning]}),
                           ("adaptProxy", {"predictor": "ap", "proxy": "default-nb201-pixel3", "method": "affine",
                                           "crossValidated": cv, "warnings": [warning]})):
        text = summarize(method, result, {})
        assert "cross-validated" in text and "0.9308" in text and f"warning: {warning}" in text, text
    assert "predictor ap: affine adaptation of default-nb201-pixel3" in text, text


def test_adapt_summary_explains_an_after_below_before():
    # "Spearman before 0.973, after 0.968" and nothing else: a user read it as the adaptation losing.
    from hwnas.summary import summarize
    r = {"predictor": "s", "target": "s", "family": "proxy", "base": "titan_rtx_256", "variant": "v", "scores": [],
         "srccBefore": 0.973, "srccAfter": 0.968, "evaluation": "crossValidated", "warnings": []}
    text = summarize("adapt", r, {})
    assert "before 0.973, after 0.968" in text and "12 times in 39" in text and "trust.md" in text, text
    assert "12 times in 39" not in summarize("adapt", dict(r, srccAfter=0.98), {})


def test_predictors_table_shows_how_each_predictor_was_judged():
    # An adapted predictor has no held-out data: its row was blank where its quality goes.
    from hwnas.summary import summarize
    text = summarize("hwnas/listPredictors", {"predictors": [
        {"id": "default-nb201-gold_6226", "space": "nb201", "device": "gold_6226", "model": "lut",
         "info": {"variant": "lut", "trainCount": 1000, "heldOutRMSE": 0.4305, "heldOutSpearman": 0.9882}},
        {"id": "myphone", "space": "nb201", "device": "myphone", "model": "adapted",
         "info": {"variant": "affine", "trainCount": 19, "crossValidatedRMSE": 5.122, "crossValidatedSpearman": 0.9549,
                  "crossValidatedCount": 20}}]}, {})
    assert "0.9882  held-out" in text, text
    assert "0.9549  cross-validated, 20 samples" in text, text


def test_evaluate_summary_says_degenerate_cells_were_left_out():
    from hwnas.summary import summarize
    m = {"rmse": 1.4, "mape": 12.0, "spearman": 0.971, "kendall": 0.858, "within5": 0.35, "within10": 0.61, "count": 15284}
    text = summarize("evaluate", {"predictor": "p", "data": "fixtures:pixel3", "metrics": m, "degenerateLeftOut": 341}, {})
    assert "341 degenerate architectures (no data path) left out; --include-degenerate keeps them" in text, text
    assert "degenerate" not in summarize("evaluate", {"predictor": "p", "data": "samples", "metrics": m,
                                                      "degenerateLeftOut": 0}, {})


def test_a_proxy_objective_is_not_called_accuracy():
    # proxyless/mbv2 (no accuracies) printed "accuracy 606.6": +MACs in millions.
    from hwnas.summary import summarize
    label = "+MACs in millions (proxy, not an accuracy: the most computation within the budget)"
    best = {"arch": "a", "latency_ms": 17.0, "accuracy": 606.6}
    text = summarize("search", {"best": best, "fastest": dict(best, arch="b", accuracy=271.1), "accuracyLabel": label,
                                "predictor": "p"}, {"space": "proxyless", "device": "d", "budget": {"latency_ms": 20}})
    assert "accuracy 606.6" not in text and "score 606.6" in text and f"score: {label}" in text, text
    text = summarize("generate", {"generator": "g", "accuracyLabel": label, "results": [
        {"budget_ms": 3, "arch": "a", "latency_ms": 2.9, "accuracy": 50.2, "feasible": True}]}, {})
    assert "accuracy" not in text.replace("not an accuracy", "") and f"score: {label}" in text, text
    text = summarize("search", {"best": best, "accuracyLabel": "cifar10 test accuracy %", "predictor": "p"},
                     {"space": "nb201", "device": "d", "budget": {"latency_ms": 20}})
    assert "accuracy 606.6" in text, text


def test_predict_summary_says_which_gpu_answered_for_a_spec():
    # "predicted latency by default-nb201-titan_rtx_1" was all a user asking for an RTX 3090 saw.
    from hwnas.summary import summarize
    params = {"space": "nb201", "spec": "RTX 3090", "archs": [1]}
    text = summarize("predict", {"predictor": "default-nb201-titan_rtx_1", "latency_ms": [6.7]}, params)
    assert "RTX 3090: answered by the nearest measured GPU, titan_rtx_1" in text, text
    # A loose name shows the GPU it matched.
    text = summarize("predict", {"predictor": "default-nb201-titan_rtx_1", "gpu": "GeForce RTX 3090", "latency_ms": [6.7]},
                     dict(params, spec="3090"))
    assert "3090 (GeForce RTX 3090): answered by the nearest measured GPU, titan_rtx_1" in text, text
    text = summarize("predict", {"predictor": "default-nb201-mlp-hw", "gpu": "GeForce RTX 3090", "latency_ms": [6.7]},
                     dict(params, spec="3090", specModel="mlp"))
    assert "3090: the GPU GeForce RTX 3090" in text, text
    text = summarize("predict", {"predictor": "default-nb201-mlp-hw", "latency_ms": [6.7]}, dict(params, specModel="mlp"))
    assert "nearest" not in text, text


def test_predict_summary_decodes_f32_base64_latencies():
    # `predict --output f32-base64` on a terminal printed the table's header and no latency.
    import base64
    import struct
    from hwnas.summary import summarize
    packed = base64.b64encode(struct.pack("<2f", 23.375, 10.75)).decode()
    text = summarize("predict", {"predictor": "p", "latency_ms_f32": packed}, {"archs": [1, 5], "output": "f32-base64"})
    assert re.search(r"\n +1 +23\.38", text) and re.search(r"\n +5 +10\.75", text), text


def test_generate_summary_shows_each_budget():
    # The budget column read "None": the summary looked for `budgetMs`, the result has `budget_ms`.
    from hwnas.summary import summarize
    text = summarize("generate", {"generator": "g", "accuracyLabel": "acc", "results": [
        {"budget_ms": 3, "arch": "a3", "latency_ms": 2.99, "accuracy": 90.9, "feasible": True},
        {"budget_ms": 6.5, "arch": "a6", "latency_ms": 5.59, "accuracy": 92.1, "feasible": True}]}, {})
    assert "None" not in text and re.search(r"\n +3 +2\.99", text) and re.search(r"\n +6\.5 +5\.59", text), text


# -- a real terminal -----------------------------------------------------------------------------
def test_terminal_shows_a_live_bar_and_the_human_table(env, state):
    code, out = run_in_terminal(["search", "--state", state, "--space", "nb201", "--device", "pixel3", "--pareto",
                                 "--generations", "40", "--population", "20"], env)
    assert code == 0, out
    assert "\r" in out and "\x1b[K" in out  # the line is redrawn in place
    bar = re.search(r"search nb201/pixel3, Pareto front  \[[█░]{20}\] +(\d+)%  (\d+)/40", out)
    assert bar, out
    assert "ETA " in out
    assert not too_precise(out), out
    # The summary: best architecture, latency, accuracy, an aligned table, what the numbers mean.
    assert "best:" in out and "Pareto front (" in out and "fastest first" in out
    rows = [l for l in out.splitlines() if re.match(r"^\s+[\d.]+ ms\s+[\d.]+\s+\|", l)]
    assert len(rows) >= 3
    assert len({l.index(" ms") for l in rows}) == 1, "latency column not aligned"
    assert "latency: predicted ms per inference by predictor default-nb201-pixel3" in out
    assert not out.lstrip().startswith("{")  # no JSON on a terminal


def test_terminal_names_each_part_of_a_job(env):
    # Training shows its own line, named for the job: "training latency predictor ID (mlp)".
    with tempfile.TemporaryDirectory() as d:
        code, out = run_in_terminal(["train", "--state", d, "--space", "nb201", "--device", "pixel3", "--model", "mlp",
                                     "--max-epochs", "3", "--train-size", "200", "--id", "mlp-small"], env)
    assert code == 0, out
    assert "training latency predictor mlp-small (mlp)  [" in out
    assert "predictor mlp-small: mlp on pixel3" in out and "error on held-out measurements" in out


def test_ctrl_c_cancels_and_exits_130_with_the_best_so_far(env, state):
    code, out = run_in_terminal(["search", "--state", state, "--space", "nb201", "--predictor", "lut-px3", "--budget", "5",
                                 "--generations", "1000000", "--population", "20"], env, interrupt_after=4)
    assert code == 130, out
    assert "cancelling" in out and "(cancelled: best so far)" in out


def test_list_flags_take_bare_and_comma_separated_names():
    # `--families stack` was sent as the string "stack" (-32602 "expected an array").
    def params(command, *argv):
        return cli.parse_command(RPC_COMMANDS[command], list(argv))[0]
    target = ["--target", '{"name": "t", "samples": []}']
    assert params("adapt", *target, "--families", "stack")["families"] == ["stack"]
    assert params("adapt", *target, "--families", "blend, proxy")["families"] == ["blend", "proxy"]
    assert params("adapt", *target, "--families", '["mix"]')["families"] == ["mix"]
    assert params("adapt", *target, "--pool", "false")["pool"] is False
    assert params("adapt", *target, "--pool", "pixel3,raspi4")["pool"] == ["pixel3", "raspi4"]
    assert params("finetune", "--base", "pixel3", "--samples", "[]", "--blend-with", "pixel3")["blendWith"] == ["pixel3"]
    assert params("suggest", "--space", "nb201", "--count", "3", "--proxies", '"gold_6240"')["proxies"] == ["gold_6240"]


def test_a_daemon_error_on_a_param_names_its_flag():
    # "params.trainSize: need at least 2 training samples" left the user to map trainSize to a flag.
    assert cli._flag_of(RPC_COMMANDS["train"], "params.trainSize") == "--train-size"
    assert cli._flag_of(RPC_COMMANDS["predict"], "params.archs[3]") == "--arch"
    assert cli._flag_of(RPC_COMMANDS["search"], "params.budget.latency_ms") == "--budget"
    assert cli._flag_of(RPC_COMMANDS["search"], "params.nothing") is None
    assert cli._flag_of(None, "params.trainSize") is None


def test_a_daemon_that_would_not_start_gets_advice_hwnas_users_can_follow():
    # hwnasd's advice for an unwritable state dir names its own --read-only, which hwnas does not take.
    from hwnas.client import DaemonExited
    unusable = DaemonExited("hwnasd exited", 1, "hwnasd [error] state directory: not writable; give --state a directory "
                            "this user can write, or add --read-only to use this one without saving")
    assert cli._daemon_exit_hint(unusable) == "hwnas has no --read-only: give --state a directory you can write"
    assert "--state DIR" in cli._daemon_exit_hint(DaemonExited("hwnasd exited", cli.DAEMON_EXIT_STATE_IN_USE, ""))
    assert cli._daemon_exit_hint(DaemonExited("hwnasd exited", 1, "hwnasd [error] something else")) is None


def test_train_summary_lists_the_candidates_and_marks_the_chosen_one():
    from hwnas.summary import summarize
    metrics = {"variant": "lut+mlp", "validationRMSE": {"lut": 0.0326, "lut (plain)": 0.261, "lut+mlp": 0.0184,
                                                        "lut+mlp (plain lut)": 0.0496, "mlp": 0.193}}
    text = summarize("train", {"predictor": "p", "model": "lut+mlp", "metrics": metrics}, {})
    line = next(l for l in text.splitlines() if "candidates" in l)
    assert line.index("lut+mlp 0.0184 (chosen)") < line.index("lut 0.0326") < line.index("lut (plain) 0.261"), line
    assert "candidates" not in summarize("train", {"predictor": "p", "model": "lut", "metrics": {"variant": "lut"}}, {})


def test_search_with_a_gpu_name_says_which_gpu_answered(env, tmp_path):
    # The result named only "default-fbnet-titan_rtx_1": nothing said that was the answer for an RTX 3090.
    args = ["search", "--space", "fbnet", "--spec", "3090", "--budget", "10", "--generations", "5", "--state", str(tmp_path)]
    r = run(args + ["--json", "--quiet"], env)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["gpu"] == "GeForce RTX 3090" and result["predictor"] == "default-fbnet-titan_rtx_1", result
    r = run(args + ["--human", "--quiet"], env)
    assert r.returncode == 0 and "3090 (GeForce RTX 3090): answered by the nearest measured GPU, titan_rtx_1" in r.stdout, r.stdout


def test_export_has_a_human_summary():
    # hwnas export --human printed indented JSON.
    from hwnas.summary import summarize
    r = {"files": [{"arch": "5-6-0", "bytes": 5764697, "macs": 59001728, "params": 1444596, "path": "/tmp/net.onnx",
                    "resolution": 32}], "opset": 17}
    text = summarize("export", r, {"space": "fbnet", "archs": ["5-6-0"]})
    assert text.startswith("exported 1 ONNX network (opset 17):"), text
    assert "/tmp/net.onnx" in text and "5.8" in text and "59" in text and "1.445" in text and "1×3×32×32" in text, text
    assert "hwnas measure --space fbnet" in text and "{" not in text, text


def test_sample_and_reuse_have_human_summaries(env, tmp_path):
    # Both printed indented JSON; sample now prints one architecture per line (ready for --archs-from).
    r = run(["sample", "--space", "nb201", "--count", "3", "--human", "--quiet", "--state", str(tmp_path)], env)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 3 and all(l.startswith("|") for l in r.stdout.splitlines()), r.stdout
    r = run(["reuse", "--space", "nb201", "--proxy", "gold_6226", "--target", "silver_4114", "--human", "--quiet",
             "--state", str(tmp_path)], env)
    assert r.returncode == 0, r.stderr
    assert "% of silver_4114's true front" in r.stdout and "on true front" in r.stdout and "{" not in r.stdout, r.stdout


def test_space_info_has_a_human_summary(env, tmp_path):
    # It printed the decisions as indented JSON (46 of them for ofa_mbv3); runs of like decisions are one row now.
    r = run(["space-info", "--space", "ofa_mbv3", "--human", "--quiet", "--state", str(tmp_path)], env)
    assert r.returncode == 0, r.stderr
    assert "46 decisions" in r.stdout and "ks[0] (stage0.layer0) … ks[19] (stage4.layer3)" in r.stdout and '"decisions"' not in r.stdout, r.stdout
    assert len(r.stdout.splitlines()) == 8, r.stdout


def test_train_generator_summary_says_what_it_answers_and_how_to_use_it():
    from hwnas.summary import summarize
    r = {"generator": "g1", "space": "nb201", "budgetMin": 1.589, "budgetMax": 27.74, "iterations": 300, "queries": 3565,
         "elapsedMs": 92.4, "path": "/s/generators/g1.hwng", "metadata": {"latency": "default-nb201-pixel3", "accuracy": "cifar10"}}
    text = summarize("trainGenerator", r, {"space": "nb201"})
    assert text.startswith("generator g1 (nb201; latency default-nb201-pixel3, accuracy cifar10)"), text
    assert "budgets 1.589–27.74 ms" in text and "hwnas generate --generator g1 --budget MS" in text and "{" not in text, text


def test_an_affine_maps_summary_says_its_ranking_is_the_bases():
    from hwnas.summary import summarize
    cv = {"rmse": 0.2, "mape": 12.8, "spearman": 0.986, "kendall": 0.94, "within5": 0.25, "within10": 0.33, "count": 12}
    text = summarize("finetune", {"predictor": "p", "model": "calibrated(lut)", "metrics": {"crossValidated": cv, "variant": "affine"}}, {})
    assert "Spearman and Kendall: the base's own ranking, which an affine map keeps" in text, text
    text = summarize("finetune", {"predictor": "p", "model": "x", "metrics": {"crossValidated": cv, "variant": "affine+lut"}}, {})
    assert "the base's own ranking" not in text, text
