"""Pruning (issue 14): the median rule and asynchronous successive halving stop hopeless trials,
whose partial results never rank as the best, and a pruned search repeats for its seed and is
resumed from its journal exactly."""

import math

import pytest

from chainrule.tune import Journal, LogUniform, SearchSpace, best, coarse_to_fine, random_search
from chainrule.tune.pruning import MedianPruner, SuccessiveHalvingPruner
from chainrule.tune.trial import Trial, run_trial
from tests.tune.objectives import learning_curve

SPACE = SearchSpace({"lr": LogUniform(1e-5, 1.0)})


def curve(values, start=1):
    return tuple((start + k, v) for k, v in enumerate(values))


def test_the_median_rule_compares_with_completed_trials_at_the_same_step():
    done = [Trial(k, {}, v[-1], curve=curve(v)) for k, v in
            enumerate([[0.5, 0.6], [0.7, 0.8], [0.9, 0.95]])]
    pruned = Trial(3, {}, 0.99, pruned_at=1, curve=curve([0.99]))
    rule = MedianPruner(warmup_steps=2, min_trials=3)
    assert not rule.prune(1, 0.1, done, "maximize")  # warm-up
    assert rule.prune(2, 0.79, done + [pruned], "maximize")  # median 0.8; pruned ones ignored
    assert not rule.prune(2, 0.8, done, "maximize")
    assert rule.prune(2, 0.81, done, "minimize")  # a loss above the median
    assert not MedianPruner(1, 4).prune(2, 0.0, done, "maximize")  # too few trials yet


def test_successive_halving_keeps_the_top_share_at_each_rung():
    rule = SuccessiveHalvingPruner(min_steps=2, reduction=3, min_trials=2)
    assert rule.rungs(20) == [2, 6, 18] and rule.rungs(1) == []
    seen = [Trial(k, {}, None if k == 5 else 0.1 * k, curve=((2, 0.1 * k), (6, 0.1 * k)))
            for k in range(6)]
    # at rung 2: 5 earlier values (the failed trial does not count) and this one: keep 2
    assert rule.prune(2, 0.25, seen, "maximize")
    assert not rule.prune(2, 0.35, seen, "maximize")
    assert not rule.prune(3, 0.0, seen, "maximize")  # not a rung
    assert not rule.prune(2, 0.0, seen[:1], "maximize")  # below min_trials: promote
    assert rule.prune(6, 0.35, seen, "minimize") and not rule.prune(6, 0.05, seen, "minimize")


@pytest.mark.parametrize("bad", [dict(warmup_steps=-1), dict(min_trials=0)])
def test_median_pruner_refuses_bad_settings(bad):
    with pytest.raises(ValueError, match="MedianPruner"):
        MedianPruner(**bad)


def test_successive_halving_refuses_a_reduction_below_two():
    with pytest.raises(ValueError, match="reduction >= 2"):
        SuccessiveHalvingPruner(reduction=1)


def test_a_pruned_trial_keeps_its_curve_and_last_value():
    history = [run_trial(learning_curve, {"lr": 10 ** -2.5}, k) for k in range(3)]
    history = [Trial(t.number, t.config, t.value, curve=curve(
        [t.value * (1 - 0.5 ** e) / (1 - 0.5 ** 9) for e in range(1, 10)])) for t in history]
    trial = run_trial(learning_curve, {"lr": 1e-5}, 3, pruner=MedianPruner(1, 3),
                      history=history)
    assert trial.pruned and trial.pruned_at == 1 and trial.status == "pruned"
    assert trial.curve == ((1, trial.value),)
    assert math.isclose(trial.value, (1.0 - 0.1 * 2.5 ** 2) * 0.5)


@pytest.mark.parametrize("pruner", [MedianPruner(2, 3), SuccessiveHalvingPruner(1, 3, 2)])
def test_pruned_searches_spend_less_and_still_find_the_best(pruner):
    full = random_search(learning_curve, SPACE, 30, seed=1)
    cut = random_search(learning_curve, SPACE, 30, seed=1, pruner=pruner)
    assert [t.config for t in cut] == [t.config for t in full]
    steps = sum(len(t.curve) for t in cut)
    assert 5 <= sum(t.pruned for t in cut) and steps < 0.7 * 9 * 30
    assert best(cut)[0].config == best(full)[0].config  # the winner is never pruned
    assert not any(t.pruned for t in best(cut, count=30))
    assert random_search(learning_curve, SPACE, 30, seed=1, pruner=pruner) == cut


def test_a_pruned_coarse_to_fine_search_resumes_from_its_journal(tmp_path):
    pruner = SuccessiveHalvingPruner(1, 3, 2)
    whole = coarse_to_fine(learning_curve, SPACE, 12, seed=2, pruner=pruner)
    path = tmp_path / "trials.jsonl"
    calls, stop = [], [True]

    def stopped(config, report):
        if len(calls) == 7 and stop and stop.pop():
            raise KeyboardInterrupt
        calls.append(config)
        return learning_curve(config, report)

    with pytest.raises(KeyboardInterrupt):
        coarse_to_fine(stopped, SPACE, 12, seed=2, pruner=pruner, journal=Journal(path))
    resumed = coarse_to_fine(stopped, SPACE, 12, seed=2, pruner=pruner, journal=Journal(path))
    assert resumed == whole and len(calls) == 12
    assert any(t.pruned for t in Journal(path).trials.values())
