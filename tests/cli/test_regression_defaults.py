"""Regression with the default settings converges, whatever the targets' units: targets are
standardized on the training part and sgd takes a quarter of the classification step (the
curvature of mean squared error is 4 times that of softmax cross-entropy). Checked on the
generated sine set, a CSV file whose targets are in the thousands, and a two-output .npz."""

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest

from chainrule.cli import main
from chainrule.cli.config import RunConfig, regression_lr
from chainrule.data import save_npz


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def train(tmp_path, data, *extra):
    status, _, err = run(["train", "--data", str(data), "--out", str(tmp_path), "--name", "r",
                          "--quiet", *extra])
    assert status == 0, err
    folder = tmp_path / "r"
    history = json.loads((folder / "history.json").read_text())["epochs"]
    return json.loads((folder / "metrics.json").read_text()), history, folder


def assert_converged(history, metrics, floor):
    """R^2 on the validation part ends within 0.01 of its best epoch and above ``floor``."""
    r2 = [e["val_r2"] for e in history]
    assert len(r2) == 500 and metrics["stop_reason"] == "completed"
    assert r2[-1] >= max(r2) - 0.01, (r2[-1], max(r2))
    assert metrics["validation_r2"] == pytest.approx(r2[-1])
    assert metrics["test_r2"] > floor


def linear_csv(path, n=300, seed=1):
    """price = 2000 + 1500 a - 80 b + 3000 c + noise (spread 200): targets in the thousands."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1.0, 10.0, 0.1]
    y = 2000 + X @ [1500.0, -80.0, 3000.0] + rng.normal(scale=200.0, size=n)
    rows = (",".join(f"{v:.9g}" for v in (*r, t)) for r, t in zip(X, y, strict=True))
    lines = ["a,b,c,price", *rows]
    path.write_text("\n".join(lines) + "\n")
    return X, y


def test_sine_converges_with_the_defaults(tmp_path):
    metrics, history, _ = train(tmp_path, "sine")
    assert (metrics["optimizer"], metrics["lr"], metrics["loss_function"]) == ("sgd", 0.25, "mse")
    assert_converged(history, metrics, floor=0.9)


def test_sine_with_the_classification_step_does_not(tmp_path):
    """The problem the defaults avoid: sgd lr 1.0 on mean squared error overshoots."""
    metrics, history, _ = train(tmp_path, "sine", "--lr", "1.0")
    r2 = [e["val_r2"] for e in history]
    assert r2[-1] < max(r2) - 1.0 and metrics["test_r2"] < 0
    assert len(metrics["warnings"]) == 1 and metrics["notes"] == []
    assert "times the best" in metrics["warnings"][0] and "stayed so" in metrics["warnings"][0]


def test_the_tenfold_validation_loss_growth_is_one_line_on_stderr(tmp_path):
    """The user who saw R^2 fall from 0.8 to -1367 unwarned now gets one line, and the
    warning is in metrics.json; Python's two-line warning is not shown."""
    status, _, err = run(["train", "--data", "sine", "--lr", "1.0", "--epochs", "50",
                          "--out", str(tmp_path), "--name", "w"])
    assert status == 0, err
    lines = [line for line in err.splitlines() if "warning" in line.lower()]
    assert len(lines) == 1, err
    assert lines[0].startswith("chainrule train: warning: epoch ")
    assert "try a lower --lr (this run: 1)" in lines[0]
    assert "ValidationLossWarning" not in err
    metrics = json.loads((tmp_path / "w" / "metrics.json").read_text())
    assert lines[0].endswith(metrics["warnings"][0])


def test_an_early_spike_the_run_recovers_from_is_a_note(tmp_path):
    """The default step throws the validation loss up for a few epochs before it settles (a
    large step's early catapult); the run ends at its best, so this is a note, not a warning."""
    metrics, history, _ = train(tmp_path, "sine", "--epochs", "50")
    losses = [e["val_loss"] for e in history]
    assert max(losses[:10]) > 10 * min(losses[:3]) and losses[-1] < 10 * min(losses[:3])
    assert metrics["warnings"] == [] and len(metrics["notes"]) == 1
    assert "and came back (final" in metrics["notes"][0]


