"""Polynomials: ``polyval`` and ``vander`` (``cross`` is in ``ops/cross.py``).

Both are compositions of products and sums, written in NumPy's order of operations (Horner's
scheme for ``polyval``, running products for ``vander``) so that the values agree with NumPy's;
derivatives of every order follow from those ops.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from chainrule.backend import device
from chainrule.backend import dtype_kind as kind
from chainrule.ops import cumulative as _cumulative
from chainrule.ops import join as _join
from chainrule.ops import shape as _shape
from chainrule.ops.portable_b import numpy_only, xp_of
from chainrule.tracer import Tracer

__all__ = ["polyval", "vander"]


def _array(a: Any) -> Any:
    return a if isinstance(a, Tracer) else _join.asarray(a)


def polyval(p: Any, x: Any) -> Any:
    """``numpy.polyval``: ``p[0] * x**(N-1) + ... + p[N-1]`` by Horner's scheme, differentiable
    in the coefficients ``p`` and the points ``x``.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> float(cr.grad(lambda x: np.polyval([1.0, 0.0, 0.0], x))(3.0))  # d x^2 / dx
        6.0
    """
    if numpy_only(p, x):
        return np.polyval(p, x)
    if isinstance(p, np.poly1d) or isinstance(x, np.poly1d):
        raise TypeError("polyval: poly1d arguments are not supported on traced values")
    p, x = _array(p), _array(x)
    xp = xp_of(x)  # another library's array: the zeros are made by that library
    y = (np.zeros(x.shape, dtype=x.dtype) if xp is None
         else xp.zeros(x.shape, dtype=x.dtype, device=device(x)))
    for k in range(p.shape[0]):
        # (another library's array does not defer to a traced operand: x takes the lead)
        if xp is None:
            y = y * x + p[k]
        else:  # (NumPy scalars as Python numbers: other libraries take no NumPy values)
            c = p[k]
            y = x * y + (c.item() if isinstance(c, np.generic) else c)
    return y


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Any:  # noqa: N803
    """``numpy.vander``: the columns ``x**(N-1), ..., x, 1`` (reversed with ``increasing``),
    built as running products like NumPy's.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.vander(x, 3)[0, 0])(np.array([2.0])).tolist()  # d x^2
        [4.0]
    """
    if numpy_only(x):
        return np.vander(x, N, increasing)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = x.shape[0] if N is None else int(N)
    xp = xp_of(x)
    if xp is not None:  # another library's array: its ones and zeros are made by that library
        dtype = x.dtype if kind(x) in "fc" else xp.int64
        ones, zeros = (partial(make, device=device(x)) for make in (xp.ones, xp.zeros))
    else:
        dtype = np.promote_types(x.dtype, int)
        ones, zeros = np.ones, np.zeros
    cols = [ones((x.shape[0], 1), dtype=dtype)] if n > 0 else []
    if n > 1:
        repeated = _shape.broadcast_to(_shape.reshape(x, (-1, 1)), (x.shape[0], n - 1))
        cols.append(_cumulative.cumprod(repeated, axis=1))
    if not cols:
        return zeros((x.shape[0], 0), dtype=dtype)
    out = _join.concatenate(cols, axis=1) if len(cols) > 1 else cols[0]
    return out if increasing else out[:, ::-1]


