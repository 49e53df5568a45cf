"""benchmarks/gpu.py without a GPU: its smoke run on NumPy checks and times the three versions
and prints the table and the verdicts; without CuPy, or with CuPy but no GPU, it says that
nothing was measured and exits 0; its CuPy branch runs against a stand-in CuPy built on NumPy;
its loss runs on another library's arrays (array-api-strict standing in for CuPy), and its
inputs make every hidden pre-activation exact in float32 and never 0."""

import importlib
import importlib.util
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import chainrule as cr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "benchmarks", "gpu.py")

STAND_IN_CUPY = '''
"""A stand-in for CuPy on NumPy with the calls gpu.py makes: one GPU, none if FAKE_GPUS=0."""
import atexit
import os

import numpy as np
from numpy import asarray, exp, log, max, maximum, sum  # noqa: F401

__version__ = "0.0-stand-in"
asnumpy = np.asarray
_syncs = []
atexit.register(lambda: print(f"stand-in cupy: {len(_syncs)} synchronizations"))


class _Runtime:
    @staticmethod
    def getDeviceCount():
        if os.environ.get("FAKE_GPUS") == "0":
            raise RuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected")
        return 1

    @staticmethod
    def getDeviceProperties(i):
        return {"name": b"Stand-in GPU 9000"}

    @staticmethod
    def runtimeGetVersion():
        return 12040


class _Device:
    def __init__(self, i=0):
        pass

    def synchronize(self):
        _syncs.append(1)


class cuda:
    runtime = _Runtime
    Device = _Device
'''


def run_script(*args, pythonpath=(), env=None):
    paths = [*pythonpath, os.path.join(ROOT, "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), **(env or {})}
    proc = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                          env=full_env, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


def table_row(out, label):
    """The (median, ratio) columns of ``label``'s rows in the printed tables."""
    return re.findall(rf"^  {re.escape(label)} +([\d.]+ [mu]?s) +([\d.]+)x", out, re.M)


def test_smoke_run_on_numpy_checks_times_and_judges():
    rc, out = run_script("--library", "numpy", "--sizes", "tiny", "--quick")
    assert rc == 0, out
    assert out.count("chainrule, hand numpy") == 2 and "agree (loss and gradients to" in out
    assert re.search(r"library +median +vs hand", out)
    hand, chain = table_row(out, "numpy (hand)"), table_row(out, "chainrule")
    assert len(hand) == len(chain) == 2 and all(r == "1.00" for _, r in hand)
    assert len(re.findall(r"chainrule / numpy \(hand\) +\d+\.\d{3} +target <= 1\.05", out)) == 2
    assert "TARGET gpu_mlp_large [smoke run on NumPy, not the GPU claim]: chainrule time / " \
           "hand numpy time <= 1.05 -> measured" in out
    assert ("PyTorch skipped" in out) == (importlib.util.find_spec("torch") is None)


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed")
def test_without_cupy_nothing_is_measured():
    rc, out = run_script()
    assert rc == 0, out
    assert out.strip().splitlines() == [
        "gpu.py: CuPy is not installed (No module named 'cupy'; pip install -e '.[gpu]'), "
        "so nothing was measured"]


def test_cupy_branch_on_a_stand_in(tmp_path):
    (tmp_path / "cupy").mkdir()
    (tmp_path / "cupy" / "__init__.py").write_text(textwrap.dedent(STAND_IN_CUPY))
    rc, out = run_script(pythonpath=[str(tmp_path)], env={"FAKE_GPUS": "0"})
    assert rc == 0, out
    assert ("gpu.py: CuPy 0.0-stand-in finds no CUDA GPU (RuntimeError: cudaErrorNoDevice: no "
            "CUDA-capable device is detected), so nothing was measured") in out
    assert "TARGET" not in out

    rc, out = run_script("--sizes", "tiny", "--quick", pythonpath=[str(tmp_path)],
                         env={"CUDA_VISIBLE_DEVICES": ""})  # no PyTorch CUDA beside it
    assert rc == 0, out
    assert "device: Stand-in GPU 9000 (CuPy 0.0-stand-in, CUDA runtime 12.4, CUPY_TF32=0)" in out
    assert len(table_row(out, "cupy (hand)")) == len(table_row(out, "chainrule")) == 2
    assert "TARGET gpu_mlp_large: chainrule time / hand cupy time <= 1.05 -> measured" in out
    assert "PyTorch skipped" in out  # no torch, or none with a visible GPU
    syncs = int(re.search(r"stand-in cupy: (\d+) synchronizations", out).group(1))
    assert syncs > 50  # every timed call waits for the device


@pytest.fixture(scope="module")
def gpu():
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    try:
        yield importlib.import_module("gpu")
    finally:
        sys.path.remove(os.path.join(ROOT, "benchmarks"))
        sys.modules.pop("gpu", None)
        sys.modules.pop("common", None)


def test_inputs_make_hidden_pre_activations_exact_and_nonzero(gpu, monkeypatch):
    params, X, Y = gpu.make_problem([784, 1024, 1024, 10], 256)
    assert all(a.dtype == np.float32 for a in (X, Y, *cr.tree_leaves(params)))
    h32, h64 = X, X.astype(np.float64)
    for W, b in params[:-1]:
        pre32 = h32 @ W + b
        pre64 = h64 @ W.astype(np.float64) + b.astype(np.float64)
        np.testing.assert_array_equal(pre32, pre64)  # float32 sums lost nothing
        assert np.all(pre64 != 0) and 0.4 < np.mean(pre64 > 0) < 0.6
        h32, h64 = np.maximum(pre32, 0), np.maximum(pre64, 0)
    monkeypatch.setattr(gpu, "W_BITS", 20)  # grids too fine for 24 bits: refused
    with pytest.raises(ValueError, match="not exact in float32"):
        gpu.make_problem([784, 1024, 1024, 10], 256)


def test_loss_stays_in_another_library_and_matches_the_hand_version(gpu):
    xs = pytest.importorskip("array_api_strict")
    params, X, Y = gpu.make_problem([16, 32, 32, 10], 8)
    want_v, want_g = gpu.hand_value_and_grad(np, params, X, Y)
    v, g = cr.value_and_grad(gpu.loss)([tuple(xs.asarray(a) for a in wb) for wb in params],
                                       xs.asarray(X), xs.asarray(Y))
    got, want = cr.tree_leaves((v, g)), cr.tree_leaves((want_v, want_g))
    assert len(got) == len(want) == 7
    for a, w in zip(got, want, strict=True):
        assert type(a) is type(xs.asarray(0.0)) and a.dtype == xs.float32
        np.testing.assert_allclose(np.asarray(a), w, rtol=1e-5, atol=1e-6 * np.max(np.abs(w)))
