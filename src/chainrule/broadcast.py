"""Undoing broadcasting, once, for every rule: a cotangent of a broadcast result is summed back
to the shape of the input it came from (DESIGN.md principle 3).

This module imports nothing of chainrule at load time, so any module may use it.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np


def unbroadcast(c: Any, shape: tuple[int, ...]) -> Any:
    """Sum a cotangent of a broadcast result back to the shape of the input it came from."""
    axes = _broadcast_axes(c.shape, shape)
    if not isinstance(c, np.ndarray | np.generic):  # traced (a higher-order sweep)
        from chainrule import numpy as cnp

        if axes:
            c = cnp.sum(c, axis=axes)
        return cnp.reshape(c, shape) if c.shape != shape else c
    if axes:
        if c.ndim == len(shape):  # only stretched axes: keep them, no reshape needed
            return np.add.reduce(c, axis=axes, keepdims=True)
        c = np.add.reduce(c, axis=axes)
    return c.reshape(shape) if c.shape != shape else c


@functools.lru_cache(maxsize=1024)
def _broadcast_axes(big: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of a broadcast shape ``big`` that were added or stretched from ``shape``."""
    extra = len(big) - len(shape)
    if extra < 0:
        raise ValueError(f"internal: cotangent of shape {big} cannot be unbroadcast to {shape}")
    return tuple(range(extra)) + tuple(
        extra + k for k, n in enumerate(shape) if n == 1 and big[extra + k] != 1
    )
