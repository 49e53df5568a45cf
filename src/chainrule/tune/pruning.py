"""Early stopping of hopeless trials: a trial reports its validation metric after each epoch
(its *step*), and a pruner compares it with the trials finished before it started.

- ``MedianPruner``: stop a trial whose metric at a step is worse than the median of the
  completed trials' metrics at the same step (the rule of Google Vizier and Optuna's default).
- ``SuccessiveHalvingPruner``: asynchronous successive halving (Li et al., 2018, "ASHA"). Rungs
  at steps ``min_steps * reduction**k``; a trial that reaches a rung goes on only if it ranks in
  the top ``1/reduction`` of every trial that reached that rung, so of ``n`` trials about
  ``n/reduction**k`` train past rung ``k``, and the budget goes to the promising ones.

The history a pruner sees is fixed by the trial's number (``chainrule.tune.schedule``), not by
which trials happen to have finished, so pruned searches repeat exactly for a seed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from chainrule.tune.trial import Trial


def _value_at(trial: Trial, step: int) -> float | None:
    return next((v for s, v in trial.curve if s == step), None)


def _worse(value: float, than: float, direction: str) -> bool:
    return value < than if direction == "maximize" else value > than


class MedianPruner:
    """Prune at step ``step >= warmup_steps`` when at least ``min_trials`` completed trials
    reported a value there and this trial's value is worse than their median.

    Example:
        >>> from chainrule.tune.trial import Trial
        >>> done = [Trial(k, {}, v, curve=((1, v),)) for k, v in enumerate([0.5, 0.7, 0.9])]
        >>> p = MedianPruner(warmup_steps=1, min_trials=3)
        >>> p.prune(1, 0.6, done, "maximize"), p.prune(1, 0.8, done, "maximize")
        (True, False)
    """

    def __init__(self, warmup_steps: int = 1, min_trials: int = 5) -> None:
        if warmup_steps < 0 or min_trials < 1:
            raise ValueError(f"MedianPruner: warmup_steps must be >= 0 and min_trials >= 1; "
                             f"got {warmup_steps} and {min_trials}")
        self.warmup_steps, self.min_trials = int(warmup_steps), int(min_trials)

    def prune(self, step: int, value: float, history: Sequence[Trial], direction: str) -> bool:
        if step < self.warmup_steps:
            return False
        seen = [v for t in history if not t.failed and not t.pruned
                if (v := _value_at(t, step)) is not None]
        return len(seen) >= self.min_trials and _worse(value, float(np.median(seen)), direction)

    def __repr__(self) -> str:
        return f"MedianPruner(warmup_steps={self.warmup_steps}, min_trials={self.min_trials})"


class SuccessiveHalvingPruner:
    """Asynchronous successive halving: at a rung step ``min_steps * reduction**k``, prune
    unless the value ranks among the best ``max(1, n // reduction)`` of the ``n`` values at that
    rung (this trial's and those of the earlier trials that reached it, pruned ones included).
    A rung reached by fewer than ``min_trials`` earlier trials promotes everyone.

    Example:
        >>> from chainrule.tune.trial import Trial
        >>> seen = [Trial(k, {}, v, curve=((1, v),)) for k, v in enumerate([0.2, 0.4, 0.6])]
        >>> p = SuccessiveHalvingPruner(min_steps=1, reduction=2, min_trials=2)
        >>> p.rungs(20)
        [1, 2, 4, 8, 16]
        >>> p.prune(1, 0.3, seen, "maximize"), p.prune(1, 0.5, seen, "maximize")
        (True, False)
    """

    def __init__(self, min_steps: int = 1, reduction: int = 3, min_trials: int = 3) -> None:
        if min_steps < 1 or reduction < 2 or min_trials < 1:
            raise ValueError(f"SuccessiveHalvingPruner: min_steps >= 1, reduction >= 2 and "
                             f"min_trials >= 1 are needed; got {min_steps}, {reduction} and "
                             f"{min_trials}")
        self.min_steps, self.reduction = int(min_steps), int(reduction)
        self.min_trials = int(min_trials)

    def rungs(self, steps: int) -> list[int]:
        """The rung steps up to ``steps``."""
        count = int(math.floor(math.log(steps / self.min_steps, self.reduction) + 1e-9)) + 1 \
            if steps >= self.min_steps else 0
        return [self.min_steps * self.reduction ** k for k in range(count)]

    def _is_rung(self, step: int) -> bool:
        k = step / self.min_steps
        while k > 1 and k == int(k) and int(k) % self.reduction == 0:
            k /= self.reduction
        return k == 1

    def prune(self, step: int, value: float, history: Sequence[Trial], direction: str) -> bool:
        if not self._is_rung(step):
            return False
        seen = [v for t in history if not t.failed if (v := _value_at(t, step)) is not None]
        if len(seen) < self.min_trials:
            return False
        ranked = sorted([*seen, value], reverse=direction == "maximize")
        keep = max(1, len(ranked) // self.reduction)
        return _worse(value, ranked[keep - 1], direction)

    def __repr__(self) -> str:
        return (f"SuccessiveHalvingPruner(min_steps={self.min_steps}, "
                f"reduction={self.reduction}, min_trials={self.min_trials})")
