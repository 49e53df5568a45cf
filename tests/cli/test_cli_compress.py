"""``chainrule compress`` (issue 15): each method writes a new run whose checkpoint `evaluate`
reads as any other, with the scores its report states; the input checkpoint is never changed;
bad input exits 2 naming the problem."""

import hashlib
import json

import numpy as np
import pytest

from chainrule.cli import main
from chainrule.train import load_checkpoint, save_checkpoint


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    assert main(["train", "--data", "digits", "--hidden", "32", "--activation", "relu",
                 "--optimizer", "adam", "--lr", "0.003", "--batch-size", "32", "--epochs", "8",
                 "--quiet", "--out", str(folder), "--name", "base"]) == 0
    return folder, str(folder / "base" / "checkpoint.npz")


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def compress(run, name, *options):
    folder, source = run
    return main(["compress", source, *options, "--out", str(folder), "--name", name,
                 "--quiet"])


@pytest.mark.parametrize("name, options, kind", [
    ("pruned", ["--method", "prune", "--sparsity", "0.8", "--epochs", "2"], "sparse"),
    ("int8", ["--method", "quantize", "--calibration", "128"], "int8"),
    ("lowrank", ["--method", "lowrank", "--rank", "6", "--epochs", "2"], "lowrank"),
    ("hashed", ["--method", "hash", "--compression", "0.25", "--epochs", "4"], "hashed"),
    ("student", ["--method", "mimic", "--hidden", "8", "--epochs", "10", "--lr", "0.01"], None),
])
def test_each_method_writes_a_run_that_evaluate_reads(run, name, options, kind, capsys):
    folder, source = run
    before = digest(source)
    assert compress(run, name, *options) == 0
    assert digest(source) == before  # the input checkpoint is only read
    report = json.loads((folder / name / "compression.json").read_text())
    ckpt = load_checkpoint(str(folder / name / "checkpoint.npz"))
    kinds = {s["kind"] for s in ckpt.config["model"].get("compressed", [])}
    assert kinds == ({kind} if kind else set())
    assert report["after"]["file_bytes"] < report["before"]["file_bytes"]
    capsys.readouterr()
    assert main(["evaluate", str(folder / name / "checkpoint.npz"), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert scores["test"]["accuracy"] == report["after"]["test"]["accuracy"]
    assert report["after"]["test"]["accuracy"] > 0.8


def test_int8_is_smaller_on_disk_and_mimic_is_a_smaller_network(run):
    folder, _ = run
    for name, options in (("q", ["--method", "quantize"]),
                          ("m", ["--method", "mimic", "--hidden", "8", "--epochs", "1"])):
        assert compress(run, name, *options) == 0
    q = json.loads((folder / "q" / "compression.json").read_text())
    assert q["model_bytes_ratio"] > 4
    m = load_checkpoint(str(folder / "m" / "checkpoint.npz"))
    assert m.config["hidden"] == [8] and m.config["compression"]["method"] == "mimic"


@pytest.mark.parametrize("options, message", [
    (["--method", "prune", "--sparsity", "1.0"], "expected a fraction in [0, 1)"),
    (["--method", "lowrank", "--rank", "1000"], "rank"),
    (["--method", "hash", "--buckets", "0"], "expected a positive integer"),
    (["--method", "quantize", "--sparsity", "0.5"], "--sparsity is an option of --method prune"),
    (["--method", "mimic"], "--method mimic needs --hidden"),
    (["--method", "prune", "--sparsity", "0.5", "--layers", "1"], "--layers '1'"),
])
def test_bad_options_exit_2(run, options, message, capsys):
    assert compress(run, "bad", *options) == 2
    assert message in capsys.readouterr().err


def test_a_compressed_checkpoint_is_not_compressed_again(run, capsys):
    folder, _ = run
    assert compress(run, "once", "--method", "quantize") == 0
    assert main(["compress", str(folder / "once" / "checkpoint.npz"), "--method", "prune",
                 "--sparsity", "0.5", "--out", str(folder), "--name", "twice"]) == 2
    assert "already compressed (int8)" in capsys.readouterr().err


def test_weights_of_another_architecture_and_non_finite_weights_are_refused(run, capsys,
                                                                           tmp_path):
    from chainrule.train.mlp import mlp_from_config

    _, source = run
    ckpt = load_checkpoint(source)
    other = dict(ckpt.config, hidden=[16], model=dict(ckpt.config["model"], hidden=[16]))
    path = str(tmp_path / "other.npz")
    save_checkpoint(path, mlp_from_config(ckpt.config["model"]), config=other)
    assert main(["compress", path, "--method", "quantize", "--out", str(tmp_path)]) == 2
    assert "another architecture" in capsys.readouterr().err
    model = ckpt.load_into(mlp_from_config(ckpt.config["model"]))
    model.layers[0].W[0, 0] = np.nan
    path = str(tmp_path / "nan.npz")
    save_checkpoint(path, model, config=ckpt.config)
    assert main(["compress", path, "--method", "quantize", "--out", str(tmp_path)]) == 2
    assert "finite" in capsys.readouterr().err


def test_predict_reads_a_quantized_run_and_lowrank_reports_the_seed_count(run, capsys,
                                                                         tmp_path):
    folder, _ = run
    assert compress(run, "q8", "--method", "quantize") == 0
    ckpt = load_checkpoint(str(folder / "q8" / "checkpoint.npz"))
    data = tmp_path / "rows.csv"
    data.write_text(",".join(ckpt.config["features"]) + "\n" + ",".join(["8"] * 64) + "\n")
    capsys.readouterr()
    assert main(["predict", str(folder / "q8" / "checkpoint.npz"), str(data)]) == 0
    assert capsys.readouterr().out.startswith("row,predicted,p_")
    assert main(["compress", run[1], "--method", "lowrank", "--rank", "4", "--epochs", "0",
                 "--out", str(folder), "--name", "r4"]) == 0
    out = capsys.readouterr().out
    assert "2,048 -> 384" in out  # layer 0, 64 x 32: in * out -> 4 * (64 + 32)