def test_targets_in_the_thousands_converge_and_are_reported_in_their_units(tmp_path):
    csv = tmp_path / "prices.csv"
    _, y = linear_csv(csv)
    metrics, history, folder = train(tmp_path, csv)
    assert_converged(history, metrics, floor=0.95)
    assert 0.5 * 200**2 < metrics["test_mse"] < 2 * 200**2  # about the noise's variance
    assert metrics["target_mean"][0] == pytest.approx(np.mean(y), rel=0.05)
    assert metrics["target_std"][0] == pytest.approx(np.std(y), rel=0.15)
    rows = tmp_path / "rows.csv"
    rows.write_text("a,b,c\n0,0,0\n1,0,0\n")
    status, out, err = run(["predict", str(folder / "checkpoint.npz"), str(rows)])
    assert status == 0, err
    p0, p1 = (float(line.split(",")[1]) for line in out.splitlines()[1:])
    assert p0 == pytest.approx(2000, abs=150) and p1 - p0 == pytest.approx(1500, abs=200)
    status, out, _ = run(["evaluate", str(folder / "checkpoint.npz"), "--json"])
    scores = json.loads(out.splitlines()[-1])
    assert scores["test"]["mse"] == pytest.approx(metrics["test_mse"])
    assert scores["test"]["r2"] == pytest.approx(metrics["test_r2"])


def test_two_outputs_converge(tmp_path):
    rng = np.random.default_rng(2)
    X = rng.uniform(-2, 2, size=(300, 2))
    Y = np.column_stack([np.sin(X[:, 0]) + 0.5 * X[:, 1], 50 * X[:, 0] * X[:, 1]])
    path = tmp_path / "two.npz"
    save_npz(path, X, Y + rng.normal(scale=0.1, size=Y.shape))
    metrics, history, _ = train(tmp_path, path)
    assert_converged(history, metrics, floor=0.9)
    assert len(metrics["target_std"]) == 2 and metrics["target_std"][1] > 10


def test_a_regression_resumes_with_its_target_scaling(tmp_path):
    _, _, folder = train(tmp_path, "sine", "--epochs", "4")
    from chainrule.train import load_checkpoint

    path = str(folder / "checkpoint.npz")
    before = RunConfig.from_dict(load_checkpoint(path).config, path)
    assert before.target_mean is not None and before.lr == regression_lr("sgd")
    assert run(["train", "--resume", path, "--epochs", "6", "--quiet"])[0] == 0
    after = RunConfig.from_dict(load_checkpoint(path).config, path)
    assert after == before.with_epochs(6)


def test_a_regression_checkpoint_without_target_scaling_uses_raw_outputs():
    """Runs written before the targets were standardized learned them raw."""
    config = RunConfig(data="d.csv", features=("x",), inputs=1, outputs=1, task="regression",
                       lr=1.0)
    stored = config.to_dict()
    assert "target_mean" not in stored and "target_std" not in stored
    again = RunConfig.from_dict(stored, "d.npz")
    out = np.array([[3.0], [-1.0]])
    assert again.target_mean is None and again.unscale_outputs(out) is out


def test_adaptive_optimizers_keep_their_step():
    assert [regression_lr(o) for o in ("sgd", "momentum", "nesterov", "adam", "rmsprop")] == [
        0.25, 0.025, 0.025, 0.01, 0.01]


def test_sine_and_npz_files_are_offered(tmp_path):
    status, _, err = run(["train", "--data", "sines", "--quiet", "--out", str(tmp_path)])
    assert status == 2 and "'sine'" in err and "FILE.csv" in err
    path = tmp_path / "two.npz"
    save_npz(path, np.zeros((10, 2)), np.zeros((10, 2)))
    status, _, err = run(["train", "--data", str(path), "--target", "y", "--quiet",
                          "--out", str(tmp_path)])
    assert status == 2 and "leave out --target" in err
    assert "sine (a regression)" in " ".join(run(["train", "--help"])[1].split())
