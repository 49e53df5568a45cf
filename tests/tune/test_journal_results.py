"""An interrupted search continues from its journal (same trials, the objective not run again
for them); a journal of another search is refused; a cut last line reruns its trial; results
are written as CSV, Markdown and the best configuration."""

import csv
import json

import pytest

from chainrule.tune import (
    Choice,
    Journal,
    JournalError,
    LogUniform,
    SearchSpace,
    coarse_to_fine,
    random_search,
    write_results,
)
from chainrule.tune.search import evaluate

SPACE = SearchSpace({"lr": LogUniform(1e-4, 1e-1), "act": Choice(("relu", "tanh"))})


def metric(config):
    return -abs(config["lr"] - 1e-2) + (0.1 if config["act"] == "tanh" else 0.0)


class Interrupted(BaseException):
    """The search itself stopping (as KeyboardInterrupt or a killed process does), not a trial
    failing: it escapes the search."""


def test_an_interrupted_search_continues_where_it_stopped(tmp_path):
    path = tmp_path / "trials.jsonl"
    calls = []

    def counting(config):
        if len(calls) == 7:
            raise Interrupted
        calls.append(config)
        return metric(config)

    with pytest.raises(Interrupted):
        coarse_to_fine(counting, SPACE, 12, rounds=3, seed=5, journal=Journal(path))
    assert len(Journal(path).trials) == 7
    calls.clear()
    resumed = coarse_to_fine(lambda c: calls.append(c) or metric(c), SPACE, 12, rounds=3, seed=5,
                             journal=Journal(path))
    assert len(calls) == 5  # only the trials not in the journal ran
    fresh = coarse_to_fine(metric, SPACE, 12, rounds=3, seed=5)
    assert [(t.config, t.value) for t in resumed] == [(t.config, t.value) for t in fresh]


def test_a_journal_of_another_search_is_refused(tmp_path):
    path = tmp_path / "trials.jsonl"
    random_search(metric, SPACE, 4, seed=1, journal=Journal(path))
    with pytest.raises(JournalError, match="written by another search"):
        random_search(metric, SPACE, 4, seed=2, journal=Journal(path))


def test_a_cut_last_line_reruns_its_trial_and_a_damaged_one_is_named(tmp_path):
    path = tmp_path / "trials.jsonl"
    random_search(metric, SPACE, 3, seed=1, journal=Journal(path))
    text = path.read_text()
    path.write_text(text[:-20])  # the crash came while the third trial was written
    assert sorted(Journal(path).trials) == [0, 1]
    lines = text.splitlines()
    path.write_text("\n".join([lines[0], "{not json", lines[2]]) + "\n")
    with pytest.raises(JournalError, match="line 2 is not a trial record"):
        Journal(path)


def test_results_are_written_as_csv_markdown_and_the_best_configuration(tmp_path):
    trials = evaluate(lambda c: 1 / c["lr"] if c["lr"] > 0 else None,
                      [{"lr": 0.5, "act": "relu"}, {"lr": 0.0, "act": "tanh"},
                       {"lr": 0.25, "act": "tanh"}])
    paths = write_results(trials, tmp_path / "tune", metric="val_accuracy")
    rows = list(csv.DictReader(open(paths[0])))
    assert [r["status"] for r in rows] == ["complete", "failed", "complete"]
    assert rows[1]["error"].startswith("TypeError") and rows[2]["val_accuracy"] == "4.0"
    markdown = open(paths[1]).read()
    assert "2 completed trials, best first (maximize val_accuracy); 0 pruned; 1 failed." in markdown
    assert markdown.index("| 1 | 2 | 4 |") < markdown.index("| 2 | 0 | 2 |")
    assert json.load(open(paths[2])) == {"trial": 2, "val_accuracy": 4.0,
                                         "config": {"lr": 0.25, "act": "tanh"}}


def test_the_search_figures_are_written(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib (the plots extra) not installed")
    from chainrule.tune.plots import plot_search

    def flaky(config):
        if config["act"] == "relu" and config["lr"] > 1e-3:
            raise RuntimeError("diverged")
        return metric(config)

    trials = coarse_to_fine(flaky, SPACE, 12, rounds=3, seed=2)
    assert any(t.failed for t in trials)
    paths = plot_search(trials, SPACE, tmp_path / "tune", metric="val_accuracy")
    for path in paths:
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="no trials"):
        plot_search([], SPACE, tmp_path)
