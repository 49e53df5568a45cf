"""``chainrule train --device``: an unavailable device stops the command with status 2 and one
line, before any data is loaded or any run folder is made (issue 12)."""

import json
import os
import sys

import pytest

from chainrule.cli import main
from tests.test_devices import fake_cupy


@pytest.mark.parametrize("cupy, says", [
    (None, "--device 'gpu': CuPy is not installed; install the GPU extra"),
    (fake_cupy(RuntimeError("no CUDA driver")), "--device 'gpu': CuPy finds no usable CUDA GPU"),
])
def test_gpu_where_there_is_none_exits_2_in_one_line(tmp_path, capsys, monkeypatch, cupy, says):
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    assert main(["train", "--device", "gpu", "--out", str(tmp_path), "--epochs", "3"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"chainrule train: error: {says}") and err.count("\n") == 1
    assert os.listdir(tmp_path) == []


def test_an_unknown_device_exits_2(tmp_path, capsys):
    assert main(["train", "--device", "tpu", "--out", str(tmp_path)]) == 2
    assert "--device 'tpu': expected 'cpu', 'gpu'" in capsys.readouterr().err


def test_device_cpu_trains_as_before(tmp_path):
    args = ["train", "--out", str(tmp_path), "--quiet", "--epochs", "20", "--hidden", "4"]
    assert main([*args, "--name", "plain"]) == 0
    assert main([*args, "--name", "cpu", "--device", "cpu"]) == 0
    runs = [json.load(open(os.path.join(tmp_path, n, "history.json"))) for n in ("plain", "cpu")]
    strip = [[{k: v for k, v in e.items() if k != "seconds"} for e in r["epochs"]] for r in runs]
    assert strip[0] == strip[1] and len(strip[0]) == 20
