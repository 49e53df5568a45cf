"""The chainrule command end to end in a temporary folder."""

import json
import os

import numpy as np
import pytest

from chainrule.cli import main
from chainrule.train import load_checkpoint
from tests.picture_checks import assert_png

HAVE_MPL = True
try:
    import matplotlib  # noqa: F401
except ImportError:
    HAVE_MPL = False


def run_dir(base, name):
    return os.path.join(str(base), name)


def test_default_train_is_the_seed_iris_network(tmp_path, capsys):
    assert main(["train", "--out", str(tmp_path), "--name", "demo"]) == 0
    out = capsys.readouterr().out
    assert "petal length (cm), petal width (cm)" in out
    assert "Linear(2 -> 16) Sigmoid() Linear(16 -> 3)" in out
    assert "test       loss" in out and "time" in out
    folder = run_dir(tmp_path, "demo")
    metrics = json.load(open(os.path.join(folder, "metrics.json")))
    assert metrics["test_accuracy"] >= 0.9
    assert metrics["epochs"] == 500 and metrics["optimizer"] == "sgd"
    assert metrics["batch_size"] is None and metrics["hidden"] == [16]
    for key in ("train_accuracy", "validation_accuracy", "loss", "time_seconds",
                "test_confusion_matrix"):
        assert key in metrics
    assert sum(map(sum, metrics["test_confusion_matrix"])) == 30
    ckpt = load_checkpoint(os.path.join(folder, "checkpoint.npz"))
    assert ckpt.epoch == 500 and ckpt.config["features"] == ["petal length (cm)",
                                                             "petal width (cm)"]


