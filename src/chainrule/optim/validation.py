"""Checks of optimizer hyperparameters at construction, and the learning rate of a step.

Each check returns the value as a Python float: a NumPy float64 scalar would promote float32
parameters to float64 (NumPy's promotion rules, NEP 50).
"""

from __future__ import annotations

import math

import numpy as np

from chainrule.optim.base import LearningRate


def check_learning_rate(op: str, learning_rate: LearningRate, name: str = "learning_rate"
                        ) -> LearningRate:
    """``learning_rate`` (a Python float, or the schedule itself); ValueError unless it is a
    schedule (callable) or a finite number > 0.

    Example:
        >>> from chainrule.optim.validation import check_learning_rate
        >>> check_learning_rate("sgd", 1)
        1.0
    """
    if callable(learning_rate):
        return learning_rate
    if not isinstance(learning_rate, int | float | np.floating | np.integer) or isinstance(
            learning_rate, bool):
        raise TypeError(
            f"{op}: {name} must be a float or a schedule (a function of the step count), "
            f"got {type(learning_rate).__name__}"
        )
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"{op}: {name} must be a finite number > 0, got {learning_rate!r}")
    return float(learning_rate)


def check_decay(op: str, name: str, value: float) -> float:
    """``value`` as a Python float; ValueError unless ``0 <= value < 1`` (decay rates, momentum
    and beta parameters).

    Example:
        >>> from chainrule.optim.validation import check_decay
        >>> check_decay("momentum", "beta", 0.9)
        0.9
    """
    if not (isinstance(value, int | float | np.floating) and 0.0 <= value < 1.0):
        raise ValueError(f"{op}: {name} must be in [0, 1), got {value!r}")
    return float(value)


def check_nonnegative(op: str, name: str, value: float) -> float:
    """``value`` as a Python float; ValueError unless it is a finite number >= 0 (eps, weight
    decay).

    Example:
        >>> from chainrule.optim.validation import check_nonnegative
        >>> check_nonnegative("adam", "eps", 0)
        0.0
    """
    if not (isinstance(value, int | float | np.floating) and math.isfinite(value)
            and value >= 0):
        raise ValueError(f"{op}: {name} must be a finite number >= 0, got {value!r}")
    return float(value)


def learning_rate_at(learning_rate: LearningRate, count: np.ndarray) -> float:
    """The learning rate of the update after ``count`` updates: the float itself, or
    ``schedule(int(count))``.

    Example:
        >>> import numpy as np
        >>> from chainrule.optim.validation import learning_rate_at
        >>> learning_rate_at(lambda t: 0.1 / (1 + t), np.array(4))
        0.02
    """
    if callable(learning_rate):
        return float(learning_rate(int(count)))
    return float(learning_rate)

