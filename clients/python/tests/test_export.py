"""export: ONNX files checked independently of the daemon's own counters.

For >= 200 random architectures per space: onnx.checker passes, and the MACs and parameters
computed here from the ONNX graph (ONNX shape inference for the feature-map sizes) equal what
the daemon reports, which is its cost model's (`SearchSpace.cost`; the daemon checks the two
agree). The rule for folded batch norms (protocol/export.md): params = every float initializer
not named const.* plus one per channel of each `.bn_bias` (the BN scale folded into the conv).
A handful per space also runs in onnxruntime.
"""
import os
import shutil
import tempfile

import pytest

onnx = pytest.importorskip("onnx")
from onnx import shape_inference  # noqa: E402

CLASSES = {"nb201": 10, "fbnet": 100, "ofa_mbv3": 1000, "proxyless": 1000, "mbv2": 1000}
PER_SPACE = 200
CHUNK = 20
OPS = {"Conv", "Relu", "Clip", "HardSwish", "HardSigmoid", "Mul", "Add", "GlobalAveragePool", "AveragePool",
       "Flatten", "Gemm", "Reshape", "Transpose", "Identity"}


@pytest.fixture
def scratch():
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    d = tempfile.mkdtemp(prefix="hwnas-export-", dir=base)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


def graph_counts(model):
    """(MACs per sample, params with folded BN counted as 2 per channel, value shapes) from the
    ONNX model alone. Drops the model's float data."""
    assert {n.op_type for n in model.graph.node} <= OPS
    inits = {t.name: list(t.dims) for t in model.graph.initializer}
    # Shape inference needs the initializers' shapes, not their data: drop the float data.
    for t in model.graph.initializer:
        if t.data_type == onnx.TensorProto.FLOAT and len(t.dims) > 0:
            t.ClearField("raw_data")
    inferred = shape_inference.infer_shapes(model, strict_mode=True)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    macs = 0
    for node in model.graph.node:
        if node.op_type == "Conv":
            _, cin_per_group, kh, kw = inits[node.input[1]]
            out = shapes[node.output[0]]
            per_sample = prod(out[1:])
            macs += per_sample * cin_per_group * kh * kw
            if len(node.input) > 2 and node.input[2].endswith(".bias"):  # a conv's own bias (not a folded BN's)
                macs += per_sample
        elif node.op_type == "Gemm":
            macs += prod(inits[node.input[1]])
    params = sum(prod(d) for n, d in inits.items() if not n.startswith("const."))
    folded_bn_scales = sum(prod(d) for n, d in inits.items() if n.endswith(".bn_bias"))
    return macs, params + folded_bn_scales, shapes


@pytest.mark.parametrize("space", sorted(CLASSES))
def test_exported_graphs_check_and_match_the_cost_model(client, scratch, space):
    archs = client.sample(space=space, count=PER_SPACE, seed=11)["archs"]
    checked = 0
    for start in range(0, len(archs), CHUNK):
        chunk = archs[start:start + CHUNK]
        out = os.path.join(scratch, space)
        res = client.export(space, chunk, dir=out, weights="zeros")
        assert res["opset"] == 17 and len(res["files"]) == len(chunk)
        for f in res["files"]:
            assert os.path.getsize(f["path"]) == f["bytes"]
            onnx.checker.check_model(f["path"])  # from the file: faster than from a loaded model
            macs, params, shapes = graph_counts(onnx.load(f["path"]))
            assert macs == f["macs"], (f["arch"], macs, f["macs"])
            assert params == f["params"], (f["arch"], params, f["params"])
            assert shapes["logits"] == [1, CLASSES[space]]
            assert shapes["input"] == [1, 3, f["resolution"], f["resolution"]]
            checked += 1
        shutil.rmtree(out)
    assert checked == PER_SPACE


def test_nb201_prune_dead_and_degenerate_cells(client, scratch):
    ort = pytest.importorskip("onnxruntime")
    import numpy as np
    dead = "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|skip_connect~2|"
    full = client.export("nb201", [dead], path=os.path.join(scratch, "full.onnx"))["files"][0]
    pruned = client.export("nb201", [dead], path=os.path.join(scratch, "pruned.onnx"), pruneDead=True)["files"][0]
    conv3 = 5 * (32 * 32 * 16 * 16 * 9 + 16 * 16 * 32 * 32 * 9 + 8 * 8 * 64 * 64 * 9)
    assert full["macs"] - pruned["macs"] == conv3
    for f in (full, pruned):
        onnx.checker.check_model(f["path"], full_check=True)
        assert graph_counts(onnx.load(f["path"]))[:2] == (f["macs"], f["params"])

    # No path from the cell input to its output: the cell outputs zeros computed from its input,
    # so the logits do not depend on the image.
    none_cell = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    for prune in (False, True):
        f = client.export("nb201", [none_cell], path=os.path.join(scratch, "none%d.onnx" % prune), pruneDead=prune)["files"][0]
        onnx.checker.check_model(f["path"], full_check=True)
        s = ort.InferenceSession(f["path"], providers=["CPUExecutionProvider"])
        rng = np.random.default_rng(0)
        y = [s.run(None, {"input": rng.standard_normal((1, 3, 32, 32)).astype(np.float32)})[0] for _ in range(2)]
        assert y[0].shape == (1, 10) and np.array_equal(y[0], y[1])


