"""Search strategies of seed 003, section 3.3.1: grid search, random search (independent draws,
each hyperparameter on its own scale), and coarse-to-fine search (random rounds, each in the
box around the best configurations of the rounds before).

The objective maps a configuration to a validation metric (never the test set's); ``direction``
says whether larger (accuracy) or smaller (loss) is better. A trial whose objective raises, or
returns NaN or an infinity, is recorded as failed with the reason, and the search goes on.
``evaluate`` runs them (``chainrule.tune.schedule``): one after another, or several at a time on
an executor (``chainrule.tune.executors``: a process pool or Ray), stopping hopeless ones with a
pruner (``chainrule.tune.pruning``); with a journal (``chainrule.tune.journal``) an interrupted
search continues where it stopped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from chainrule.tune.schedule import run_trials
from chainrule.tune.space import SearchSpace
from chainrule.tune.trial import Objective, Trial

DIRECTIONS = ("maximize", "minimize")


def evaluate(objective: Objective, configs: Sequence[Mapping[str, Any]], first: int = 0,
             in_round: int = 0, journal: Any = None, executor: Any = None, pruner: Any = None,
             direction: str = "maximize", earlier: Sequence[Trial] = ()) -> list[Trial]:
    """Run ``objective`` on each configuration, numbering the trials from ``first`` (of the
    coarse-to-fine round ``in_round``), ``executor.workers`` at a time (``chainrule.tune.
    schedule``). With a journal (``chainrule.tune.journal``), a trial it already holds is taken
    from it, and each new one is recorded as it ends. A ``pruner`` (``chainrule.tune.pruning``)
    stops hopeless trials; the objective is then called as ``objective(config, report)``."""
    configs = list(configs)
    return run_trials(objective, range(first, first + len(configs)),
                      lambda k: configs[k - first], in_round=in_round, earlier=earlier,
                      journal=journal, executor=executor, pruner=pruner, direction=direction)


def best(trials: Sequence[Trial], direction: str = "maximize", count: int = 1) -> list[Trial]:
    """The ``count`` best completed trials, best first (ties: the earlier trial first); pruned
    trials, with partial results, are left out."""
    check_direction(direction)
    done = [t for t in trials if not t.failed and not t.pruned]
    sign = -1.0 if direction == "maximize" else 1.0
    return sorted(done, key=lambda t: (sign * t.value, t.number))[:count]


def grid_search(objective: Objective, space: SearchSpace, points: int = 3,
                journal: Any = None, executor: Any = None, pruner: Any = None,
                direction: str = "maximize") -> list[Trial]:
    """Every combination of ``points`` values per hyperparameter (all options of a choice).

    Example:
        >>> from chainrule.tune import SearchSpace, Uniform, grid_search, best
        >>> space = SearchSpace({"x": Uniform(-1.0, 1.0)})
        >>> trials = grid_search(lambda c: -(c["x"] - 0.5) ** 2, space, points=5)
        >>> best(trials)[0].config
        {'x': 0.5}
    """
    check_direction(direction)
    return evaluate(objective, space.grid(points), journal=journal, executor=executor,
                    pruner=pruner, direction=direction)


def random_search(objective: Objective, space: SearchSpace, trials: int, seed: int = 0,
                  journal: Any = None, executor: Any = None, pruner: Any = None,
                  direction: str = "maximize") -> list[Trial]:
    """``trials`` configurations drawn independently (the seed fixes them all)."""
    check_direction(direction)
    rng = np.random.default_rng(seed)
    return evaluate(objective, [space.sample(rng) for _ in range(trial_count(trials))],
                    journal=journal, executor=executor, pruner=pruner, direction=direction)


def coarse_to_fine(objective: Objective, space: SearchSpace, trials: int, rounds: int = 3,
                   keep: float = 0.25, fraction: float = 0.3, direction: str = "maximize",
                   seed: int = 0, journal: Any = None, executor: Any = None,
                   pruner: Any = None) -> list[Trial]:
    """Random search in ``rounds`` rounds sharing ``trials``; after each round the box shrinks
    around the best ``keep`` share of the completed trials so far, each axis to at least
    ``fraction`` of its extent on its own scale (a log-uniform axis shrinks in decades).

    Example:
        >>> from chainrule.tune import SearchSpace, LogUniform, coarse_to_fine, best
        >>> space = SearchSpace({"lr": LogUniform(1e-5, 1.0)})
        >>> trials = coarse_to_fine(lambda c: -abs(np.log10(c["lr"]) + 2), space, 30)
        >>> 1e-3 < best(trials)[0].config["lr"] < 1e-1
        True
    """
    check_direction(direction)
    if not 0 < keep <= 1 or not 0 < fraction <= 1:
        raise ValueError(f"coarse_to_fine: keep and fraction must lie in (0, 1]; got keep={keep}, "
                         f"fraction={fraction}")
    if not 1 <= rounds <= trial_count(trials):
        raise ValueError(f"coarse_to_fine: rounds must lie in [1, trials={trials}]; got {rounds}")
    rng = np.random.default_rng(seed)
    done: list[Trial] = []
    for r in range(rounds):
        n = trials // rounds + (1 if r < trials % rounds else 0)
        configs = [space.sample(rng) for _ in range(n)]
        done += evaluate(objective, configs, first=len(done), in_round=r, journal=journal,
                         executor=executor, pruner=pruner, direction=direction, earlier=done)
        leaders = best(done, direction, max(1, math.ceil(keep * sum(not t.failed for t in done))))
        if leaders:  # (every trial failed so far: the next round searches the same box)
            space = space.around([t.config for t in leaders], fraction)
    return done


def trial_count(trials: int) -> int:
    """``trials``, refused unless a positive integer (every strategy's budget)."""
    if not isinstance(trials, int) or trials < 1:
        raise ValueError(f"the number of trials must be a positive integer; got {trials!r}")
    return trials


def check_direction(direction: str) -> None:
    """Refuse a direction other than "maximize" or "minimize", naming both."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction={direction!r}; use 'maximize' (accuracy) or 'minimize' "
                         "(loss)")
