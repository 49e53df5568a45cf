"""Search strategies (issue 14, seed 003 section 3.3.1): grid, random and coarse-to-fine search
find known optima of synthetic validation metrics, are fixed by their seed, record crashed and
non-finite trials as failed and go on."""

import math

import numpy as np
import pytest

from chainrule.tune import (
    Choice,
    IntUniform,
    LogUniform,
    SearchSpace,
    Uniform,
    best,
    coarse_to_fine,
    evaluate,
    grid_search,
    random_search,
)

SPACE = SearchSpace({"lr": LogUniform(1e-5, 1.0), "width": IntUniform(8, 512),
                     "act": Choice(("relu", "tanh"))})


def accuracy(config):
    """A validation accuracy peaking at lr = 1e-2.5, width near 128, with tanh."""
    return (1.0 - 0.1 * (math.log10(config["lr"]) + 2.5) ** 2
            - 1e-6 * (config["width"] - 128) ** 2 - (0.05 if config["act"] == "relu" else 0.0))


def test_grid_search_finds_the_best_point_of_its_grid():
    space = SearchSpace({"x": Uniform(-1.0, 1.0), "y": Choice((0, 1))})
    trials = grid_search(lambda c: -(c["x"] - 0.5) ** 2 - c["y"], space, points=5)
    assert len(trials) == 10 and [t.number for t in trials] == list(range(10))
    assert best(trials)[0].config == {"x": 0.5, "y": 0}


def test_random_search_is_fixed_by_its_seed_and_draws_each_axis_on_its_scale():
    a, b = (random_search(accuracy, SPACE, 40, seed=3) for _ in range(2))
    assert [t.config for t in a] == [t.config for t in b]
    assert [t.config for t in a] != [t.config for t in random_search(accuracy, SPACE, 40, seed=4)]
    decades = {math.floor(math.log10(t.config["lr"])) for t in a}
    assert len(decades) >= 4  # log-uniform: every decade of 1e-5 .. 1 gets draws


def test_coarse_to_fine_beats_random_search_at_the_same_budget():
    # the median over seeds of the best accuracy after 30 trials
    def median_best(search):
        return np.median([best(search(seed))[0].value for seed in range(9)])

    fine = median_best(lambda s: coarse_to_fine(accuracy, SPACE, 30, rounds=3, seed=s))
    rand = median_best(lambda s: random_search(accuracy, SPACE, 30, seed=s))
    assert fine > rand and fine > 0.99


def test_coarse_to_fine_rounds_share_the_trials_and_narrow_the_box():
    trials = coarse_to_fine(accuracy, SPACE, 31, rounds=3, seed=0)
    assert [sum(t.round == r for t in trials) for r in range(3)] == [11, 10, 10]
    spread = [np.ptp([math.log10(t.config["lr"]) for t in trials if t.round == r])
              for r in range(3)]
    assert spread[2] < spread[0]
    with pytest.raises(ValueError, match="rounds must lie in"):
        coarse_to_fine(accuracy, SPACE, 2, rounds=3)
    with pytest.raises(ValueError, match="direction="):
        coarse_to_fine(accuracy, SPACE, 6, direction="up")


def test_minimizing_a_loss():
    space = SearchSpace({"x": Uniform(0.0, 4.0)})
    trials = coarse_to_fine(lambda c: (c["x"] - 3.0) ** 2, space, 24, direction="minimize")
    assert abs(best(trials, "minimize")[0].config["x"] - 3.0) < 0.1


def test_crashes_and_non_finite_metrics_are_recorded_and_the_search_goes_on():
    def objective(config):
        if config["x"] < 0.2:
            raise RuntimeError("diverged")
        return math.nan if config["x"] > 0.8 else config["x"]

    trials = evaluate(objective, [{"x": 0.1}, {"x": 0.5}, {"x": 0.9}])
    assert [t.failed for t in trials] == [True, False, True]
    assert trials[0].error == "RuntimeError: diverged"
    assert trials[2].error == "non-finite metric (nan)"
    assert best(trials)[0].config == {"x": 0.5}
    # every trial of a coarse-to-fine search failing: no best, and no crash
    assert best(coarse_to_fine(lambda c: math.inf, SPACE, 6, rounds=2)) == []


def test_bad_trial_counts_are_refused():
    with pytest.raises(ValueError, match="positive integer"):
        random_search(accuracy, SPACE, 0)
