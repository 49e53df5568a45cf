"""A diverged `chainrule train` exits 1 and keeps its run folder with what happened."""

import io
import json
import math
from contextlib import redirect_stderr, redirect_stdout

from chainrule.cli import main
from chainrule.train import load_checkpoint

DIVERGING = ["train", "--activation", "relu", "--epochs", "40", "--quiet"]


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def test_a_diverged_run_keeps_metrics_history_and_the_last_checkpoint(tmp_path):
    status, out, err = run([*DIVERGING, "--lr", "1e6", "--checkpoint-every", "5",
                            "--out", str(tmp_path), "--name", "boom"])
    folder = tmp_path / "boom"
    assert status == 1 and out == ""
    assert f"the run diverged at epoch 28; kept {folder}" in err
    assert "error: fit: the loss became inf at epoch 28, batch 1 of 1" in err
    assert sorted(p.name for p in folder.iterdir()) == ["checkpoint.npz", "history.json",
                                                        "metrics.json"]
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["stop_reason"] == "diverged" and metrics["epochs"] == 27
    assert metrics["diverged"] == {"what": "loss", "epoch": 28, "batch": 1}
    assert metrics["message"].startswith("fit: the loss became inf at epoch 28")
    assert (metrics["lr"], metrics["optimizer"], metrics["activation"]) == (1e6, "sgd", "relu")
    assert metrics["checkpoint_epoch"] == 25
    history = json.loads((folder / "history.json").read_text())
    assert history["stop_reason"] == "diverged"
    assert [e["epoch"] for e in history["epochs"]] == list(range(1, 28))
    assert all(math.isfinite(e["loss"]) for e in history["epochs"])
    assert metrics["loss"] == history["epochs"][-1]["loss"]
    assert load_checkpoint(str(folder / "checkpoint.npz")).epoch == 25


def test_a_run_diverging_before_its_first_checkpoint_keeps_metrics_and_history(tmp_path):
    status, _, err = run([*DIVERGING, "--lr", "1e300", "--out", str(tmp_path), "--name", "b"])
    folder = tmp_path / "b"
    assert status == 1 and "the run diverged at epoch 2" in err
    assert sorted(p.name for p in folder.iterdir()) == ["history.json", "metrics.json"]
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["checkpoint_epoch"] is None and metrics["epochs"] == 1
    assert metrics["diverged"]["epoch"] == 2


def test_a_diverged_run_with_diagnostics_keeps_them_too(tmp_path):
    status, _, _ = run([*DIVERGING, "--lr", "1e6", "--diagnose", "--out", str(tmp_path),
                        "--name", "d"])
    assert status == 1
    names = sorted(p.name for p in (tmp_path / "d").iterdir())
    assert names == ["checkpoint.npz", "diagnostics.json", "history.json", "metrics.json"]
