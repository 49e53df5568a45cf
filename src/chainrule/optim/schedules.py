"""Learning-rate schedules (seed 003, section 3.5.1): functions of the step count.

A schedule maps the number of updates applied so far (``count``: an int or a 0-d integer array,
0 for the first update) to a learning rate, and can stand wherever an optimizer takes a
``learning_rate``. The seed counts its decay in epochs ``t``: pass ``steps_per_epoch`` to decay
per epoch while the optimizer counts mini-batch steps. ``ReduceLROnPlateau`` is the one schedule
with state: it is fed a validation metric once per epoch.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from chainrule.optim.base import LearningRate, Schedule
from chainrule.optim.validation import check_decay, check_learning_rate


def _positive_int(op: str, name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{op}: {name} must be an integer >= 1, got {value!r}")
    return int(value)


def _nonnegative(op: str, name: str, value: float) -> float:
    if not (isinstance(value, int | float | np.floating) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{op}: {name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _epochs(count: int, steps_per_epoch: int, staircase: bool) -> float:
    t = int(count) / steps_per_epoch
    return math.floor(t) if staircase else t


def exponential_decay(initial: float, k: float, *, steps_per_epoch: int = 1,
                      staircase: bool = False) -> Schedule:
    """``alpha_t = alpha_0 exp(-k t)`` (seed 003, section 3.5.1, exponential decay), with
    ``t = count / steps_per_epoch`` (rounded down when ``staircase``).

    Example:
        >>> from chainrule.optim import exponential_decay
        >>> s = exponential_decay(0.1, k=0.5)
        >>> [round(s(t), 5) for t in (0, 1, 2)]
        [0.1, 0.06065, 0.03679]
    """
    op = "exponential_decay"
    initial = check_learning_rate(op, initial, "initial")
    k = _nonnegative(op, "k", k)
    steps_per_epoch = _positive_int(op, "steps_per_epoch", steps_per_epoch)

    def schedule(count: int) -> float:
        return initial * math.exp(-k * _epochs(count, steps_per_epoch, staircase))

    return schedule


def inverse_decay(initial: float, k: float, *, steps_per_epoch: int = 1,
                  staircase: bool = False) -> Schedule:
    """``alpha_t = alpha_0 / (1 + k t)`` (seed 003, section 3.5.1, inverse decay). PyTorch's
    ``Adagrad(lr_decay=k)`` is this schedule.

    Example:
        >>> from chainrule.optim import inverse_decay
        >>> s = inverse_decay(0.1, k=1.0)
        >>> [s(t) for t in (0, 1, 3)]
        [0.1, 0.05, 0.025]
    """
    op = "inverse_decay"
    initial = check_learning_rate(op, initial, "initial")
    k = _nonnegative(op, "k", k)
    steps_per_epoch = _positive_int(op, "steps_per_epoch", steps_per_epoch)

    def schedule(count: int) -> float:
        return initial / (1.0 + k * _epochs(count, steps_per_epoch, staircase))

    return schedule


def step_decay(initial: float, factor: float = 0.5, every: int = 5) -> Schedule:
    """Multiply the rate by ``factor`` every ``every`` steps (seed 003, section 3.5.1: "the
    learning rate might be multiplied by 0.5 every 5 epochs": ``every=5 * steps_per_epoch``).
    PyTorch's ``StepLR(step_size=every, gamma=factor)``.

    Example:
        >>> from chainrule.optim import step_decay
        >>> s = step_decay(1.0, factor=0.5, every=5)
        >>> [s(t) for t in (0, 4, 5, 10)]
        [1.0, 1.0, 0.5, 0.25]
    """
    op = "step_decay"
    initial = check_learning_rate(op, initial, "initial")
    every = _positive_int(op, "every", every)
    if not (isinstance(factor, int | float | np.floating) and 0 < factor <= 1):
        raise ValueError(f"{op}: factor must be in (0, 1], got {factor!r}")
    factor = float(factor)

    def schedule(count: int) -> float:
        return initial * factor ** (int(count) // every)

    return schedule


def cosine_decay(initial: float, decay_steps: int, final_fraction: float = 0.0) -> Schedule:
    """Half a cosine from ``initial`` down to ``final_fraction * initial`` over ``decay_steps``,
    then constant (Loshchilov and Hutter's SGDR without restarts; optax's ``cosine_decay_schedule``
    with ``alpha=final_fraction``, PyTorch's ``CosineAnnealingLR`` with ``T_max=decay_steps``).

    Example:
        >>> from chainrule.optim import cosine_decay
        >>> s = cosine_decay(1.0, decay_steps=4)
        >>> [round(s(t), 4) for t in (0, 2, 4, 9)]
        [1.0, 0.5, 0.0, 0.0]
    """
    op = "cosine_decay"
    initial = check_learning_rate(op, initial, "initial")
    decay_steps = _positive_int(op, "decay_steps", decay_steps)
    if not (isinstance(final_fraction, int | float | np.floating) and 0 <= final_fraction <= 1):
        raise ValueError(f"{op}: final_fraction must be in [0, 1], got {final_fraction!r}")
    final_fraction = float(final_fraction)

    def schedule(count: int) -> float:
        progress = min(int(count), decay_steps) / decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
        return initial * (final_fraction + (1.0 - final_fraction) * cosine)

    return schedule


def linear_warmup(after: LearningRate, warmup_steps: int, init_value: float = 0.0) -> Schedule:
    """Rise linearly from ``init_value`` to ``after`` (a float, or a schedule's first value)
    over ``warmup_steps`` steps, then follow ``after`` (a schedule is called with the count
    since the warmup ended). ``linear_warmup(cosine_decay(peak, T), W)`` is warmup + cosine.

    Example:
        >>> from chainrule.optim import linear_warmup, cosine_decay
        >>> s = linear_warmup(cosine_decay(1.0, decay_steps=2), warmup_steps=4)
        >>> [round(s(t), 3) for t in range(7)]
        [0.0, 0.25, 0.5, 0.75, 1.0, 0.5, 0.0]
    """
    op = "linear_warmup"
    after = check_learning_rate(op, after, "after")
    warmup_steps = _positive_int(op, "warmup_steps", warmup_steps)
    init_value = _nonnegative(op, "init_value", init_value)
    target: Callable[[int], float] = after if callable(after) else (lambda count: after)

    def schedule(count: int) -> float:
        count = int(count)
        if count >= warmup_steps:
            return float(target(count - warmup_steps))
        peak = float(target(0))
        return init_value + (peak - init_value) * count / warmup_steps

    return schedule


class PlateauState(NamedTuple):
    """The state of ``ReduceLROnPlateau``, as arrays (for checkpoints).

    Example:
        >>> from chainrule.optim import ReduceLROnPlateau
        >>> ReduceLROnPlateau(0.1).state.bad_epochs
        array(0)
    """

    learning_rate: np.ndarray  # 0-d float64
    best: np.ndarray  # 0-d float64: the best metric so far (inf or -inf before the first)
    bad_epochs: np.ndarray  # 0-d int64: epochs since the last improvement
    cooldown_left: np.ndarray  # 0-d int64


class ReduceLROnPlateau:
    """Reduce the learning rate when a validation metric stops improving (seed 003, section
    3.5.1: "track the loss on a held-out portion of the training data set, and reduce the
    learning rate whenever this loss stops improving").

    Call ``step(metric)`` once per epoch; use the object itself as an optimizer's
    ``learning_rate`` (it is a schedule that ignores the count). The rule and defaults are
    PyTorch's: with ``mode="min"`` an epoch improves when ``metric < best - threshold |best|``;
    after more than ``patience`` epochs without improvement the rate is multiplied by
    ``factor`` (not below ``min_lr``) and ``cooldown`` epochs are ignored. A NaN metric counts
    as no improvement. ``state`` (a ``PlateauState`` of arrays) can be saved and set back.

    Example:
        >>> from chainrule.optim import ReduceLROnPlateau
        >>> plateau = ReduceLROnPlateau(0.1, factor=0.5, patience=1)
        >>> [plateau.step(loss) for loss in (1.0, 0.5, 0.6, 0.7, 0.4)]
        [0.1, 0.1, 0.1, 0.05, 0.05]
        >>> plateau(123)
        0.05
    """

    def __init__(self, learning_rate: float, *, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, cooldown: int = 0,
                 min_lr: float = 0.0) -> None:
        op = "ReduceLROnPlateau"
        learning_rate = check_learning_rate(op, learning_rate)
        if callable(learning_rate):
            raise TypeError(f"{op}: learning_rate must be a float, not a schedule")
        if mode not in ("min", "max"):
            raise ValueError(f"{op}: mode must be 'min' or 'max', got {mode!r}")
        self.factor = check_decay(op, "factor", factor)
        if self.factor == 0.0:
            raise ValueError(f"{op}: factor must be in (0, 1), got 0")
        self.mode = mode
        self.patience = int(_nonnegative(op, "patience", patience))
        self.threshold = _nonnegative(op, "threshold", threshold)
        self.cooldown = int(_nonnegative(op, "cooldown", cooldown))
        self.min_lr = _nonnegative(op, "min_lr", min_lr)
        worst = math.inf if mode == "min" else -math.inf
        self._lr, self._best, self._bad, self._cooldown_left = learning_rate, worst, 0, 0

    def _improves(self, metric: float) -> bool:
        # A relative margin, threshold * |best| (PyTorch's for a positive best; it also keeps
        # its sign right for a negative one).
        margin = abs(self._best) * self.threshold if math.isfinite(self._best) else 0.0
        if self.mode == "min":
            return metric < self._best - margin
        return metric > self._best + margin

    def step(self, metric: float) -> float:
        """Record one epoch's metric; returns the learning rate for the next epoch."""
        metric = float(metric)
        if self._improves(metric):
            self._best, self._bad = metric, 0
        else:
            self._bad += 1
        if self._cooldown_left > 0:
            self._cooldown_left -= 1
            self._bad = 0
        if self._bad > self.patience:
            self._lr = max(self._lr * self.factor, self.min_lr)
            self._cooldown_left, self._bad = self.cooldown, 0
        return self._lr

    def __call__(self, count: int | None = None) -> float:
        return self._lr

    @property
    def state(self) -> PlateauState:
        return PlateauState(np.array(self._lr), np.array(self._best),
                            np.array(self._bad, dtype=np.int64),
                            np.array(self._cooldown_left, dtype=np.int64))

    @state.setter
    def state(self, state: PlateauState) -> None:
        lr, best, bad, left = (np.asarray(v) for v in state)
        self._lr, self._best, self._bad, self._cooldown_left = (
            float(lr), float(best), int(bad), int(left))

    def __repr__(self) -> str:
        return (f"ReduceLROnPlateau(learning_rate={self._lr}, best={self._best}, "
                f"bad_epochs={self._bad}, mode={self.mode!r})")
