"""``chainrule tune`` and ``chainrule train --config`` (issue 14): a search writes its journal,
results, best configuration and plots; training the best configuration gives the validation
accuracy the search reported; a rerun continues the search; bad input exits 2 naming the
problem, nothing written in its place."""

import csv
import json
import sys

import pytest

from chainrule.cli import main

SPACE = """
[lr]
log_uniform = [1e-2, 1.0]
[hidden]
choice = [4, "8,4"]
"""
FIXED = ["--data", "iris", "--epochs", "12", "--batch-size", "16", "--quiet"]


@pytest.fixture
def space(tmp_path):
    path = tmp_path / "space.toml"
    path.write_text(SPACE)
    return str(path)


def tune(tmp_path, space, *extra):
    return main(["tune", "--space", space, "--out", str(tmp_path / "runs"), *FIXED, *extra])


def test_a_search_writes_its_folder_and_its_best_trains_to_the_same_accuracy(tmp_path, space):
    assert tune(tmp_path, space, "--trials", "4", "--name", "s") == 0
    folder = tmp_path / "runs" / "s" / "tune"
    names = {p.name for p in folder.iterdir()}
    assert {"trials.jsonl", "search.json", "results.csv", "results.md", "best.json"} <= names
    assert {"metric_vs_hyperparameters.png", "best_so_far.png"} <= names
    rows = list(csv.DictReader(open(folder / "results.csv")))
    assert len(rows) == 4 and {r["status"] for r in rows} == {"complete"}
    best = json.loads((folder / "best.json").read_text())
    assert best["val_accuracy"] == max(float(r["val_accuracy"]) for r in rows)
    assert best["train"]["data"] == "iris" and best["train"]["lr"] == best["config"]["lr"]
    assert main(["train", "--config", str(folder / "best.json"), "--out",
                 str(tmp_path / "runs"), "--name", "b", "--quiet"]) == 0
    metrics = json.loads((tmp_path / "runs" / "b" / "metrics.json").read_text())
    assert metrics["validation_accuracy"] == best["val_accuracy"]
    assert metrics["lr"] == best["config"]["lr"]


def test_a_rerun_continues_the_search_and_another_search_is_refused(tmp_path, space, capsys):
    assert tune(tmp_path, space, "--trials", "2", "--name", "s") == 0
    journal = tmp_path / "runs" / "s" / "tune" / "trials.jsonl"
    first = journal.read_text().splitlines()
    assert main(["tune", "--space", space, "--out", str(tmp_path / "runs"), *FIXED[:-1],
                 "--trials", "3", "--name", "s"]) == 0
    assert journal.read_text().splitlines()[:2] == first and len(journal.read_text().split(
        "\n")) == 4
    assert "resuming" in capsys.readouterr().err
    assert tune(tmp_path, space, "--trials", "3", "--name", "s", "--search-seed", "1") == 2
    assert "holds another search (its search_seed differ)" in capsys.readouterr().err
    assert tune(tmp_path, space, "--trials", "2", "--name", "s", "--search-seed", "1",
                "--overwrite") == 0
    assert len(journal.read_text().splitlines()) == 2


def test_pruned_bayesian_search_on_two_workers(tmp_path, space):
    pytest.importorskip("optuna", reason="Bayesian search is the optional tune extra")
    assert tune(tmp_path, space, "--trials", "6", "--strategy", "bayes", "--workers", "2",
                "--prune", "halving", "--name", "b") == 0
    rows = list(csv.DictReader(open(tmp_path / "runs" / "b" / "tune" / "results.csv")))
    assert len(rows) == 6 and {r["status"] for r in rows} <= {"complete", "pruned"}


@pytest.mark.parametrize("text, message", [
    ("[lr]\nlog_uniform = [0, 1]\n", "log_uniform"),
    ("[lr]\nlog_uniform = [1e-3 1]\n", "line 2"),
    ("[momentum]\nuniform = [0, 1]\n", "momentum"),
    ("[dropout]\nuniform = [0.0, 1.5]\n", "dropout = 1.5"),
    ("[activation]\nchoice = ['relu', 'swish']\n", "activation = 'swish'"),
    ("", "empty"),
])
def test_a_bad_space_exits_2_naming_the_problem(tmp_path, text, message, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    assert tune(tmp_path, str(path), "--name", "x") == 2
    err = capsys.readouterr().err
    assert err.startswith("chainrule tune: error:") and message in err
    assert not (tmp_path / "runs" / "x").exists()


@pytest.mark.parametrize("extra, message", [
    (["--strategy", "grid", "--trials", "4"], "a grid search runs every combination"),
    (["--metric", "r2"], "use accuracy or loss"),
    (["--val", "0"], "--val 0"),
    (["--backend", "ray", "--address", "127.0.0.1:1"], "no Ray cluster answers"),
])
def test_bad_search_options_exit_2(tmp_path, space, extra, message, capsys):
    pytest.importorskip("ray", reason="the address check runs when Ray is installed") \
        if "--address" in extra else None
    assert tune(tmp_path, space, "--name", "x", *extra) == 2
    assert message in capsys.readouterr().err


def test_the_ray_backend_without_ray_exits_2_with_the_install_line(tmp_path, space, capsys,
                                                                   monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    assert tune(tmp_path, space, "--backend", "ray", "--name", "x") == 2
    assert "pip install 'chainrule[ray]'" in capsys.readouterr().err


@pytest.mark.parametrize("content, suffix, message", [
    ('{"lr": 0.1, "momentum": 0.9}', ".json", "unknown option 'momentum'"),
    ('{"lr": "fast"}', ".json", "lr = 'fast' is not a float or int"),
    ('{"lr": ', ".json", "not valid JSON"),
    ("lr = 0.1\nhidden = [8, 'x']\n", ".toml", "hidden"),
    ("lr = -1.0\n", ".toml", "--lr"),
])
def test_a_bad_config_file_exits_2(tmp_path, content, suffix, message, capsys):
    path = tmp_path / f"config{suffix}"
    path.write_text(content)
    assert main(["train", "--config", str(path), "--out", str(tmp_path), "--quiet"]) == 2
    assert message in capsys.readouterr().err


def test_a_toml_config_is_read_and_the_command_line_wins(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('data = "iris"\nhidden = [6]\nepochs = 3\nlr = 0.5\nl2 = 0.01\n')
    assert main(["train", "--config", str(path), "--lr", "0.25", "--out", str(tmp_path),
                 "--name", "r", "--quiet"]) == 0
    metrics = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert (metrics["lr"], metrics["hidden"], metrics["epochs"]) == (0.25, [6], 3)