def test_a_few_per_space_run_in_onnxruntime(client, scratch):
    ort = pytest.importorskip("onnxruntime")
    import numpy as np
    for space, classes in sorted(CLASSES.items()):
        archs = client.sample(space=space, count=2, seed=5)["archs"]
        res = client.export(space, archs, dir=os.path.join(scratch, space))
        for f in res["files"]:
            s = ort.InferenceSession(f["path"], providers=["CPUExecutionProvider"])
            r = f["resolution"]
            x = np.random.default_rng(1).standard_normal((1, 3, r, r)).astype(np.float32)
            y = s.run(None, {"input": x})[0]
            assert y.shape == (1, classes) and np.isfinite(y).all() and np.abs(y).max() > 0, (space, f["arch"])
    # batch 2 and a resolution override
    arch = client.sample(space="ofa_mbv3", count=1, seed=2)["archs"][0]
    f = client.export("ofa_mbv3", [arch], path=os.path.join(scratch, "b2.onnx"), batch=2, resolution=128)["files"][0]
    assert f["resolution"] == 128 and f["arch"].endswith("r=128")
    s = ort.InferenceSession(f["path"], providers=["CPUExecutionProvider"])
    assert s.run(None, {"input": np.zeros((2, 3, 128, 128), np.float32)})[0].shape == (2, 1000)


def test_same_arch_and_seed_give_the_same_bytes(client, scratch):
    arch = client.sample(space="fbnet", count=1, seed=3)["archs"][0]
    paths = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        paths.append(client.export("fbnet", [arch], path=os.path.join(scratch, name + ".onnx"), seed=seed)["files"][0]["path"])
    data = [open(p, "rb").read() for p in paths]
    assert data[0] == data[1] and data[0] != data[2] and len(data[0]) == len(data[2])


def test_bad_requests_write_nothing(client, scratch):
    from hwnas import HwnasError
    target = os.path.join(scratch, "nothing")
    cases = [
        ({"space": "nb201", "archs": [0, 1], "path": os.path.join(target, "x.onnx")}, -32602, "params.path"),
        ({"space": "nb201", "archs": [0, "bad"], "dir": target}, -32020, "params.archs[1]"),
        ({"space": "ofa_mbv3", "archs": client.sample(space="ofa_mbv3")["archs"], "dir": target, "resolution": 130}, -32602, "params.resolution"),
        ({"space": "nb201", "archs": [0], "dir": target, "resolution": 224}, -32602, "params.resolution"),
        ({"space": "nb201", "archs": [0], "dir": target + "/../x"}, -32602, "params.dir"),
        ({"space": "nb201", "archs": [0], "dir": target, "path": target + "/a.onnx"}, -32602, "params.path"),
        ({"space": "nb201", "archs": [0], "dir": target, "format": "tflite"}, -32602, "params.format"),
        ({"space": "nb201", "archs": [0], "dir": target, "weights": "ones"}, -32602, "params.weights"),
        ({"space": "nb201", "archs": [0]}, -32602, "params.dir"),
    ]
    for params, code, field in cases:
        with pytest.raises(HwnasError) as e:
            client.call("export", params)
        assert e.value.code == code and e.value.data["field"] == field, (params, e.value)
    assert not os.path.exists(target)
    ro = os.path.join(scratch, "ro")
    os.mkdir(ro, 0o500)
    if not os.access(ro, os.W_OK):  # root can write anyway
        with pytest.raises(HwnasError) as e:
            client.export("nb201", [0], dir=ro)
        assert e.value.code == -32030
    assert client.export("nb201", [0], dir=scratch + "/ok")["files"][0]["bytes"] > 0  # the daemon still serves


def test_shell_client_export(binary, scratch):
    import json
    import subprocess
    hwnas = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "hwnas")
    out = subprocess.run([hwnas, "export", "--space", "nb201", "--arch", "0", "--arch", "15624", "--dir", scratch + "/sh",
                          "--weights", "zeros"], capture_output=True, text=True, env=dict(os.environ, HWNASD=binary), timeout=120)
    assert out.returncode == 0, out.stderr
    files = json.loads(out.stdout)["files"]
    assert len(files) == 2 and all(os.path.getsize(f["path"]) == f["bytes"] for f in files)
    assert "progress 2/2 exported" in out.stderr
