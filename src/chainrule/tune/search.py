"""Search strategies of seed 003, section 3.3.1: grid search, random search (independent draws,
each hyperparameter on its own scale), and coarse-to-fine search (random rounds, each in the
box around the best configurations of the rounds before).

The objective maps a configuration to a validation metric (never the test set's); ``direction``
says whether larger (accuracy) or smaller (loss) is better. A trial whose objective raises, or
returns NaN or an infinity, is recorded as failed with the reason, and the search goes on.
Trials run one after another here; ``evaluate`` is the one place that runs them, and with a
journal (``chainrule.tune.journal``) an interrupted search continues where it stopped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.tune.space import SearchSpace

Objective = Callable[[dict[str, Any]], float]
DIRECTIONS = ("maximize", "minimize")


@dataclass(frozen=True)
class Trial:
    """One evaluated configuration: its number (0, 1, ...), the coarse-to-fine round it
    belongs to (0 otherwise), the metric (None when it failed) and why it failed."""

    number: int
    config: dict[str, Any]
    value: float | None
    error: str | None = None
    round: int = 0

    @property
    def failed(self) -> bool:
        return self.value is None


def evaluate(objective: Objective, configs: Sequence[Mapping[str, Any]], first: int = 0,
             in_round: int = 0, journal: Any = None) -> list[Trial]:
    """Run ``objective`` on each configuration, numbering the trials from ``first`` (of the
    coarse-to-fine round ``in_round``). With a ``journal`` (``chainrule.tune.journal``), a
    trial it already holds is taken from it, and each new one is recorded as it ends."""
    trials = []
    for k, config in enumerate(configs):
        number = first + k
        known = None if journal is None else journal.known(number, config)
        trial = known if known is not None else _run(objective, dict(config), number, in_round)
        if journal is not None and known is None:
            journal.record(trial)
        trials.append(trial)
    return trials


def _run(objective: Objective, config: dict[str, Any], number: int, in_round: int) -> Trial:
    try:
        value = float(objective(config))
    except Exception as error:  # noqa: BLE001  (a crashed trial is recorded, not fatal)
        return Trial(number, config, None, f"{type(error).__name__}: {error}", in_round)
    if not math.isfinite(value):
        return Trial(number, config, None, f"non-finite metric ({value})", in_round)
    return Trial(number, config, value, None, in_round)


def best(trials: Sequence[Trial], direction: str = "maximize", count: int = 1) -> list[Trial]:
    """The ``count`` best completed trials, best first (ties: the earlier trial first)."""
    check_direction(direction)
    done = [t for t in trials if not t.failed]
    sign = -1.0 if direction == "maximize" else 1.0
    return sorted(done, key=lambda t: (sign * t.value, t.number))[:count]


def grid_search(objective: Objective, space: SearchSpace, points: int = 3,
                journal: Any = None) -> list[Trial]:
    """Every combination of ``points`` values per hyperparameter (all options of a choice).

    Example:
        >>> from chainrule.tune import SearchSpace, Uniform, grid_search, best
        >>> space = SearchSpace({"x": Uniform(-1.0, 1.0)})
        >>> trials = grid_search(lambda c: -(c["x"] - 0.5) ** 2, space, points=5)
        >>> best(trials)[0].config
        {'x': 0.5}
    """
    return evaluate(objective, space.grid(points), journal=journal)


def random_search(objective: Objective, space: SearchSpace, trials: int, seed: int = 0,
                  journal: Any = None) -> list[Trial]:
    """``trials`` configurations drawn independently (the seed fixes them all)."""
    rng = np.random.default_rng(seed)
    return evaluate(objective, [space.sample(rng) for _ in range(trial_count(trials))],
                    journal=journal)


def coarse_to_fine(objective: Objective, space: SearchSpace, trials: int, rounds: int = 3,
                   keep: float = 0.25, fraction: float = 0.3, direction: str = "maximize",
                   seed: int = 0, journal: Any = None) -> list[Trial]:
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
        done += evaluate(objective, configs, first=len(done), in_round=r, journal=journal)
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
