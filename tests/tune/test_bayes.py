"""Bayesian search through Optuna's samplers (issue 14): beats random search at the same budget
on a synthetic validation accuracy, fixed by its seed, failures told as failures, resumable
from its journal; skipped with the reason without Optuna (the ``tune`` extra)."""

import math

import numpy as np
import pytest

from chainrule.tune import Choice, IntUniform, Journal, LogUniform, SearchSpace, best, random_search

optuna = pytest.importorskip("optuna", reason="Optuna (the tune extra) not installed")
from chainrule.tune.bayes import bayesian_search  # noqa: E402  (after the skip)

SPACE = SearchSpace({"lr": LogUniform(1e-5, 1.0), "width": IntUniform(8, 512),
                     "act": Choice(("relu", "tanh"))})


def accuracy(config):
    return (1.0 - 0.1 * (math.log10(config["lr"]) + 2.5) ** 2
            - 1e-6 * (config["width"] - 128) ** 2 - (0.05 if config["act"] == "relu" else 0.0))


def test_tpe_beats_random_search_at_the_same_budget():
    def median_best(search):
        return np.median([best(search(seed))[0].value for seed in range(5)])

    tpe = median_best(lambda s: bayesian_search(accuracy, SPACE, 40, seed=s))
    rand = median_best(lambda s: random_search(accuracy, SPACE, 40, seed=s))
    assert tpe > rand


def test_fixed_by_its_seed_and_each_axis_on_its_scale():
    a, b = (bayesian_search(accuracy, SPACE, 12, seed=7) for _ in range(2))
    assert [t.config for t in a] == [t.config for t in b]
    assert all(1e-5 <= t.config["lr"] <= 1.0 and isinstance(t.config["width"], int) for t in a)


def test_failures_are_told_and_the_search_goes_on():
    def fragile(config):
        if config["act"] == "relu":
            raise RuntimeError("diverged")
        return accuracy(config)

    trials = bayesian_search(fragile, SPACE, 15, seed=3)
    failed = [t for t in trials if t.failed]
    assert failed and all(t.error == "RuntimeError: diverged" for t in failed)
    assert best(trials)[0].config["act"] == "tanh"


def test_a_restarted_search_reuses_its_journal(tmp_path):
    path = tmp_path / "trials.jsonl"
    first = bayesian_search(accuracy, SPACE, 6, seed=1, journal=Journal(path))
    calls = []
    resumed = bayesian_search(lambda c: calls.append(c) or accuracy(c), SPACE, 10, seed=1,
                              journal=Journal(path))
    assert len(calls) == 4 and [t.config for t in resumed[:6]] == [t.config for t in first]
    assert len(Journal(path).trials) == 10


def test_unknown_samplers_are_named():
    with pytest.raises(ValueError, match="sampler='bayes'; use one of tpe, gp"):
        bayesian_search(accuracy, SPACE, 3, sampler="bayes")


def test_without_optuna_the_install_line_is_given(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "optuna", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[tune\]'"):
        bayesian_search(accuracy, SPACE, 3)
