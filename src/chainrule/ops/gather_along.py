"""A gather along one axis at indices held by another library (``take_along_axis`` with that
library's index array), and its adjoint.

The median and the quantiles of another library's array find their positions in that library
(``ops/order_positions.py``); reading the positions on the host would copy them out of it
(NumPy's conversion of a CuPy or a non-default-device array refuses, rightly). So the gather
runs in the library with its own ``take_along_axis``; its adjoint adds each cotangent entry at
the position it was read from, as a sum over a one-hot comparison with ``arange`` (the Array API
standard has no scatter-add), an ``(index count x axis length)`` mask per slice: small for
the few positions a median or a quantile reads. Both are linear, adjoint to each other.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import namespace
from chainrule.primitive import Primitive


def _gather_impl(x, idx, axis, size):
    return np.take_along_axis(x, idx, axis)


def _gather_xp(x, idx, axis, size):
    return namespace(x, idx).take_along_axis(x, idx, axis=axis)


def _hits(xp: Any, idx: Any, axis: int, size: int, ndim: int, **where: Any) -> Any:
    """Whether index ``idx[..., k, ...]`` (``k`` along ``axis``) reads position ``j``: a mask
    with a new axis of length ``size`` after ``axis``."""
    positions = xp.reshape(xp.arange(size, **where), (size,) + (1,) * (ndim - axis - 1))
    return xp.expand_dims(idx, axis=axis + 1) == positions


def _scatter_impl(g, idx, axis, size):
    hits = _hits(np, idx, axis, size, g.ndim)
    return np.sum(np.expand_dims(g, axis + 1) * hits, axis=axis)


def _scatter_xp(g, idx, axis, size):
    xp = namespace(g, idx)
    hits = xp.astype(_hits(xp, idx, axis, size, g.ndim, device=g.device), g.dtype)
    return xp.sum(xp.expand_dims(g, axis=axis + 1) * hits, axis=axis)


gather_along = Primitive("gather_along", _gather_impl, save_args=False, save_ans=False,
                         register=True, xp_impl=_gather_xp)
scatter_along = Primitive("scatter_along", _scatter_impl, save_args=False, save_ans=False,
                          register=True, xp_impl=_scatter_xp)
gather_along.defvjp(lambda g, ans, x, **p: scatter_along(g, **p))
gather_along.defjvp(lambda t, ans, x, **p: gather_along(t, **p))
scatter_along.defvjp(lambda g, ans, x, **p: gather_along(g, **p))
scatter_along.defjvp(lambda t, ans, x, **p: scatter_along(t, **p))