def test_quiet_train_evaluate_predict(tmp_path, capsys):
    assert main(["train", "--out", str(tmp_path), "--epochs", "50", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    (name,) = os.listdir(tmp_path)
    folder = run_dir(tmp_path, name)
    files = set(os.listdir(folder))
    assert {"checkpoint.npz", "metrics.json", "history.json"} <= files
    if HAVE_MPL:
        assert {"loss.png", "decision_boundary.png"} <= files
        assert_png(os.path.join(folder, "loss.png"), size=(1000, 400))  # loss | accuracy
        assert_png(os.path.join(folder, "decision_boundary.png"), size=(650, 500))
    history = json.load(open(os.path.join(folder, "history.json")))
    assert len(history["epochs"]) == 50
    ckpt = os.path.join(folder, "checkpoint.npz")

    assert main(["evaluate", ckpt, "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    result = json.loads(lines[-1])
    metrics = json.load(open(os.path.join(folder, "metrics.json")))
    assert result["test"]["accuracy"] == pytest.approx(metrics["test_accuracy"])
    assert any(line.strip().startswith("virginica") for line in lines)

    flowers = tmp_path / "flowers.csv"
    flowers.write_text("petal_length,petal_width\n1.4,0.2\n6.0,2.4\n")
    out = tmp_path / "pred.csv"
    assert main(["predict", ckpt, str(flowers), "--output", str(out)]) == 0
    rows = out.read_text().splitlines()
    assert rows[0] == "row,predicted,p_setosa,p_versicolor,p_virginica"
    assert rows[1].split(",")[1] == "setosa" and rows[2].split(",")[1] == "virginica"
    probs = np.array([float(v) for v in rows[1].split(",")[2:]])
    assert probs.sum() == pytest.approx(1.0, abs=1e-5)
    capsys.readouterr()
    assert main(["predict", ckpt, str(flowers)]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == rows[1:]


def test_resume_from_the_command_line_matches_a_straight_run(tmp_path):
    base = ["--out", str(tmp_path), "--quiet", "--optimizer", "adam", "--batch-size", "16",
            "--dropout", "0.1", "--hidden", "8,8"]
    assert main(["train", *base, "--epochs", "12", "--name", "straight"]) == 0
    assert main(["train", *base, "--epochs", "5", "--name", "part"]) == 0
    ckpt = os.path.join(run_dir(tmp_path, "part"), "checkpoint.npz")
    assert main(["train", "--resume", ckpt, "--epochs", "12", "--quiet"]) == 0
    a = load_checkpoint(os.path.join(run_dir(tmp_path, "straight"), "checkpoint.npz"))
    b = load_checkpoint(ckpt)
    assert b.epoch == 12
    assert all(np.array_equal(a.model_state[k], b.model_state[k]) for k in a.model_state)


def test_csv_data_and_other_sets(tmp_path, capsys):
    data = tmp_path / "points.csv"
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    lines = ["u,v,kind"] + [f"{a:.4f},{b:.4f},{'up' if a + b > 0 else 'down'}" for a, b in X]
    data.write_text("\n".join(lines) + "\n")
    assert main(["train", "--data", str(data), "--target", "kind", "--out", str(tmp_path),
                 "--name", "csv", "--epochs", "200", "--quiet"]) == 0
    metrics = json.load(open(os.path.join(run_dir(tmp_path, "csv"), "metrics.json")))
    assert metrics["class_names"] == ["down", "up"] and metrics["train_accuracy"] > 0.9
    assert main(["train", "--data", "moons", "--hidden", "16,16", "--activation", "tanh",
                 "--optimizer", "momentum", "--batch-size", "8", "--epochs", "20",
                 "--preprocess", "minmax", "--out", str(tmp_path), "--quiet"]) == 0


def test_errors_are_one_line_with_status_2(tmp_path, capsys):
    cases = [
        ["train", "--hidden", "0"],
        ["train", "--lr", "-1"],
        ["train", "--epochs", "many"],
        ["train", "--dropout", "1.5"],
        ["train", "--data", "nope"],
        ["train", "--data", str(tmp_path / "missing.csv")],
        ["train", "--features", "petal_height", "--out", str(tmp_path)],
        ["train", "--data", "iris", "--loss", "hinge", "--init", "bogus", "--out", str(tmp_path)],
        ["evaluate", str(tmp_path / "missing.npz")],
        ["frobnicate"],
    ]
    for argv in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "error" in err and "Traceback" not in err, (argv, err)


def test_labels_out_of_range_and_missing_columns(tmp_path, capsys):
    assert main(["train", "--out", str(tmp_path), "--name", "r", "--epochs", "5",
                 "--quiet"]) == 0
    ckpt = os.path.join(run_dir(tmp_path, "r"), "checkpoint.npz")
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("petal length (cm),petal width (cm),species\n1.4,0.2,tulip\n")
    assert main(["evaluate", ckpt, "--data", str(unknown), "--target", "species"]) == 2
    assert "tulip" in capsys.readouterr().err
    partial = tmp_path / "partial.csv"
    partial.write_text("petal_length\n1.4\n")
    assert main(["predict", ckpt, str(partial)]) == 2
    assert "petal width" in capsys.readouterr().err


def test_divergence_exits_1_and_keeps_the_checkpoint(tmp_path, capsys):
    code = main(["train", "--lr", "1e6", "--activation", "relu", "--epochs", "40",
                 "--out", str(tmp_path), "--name", "boom", "--quiet", "--checkpoint-every", "1"])
    assert code == 1
    err = capsys.readouterr().err
    assert "epoch" in err and "batch 1 of 1" in err and "learning rate" in err
    ckpt = load_checkpoint(os.path.join(run_dir(tmp_path, "boom"), "checkpoint.npz"))
    assert all(np.isfinite(v).all() for v in ckpt.model_state.values())


def test_help_shows_examples(capsys):
    assert main(["train", "--help"]) == 0
    text = capsys.readouterr().out
    assert "examples:" in text and "--batch-size" in text and "adam" in text
    assert main(["--help"]) == 0
    assert "chainrule evaluate" in capsys.readouterr().out
