"""Training on the GPU (issue 12): ``fit(..., device="gpu")`` equals the same run on NumPy,
the model stays on the GPU, checkpoints are host files that resume onto it, and
``chainrule train --device gpu`` trains on digits."""

import json
import os

import numpy as np
import pytest

from chainrule import nn, optim
from chainrule.cli import main
from chainrule.data import Standardizer, load_digits
from chainrule.devices import device, device_of
from chainrule.train import Checkpointer, fit, load_checkpoint, predict

cupy = pytest.importorskip("cupy", reason="CuPy is not installed (the gpu extra)")


def digits(n=400):
    X, y = load_digits()
    return Standardizer().fit_transform(X[:n]), y[:n]


def net():
    return nn.Sequential(nn.Linear(64, 32, rng=0), nn.BatchNorm(32), nn.ReLU(),
                         nn.Dropout(0.1, rng=1), nn.Linear(32, 10, rng=2))


def test_fit_on_the_gpu_equals_numpy_and_resumes_from_host_checkpoints(tmp_path):
    X, y = digits()
    kw = dict(epochs=4, batch_size=64, validation=(X[:100], y[:100]))
    host = net()
    h_host = fit(host, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), **kw)
    path = os.path.join(tmp_path, "c.npz")
    gpu = net()
    fit(gpu, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), device="gpu",
        callbacks=[Checkpointer(path)], **{**kw, "epochs": 2})
    assert all(type(v) is np.ndarray for v in load_checkpoint(path).model_state.values())
    h_gpu = fit(gpu, nn.softmax_cross_entropy, (X, y), optim.adam(1e-3), device="gpu",
                callbacks=[Checkpointer(path)], resume=path, **kw)
    assert {device_of(p) for p in gpu.parameters()} == {device("gpu")}
    for a, b in zip(h_gpu.epochs, h_host.epochs, strict=True):
        assert a["loss"] == pytest.approx(b["loss"], rel=1e-9)
        assert a["val_accuracy"] == b["val_accuracy"]
    np.testing.assert_allclose(predict(gpu, X), predict(host, X), rtol=1e-8, atol=1e-10)


def test_command_line_trains_digits_on_the_gpu(tmp_path):
    args = ["train", "--data", "digits", "--hidden", "64", "--optimizer", "adam",
            "--batch-size", "64", "--epochs", "5", "--out", str(tmp_path), "--quiet"]
    assert main([*args, "--name", "gpu", "--device", "gpu"]) == 0
    assert main([*args, "--name", "cpu"]) == 0
    runs = [json.load(open(os.path.join(tmp_path, n, "metrics.json"))) for n in ("gpu", "cpu")]
    assert runs[0]["test_accuracy"] == pytest.approx(runs[1]["test_accuracy"], abs=1e-9)
