"""Undoing broadcasting, once, for every rule: a cotangent of a broadcast result is summed back
to the shape of the input it came from (DESIGN.md principle 3).

A traced cotangent is summed by its own array namespace (``__array_namespace__``, which the
NumPy face gives traced values), so this core module imports nothing of the face.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from chainrule.backend import foreign, namespace

# Above this many summed entries per output, float32 sums over trailing axes stay with NumPy's
# pairwise summation (error ~ log n) rather than a BLAS dot product (error ~ n / lanes).
_FLOAT32_DOT_LIMIT = 4096


def unbroadcast(c: Any, shape: tuple[int, ...]) -> Any:
    """Sum a cotangent of a broadcast result back to the shape of the input it came from.

    Example:
        >>> import numpy as np
        >>> unbroadcast(np.ones((2, 3)), (3,)).tolist()
        [2.0, 2.0, 2.0]
    """
    axes = _broadcast_axes(c.shape, shape)
    if getattr(c, "_staging", False) and axes:  # inside cr.jit: this function, one instruction
        return c._trace.record(unbroadcast, unbroadcast, {"shape": shape}, (c,))
    if not isinstance(c, np.ndarray | np.generic):  # traced (a higher-order sweep), or another
        xp = namespace(c)                          # library's array: its own namespace
        if axes:
            c = xp.sum(c, axis=axes)
        return xp.reshape(c, shape) if c.shape != shape else c
    if axes:
        block = _block(c, axes)
        if block is not None:
            return block.reshape(shape)
        if c.ndim == len(shape):  # only stretched axes: keep them, no reshape needed
            return np.add.reduce(c, axis=axes, keepdims=True)
        c = np.add.reduce(c, axis=axes)
    return c.reshape(shape) if c.shape != shape else c


def broadcast_array(x: Any, shape: tuple[int, ...]) -> Any:
    """``x`` (a NumPy array or scalar) broadcast to ``shape``, as a new array for up to 64 K
    entries (filling one is several times faster than ``np.broadcast_to``'s ~3 us view; the
    values are never written anyway) and as a read-only view beyond. Another library's array
    is broadcast by that library.

    Example:
        >>> broadcast_array(np.array([1.0, 2.0]), (2, 2)).tolist()
        [[1.0, 2.0], [1.0, 2.0]]
    """
    if x.__class__ is not np.ndarray and foreign(x):
        return namespace(x).broadcast_to(x, shape)
    if math.prod(shape) > 1 << 16 or getattr(x, "_jit_value", False):  # (staged: recorded)
        return np.broadcast_to(x, shape)
    out = np.empty(shape, dtype=x.dtype if x.__class__ is np.ndarray else np.result_type(x))
    out[...] = x
    return out


def _block(c: Any, axes: tuple[int, ...]) -> np.ndarray | None:
    """Sum over a leading or trailing block of axes as a matrix-vector product with ones.

    The bias cotangent of ``x @ W + b`` (leading axes) and the ``keepdims`` sums of a softmax
    (trailing axes) are such blocks; BLAS sums them 2-3x faster than ``np.add.reduce`` for the
    sizes of a small network. None when this does not apply (other dtypes, non-contiguous
    arrays, axes in the middle).
    """
    if c.__class__ is not np.ndarray or not c.flags.c_contiguous or not c.size:
        return None
    char = c.dtype.char
    if char != "d" and char != "f":
        return None
    shape, k, nd = c.shape, len(axes), c.ndim
    if axes[-1] == k - 1:  # axes == (0, ..., k-1)
        m = shape[0] if k == 1 else math.prod(shape[:k])
        return np.dot(_ones(m, char), c if nd == 2 and k == 1 else c.reshape(m, c.size // m))
    if axes[0] == nd - k and axes[-1] == nd - 1:  # axes == (nd-k, ..., nd-1)
        n = shape[-1] if k == 1 else math.prod(shape[nd - k:])
        if char == "f" and n > _FLOAT32_DOT_LIMIT:
            return None
        return np.dot(c if nd == 2 and k == 1 else c.reshape(c.size // n, n), _ones(n, char))
    return None


def _ones(n: int, char: str) -> np.ndarray:
    """A cached read-only vector of n ones of dtype ``char`` ('d' or 'f')."""
    ones = _ONES.get((n, char))
    if ones is None:
        ones = np.ones(n, dtype=char)
        ones.flags.writeable = False
        if n <= 1 << 16 and len(_ONES) < 256:
            _ONES[n, char] = ones
    return ones


_ONES: dict[tuple[int, str], np.ndarray] = {}


@functools.lru_cache(maxsize=1024)
def _broadcast_axes(big: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of a broadcast shape ``big`` that were added or stretched from ``shape``."""
    extra = len(big) - len(shape)
    if extra < 0:
        raise ValueError(f"internal: cotangent of shape {big} cannot be unbroadcast to {shape}")
    return tuple(range(extra)) + tuple(
        extra + k for k, n in enumerate(shape) if n == 1 and big[extra + k] != 1
    )
