"""RunConfig: built once from the command line and the data, validated there, stored in the
checkpoint and read back (also from checkpoints written before RunConfig existed)."""

import io
import os
from contextlib import redirect_stderr, redirect_stdout

import pytest

from chainrule.cli import build_parser, main
from chainrule.cli.config import RunConfig, requested_data
from chainrule.cli.data import UsageError, load
from chainrule.train import load_checkpoint, save_checkpoint
from chainrule.train.mlp import mlp_from_config

# the config dict of `chainrule train --epochs 2 --name a` as written before RunConfig
EARLIER = {
    "hidden": [16], "activation": "sigmoid", "loss": "cross_entropy", "optimizer": "sgd",
    "lr": 1.0, "epochs": 2, "batch_size": None, "init": None, "batchnorm": False,
    "dropout": 0.0, "preprocess": "standardize", "seed": 0, "val": 0.2, "test": 0.2,
    "data": "iris", "target": None, "features": ["petal length (cm)", "petal width (cm)"],
    "class_names": ["setosa", "versicolor", "virginica"], "task": "classification",
    "model": {"inputs": 2, "hidden": [16], "outputs": 3, "activation": "sigmoid", "init": None,
              "batchnorm": False, "dropout": 0.0, "seed": 0},
    "name": "a",
}


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def config_of(argv, name="r"):
    args = build_parser().parse_args(["train", *argv])
    return RunConfig.from_args(args, load(*requested_data(args), seed=args.seed or 0), name)


def test_defaults_are_the_seed_iris_network():
    c = config_of([])
    assert (c.data, c.features, c.hidden, c.activation) == (
        "iris", ("petal length (cm)", "petal width (cm)"), (16,), "sigmoid")
    assert (c.loss, c.optimizer, c.lr, c.epochs, c.batch_size) == (
        "cross_entropy", "sgd", 1.0, 500, None)
    assert (c.inputs, c.outputs, c.task, c.class_names) == (
        2, 3, "classification", ("setosa", "versicolor", "virginica"))


def test_to_dict_keeps_the_keys_of_earlier_checkpoints_and_round_trips():
    c = config_of(["--epochs", "2"], name="a")
    assert c.to_dict() == EARLIER
    assert RunConfig.from_dict(EARLIER, "x.npz") == c
    assert len(mlp_from_config(c.model)) == 3


def test_a_checkpoint_written_before_runconfig_is_evaluated(tmp_path):
    path = str(tmp_path / "checkpoint.npz")
    save_checkpoint(path, mlp_from_config(EARLIER["model"]), config=EARLIER)
    status, out, err = run(["evaluate", path])
    assert status == 0, err
    assert out.startswith("train") and "accuracy" in out


def test_settings_are_typed_and_options_override_the_defaults():
    c = config_of(["--data", "moons", "--hidden", "8,4", "--optimizer", "adam", "--seed", "3",
                   "--batch-size", "16", "--dropout", "0.1", "--batchnorm"])
    assert c.hidden == (8, 4) and c.lr == 0.01 and c.seed == 3 and c.batch_size == 16
    assert c.batchnorm is True and c.dropout == 0.1 and c.features == ("x0", "x1")


@pytest.mark.parametrize("change, message", [
    ({"loss": "hexagon"}, "--loss: 'hexagon' is not one of"),
    ({"val": 0.5, "test": 0.5}, "leave no training samples"),
    ({"lr": -1.0}, "--lr: expected a finite number > 0"),
    ({"hidden": [0]}, "--hidden: expected a positive integer, got 0"),
    ({"init": "zeroes"}, "--init: unknown initializer 'zeroes'"),
    ({"task": "regression"}, "--loss cross_entropy needs class labels"),
])
def test_invalid_settings_name_the_option_and_the_file(change, message):
    with pytest.raises(UsageError) as caught:
        RunConfig.from_dict({**EARLIER, **change}, "runs/a/checkpoint.npz")
    assert "runs/a/checkpoint.npz" in str(caught.value) and message in str(caught.value)


def test_invalid_command_line_settings_exit_2_before_any_folder(tmp_path):
    status, _, err = run(["train", "--val", "0.6", "--test", "0.5", "--out", str(tmp_path),
                          "--quiet"])
    assert status == 2 and "leave no training samples" in err
    assert os.listdir(tmp_path) == []


def test_a_config_lacking_settings_is_refused_with_the_missing_keys():
    partial = {k: v for k, v in EARLIER.items() if k not in ("model", "task")}
    with pytest.raises(UsageError, match="was not written by 'chainrule train' .* lacks model, "
                       "task"):
        RunConfig.from_dict(partial, "p.npz")


def test_resume_rebuilds_the_config_with_the_new_total(tmp_path):
    argv = ["train", "--epochs", "3", "--out", str(tmp_path), "--name", "r", "--quiet"]
    assert run(argv)[0] == 0
    path = str(tmp_path / "r" / "checkpoint.npz")
    assert run(["train", "--resume", path, "--epochs", "5", "--quiet"])[0] == 0
    ckpt = load_checkpoint(path)
    assert ckpt.epoch == 5 and RunConfig.from_dict(ckpt.config, path).epochs == 5
