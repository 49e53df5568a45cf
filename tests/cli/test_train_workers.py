"""``chainrule train --workers N``: data-parallel training from the command line."""

from __future__ import annotations

import json
import os
import sys

import pytest

from chainrule.cli import main

ARGS = ["train", "--data", "digits", "--epochs", "2", "--hidden", "32", "--activation", "relu",
        "--optimizer", "adam", "--batch-size", "64", "--quiet"]


def _history(out: str) -> dict:
    (run,) = os.listdir(out)
    with open(os.path.join(out, run, "history.json")) as f:
        return json.load(f)


def test_workers_give_the_single_process_run(tmp_path):
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    assert main([*ARGS, "--out", one]) == 0
    assert main([*ARGS, "--workers", "2", "--out", two]) == 0
    h1, h2 = _history(one)["epochs"], _history(two)["epochs"]
    assert [e["loss"] for e in h2] == pytest.approx([e["loss"] for e in h1], rel=1e-12)
    assert all("compute_seconds" in e for e in h2)
    assert not any("compute_seconds" in e for e in h1)


def test_ray_backend_without_ray_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails as if not installed
    status = main([*ARGS, "--workers", "2", "--backend", "ray", "--out", str(tmp_path)])
    assert status == 2
    assert "pip install 'chainrule[ray]'" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(("extra", "message"), [
    (["--workers", "0"], "--workers: expected a positive integer"),
    (["--address", "10.0.0.1:6379"], "--address names a Ray cluster"),
    (["--workers", "2", "--dropout", "0.2"], "(Dropout) holds a random generator"),
])
def test_bad_worker_options_are_usage_errors(tmp_path, capsys, extra, message):
    assert main([*ARGS, *extra, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
