"""One trial of a search: its record (``Trial``) and ``run_trial``, which evaluates one
configuration wherever an executor sends it (this process, a pool process, a Ray worker).

A trial's result depends only on its configuration and on what it is given of the trials
before it (the pruner's ``history``), never on timing, so a search gives the same trials for
the same seed on every executor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Objective = Callable[..., float]
Curve = tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class Trial:
    """One evaluated configuration: its number (0, 1, ...), the coarse-to-fine round it
    belongs to (0 otherwise), the metric (None when it failed) and why it failed. With a pruner,
    ``curve`` holds the ``(step, value)`` pairs the objective reported, and ``pruned_at`` the
    step where the pruner stopped it (its ``value`` is then the last reported one: a partial
    result, ranked below every completed trial)."""

    number: int
    config: dict[str, Any]
    value: float | None
    error: str | None = None
    round: int = 0
    pruned_at: int | None = None
    curve: Curve = field(default=())

    @property
    def failed(self) -> bool:
        return self.value is None

    @property
    def pruned(self) -> bool:
        return self.pruned_at is not None

    @property
    def status(self) -> str:
        """"complete", "pruned" or "failed"."""
        return "failed" if self.failed else "pruned" if self.pruned else "complete"


class TrialPruned(Exception):
    """Raised by ``report`` inside an objective when the pruner stops the trial."""

    def __init__(self, step: int) -> None:
        super().__init__(f"pruned at step {step}")
        self.step = step


def run_trial(objective: Objective, config: dict[str, Any], number: int, in_round: int = 0,
              pruner: Any = None, history: Sequence[Trial] = (),
              direction: str = "maximize") -> Trial:
    """Evaluate ``objective`` on ``config`` as trial ``number``. With a ``pruner`` the objective
    is called as ``objective(config, report)``: it calls ``report(step, value)`` with its
    intermediate validation metric (each epoch), and ``report`` raises ``TrialPruned`` when the
    pruner compares it with ``history`` (the trials finished before this one started) and
    finds it hopeless. A raised error or a non-finite metric makes a failed trial.

    Example:
        >>> run_trial(lambda c: c["x"] ** 2, {"x": 3.0}, 0).value
        9.0
        >>> run_trial(lambda c: 1 / c["x"], {"x": 0.0}, 1).error
        'ZeroDivisionError: float division by zero'
    """
    curve: list[tuple[int, float]] = []

    def report(step: int, value: float) -> None:
        value = float(value)
        curve.append((int(step), value))
        if math.isfinite(value) and pruner.prune(step, value, history, direction):
            raise TrialPruned(int(step))

    def done(value: float | None, error: str | None = None, pruned_at: int | None = None):
        return Trial(number, config, value, error, in_round, pruned_at, tuple(curve))

    try:
        value = float(objective(config) if pruner is None else objective(config, report))
    except TrialPruned as stop:
        return done(curve[-1][1], pruned_at=stop.step)
    except Exception as error:  # noqa: BLE001  (a crashed trial is recorded, not fatal)
        return done(None, f"{type(error).__name__}: {error}")
    if not math.isfinite(value):
        return done(None, f"non-finite metric ({value})")
    return done(value)
