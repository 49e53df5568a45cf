"""``numpy.linalg.norm``, composed from the reductions (no rule of its own).

Vector orders: 2 (``sqrt(sum(x**2))``), 1, inf, -inf, any other p (``sum(|x|**p)**(1/p)``) and
0 (a count of non-zero entries: a constant). Matrix orders: 'fro', 1, -1, inf, -inf, and the
singular-value orders 2, -2 and 'nuc' (the ``svd_values`` primitive of ops/svd.py, real or
complex: d s_i = Re(u_i^H dA v_i)).

Conventions at kinks: a norm is a cone at zero; where the vector (or the sum of ``|x|**p``) is
exactly zero the derivative is taken as 0 (the minimum-norm subgradient), like ``abs'(0) = 0``;
so do zero singular values (orders 2, -2, 'nuc') and, for p < 1, zero entries (``_cusp_norm``).
Orders inf/-inf/1/-1 inherit the tie convention of ``max``/``min`` (ties share equally).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from chainrule.backend import dtype_kind as kind
from chainrule.ops import complex as _complex
from chainrule.ops import linalg as _linalg
from chainrule.ops.portable_b import as_dtype, xp_of, zeros_in
from chainrule.ops.reduce import _as_array, _sum, max, min
from chainrule.ops.shape import reshape, transpose
from chainrule.ops.statistics import _sqrt0
from chainrule.tracer import plain_array, primal

LINALG_ALL = ["norm"]

_inf = float("inf")


def _pow0(s: Any, p: float) -> Any:
    """``s ** p`` (s >= 0, 0 < p < 1) whose derivative at ``s == 0`` is taken as 0."""
    zero, hit = zeros_in(s)
    if not hit:
        return s**p
    z = as_dtype(zero, s.dtype)
    return (s * (1 - z) + z) ** p * (1 - z)


def _abs2(x):
    """|x|^2 entrywise as NumPy forms it: x * x, or Re(conj(x) x) for complex x."""
    return x * x if kind(x) != "c" else _complex.real(_complex.conj(x) * x)


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return _sqrt0(_sum(_abs2(x), axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord == _inf:
        return max(abs(x), axis=axis, keepdims=keepdims)
    if ord == -_inf:
        return min(abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:  # number of non-zero entries: piecewise constant, no derivative
        far = xp_of(x)
        if far is not None:
            p = primal(x)
            return far.sum(far.astype(p != 0, p.dtype), axis=axis, keepdims=keepdims)
        xp = plain_array(x)
        return np.sum((xp != 0).astype(xp.dtype), axis=axis, keepdims=keepdims)
    if ord == 1:
        return _sum(abs(x), axis=axis, keepdims=keepdims)
    if ord < 1:
        cusp = _cusp_norm(abs(x), ord, axis, keepdims)
        if cusp is not None:
            return cusp
    s = _sum(abs(x) ** ord, axis=axis, keepdims=keepdims)
    return _pow0(s, 1.0 / ord) if ord > 1 else s ** (1.0 / ord)


def _cusp_norm(ax, ord, axis, keepdims):
    """The p-norm (p < 1) of |x| with exact zeros, or None without them. |x_i|^p has an
    infinite slope (0 < p < 1) or a pole (p < 0) at x_i = 0: zero entries get derivative 0 (the
    symmetric choice, like abs'(0) = 0), and for p < 0 a zero entry makes the norm 0 (NumPy's
    value) with derivative 0 for that slice."""
    zero, any_zero = zeros_in(ax)
    if not any_zero:
        return None
    z = as_dtype(zero, ax.dtype)
    safe = ax * (1 - z) + z
    if ord > 0:
        return _sum(safe**ord * (1 - z), axis=axis, keepdims=keepdims) ** (1.0 / ord)
    far = xp_of(zero)
    hit = as_dtype((np if far is None else far).any(zero, axis=axis, keepdims=keepdims), ax.dtype)
    return _sum(safe**ord, axis=axis, keepdims=keepdims) ** (1.0 / ord) * (1 - hit)


def _singular_values(y):
    """Singular values of the stack ``y`` (..., m, n), differentiable (ops/svd.py).

    Zero singular values get derivative 0 (the module's convention at kinks); at repeated
    ones the rule gives one subgradient of the norm.
    """
    from chainrule.ops.svd import svdvals

    s = svdvals(y)
    zero, hit = zeros_in(s)
    if hit:  # a norm's kink: zero singular values get derivative 0 (see above)
        s = s * (1 - as_dtype(zero, s.dtype))
    return s


def _svd_norm(x, ord, row, col):
    rest = [i for i in range(x.ndim) if i not in (row, col)]
    s = _singular_values(transpose(x, (*rest, row, col)))
    if ord == 2:
        return max(s, axis=-1)
    if ord == -2:
        return min(s, axis=-1)
    return _sum(s, axis=(s.ndim - 1,), keepdims=False)


def _matrix_norm(x, ord, axis, keepdims):
    row, col = axis
    if row == col:
        raise ValueError("Duplicate axes given.")
    if ord in (None, "fro", "f"):
        ret = _sqrt0(_sum(_abs2(x), axis=tuple(sorted(axis)), keepdims=False))
    elif ord in (1, -1, _inf, -_inf):
        # 1: largest column sum of |x|; inf: largest row sum (the reduced axes shift by one)
        summed, other = (row, col) if ord in (1, -1) else (col, row)
        other -= other > summed
        pick = max if ord in (1, _inf) else min
        ret = pick(_sum(abs(x), axis=(summed,), keepdims=False), axis=other)
    elif ord in (2, -2, "nuc"):
        ret = _svd_norm(x, ord, row, col)
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        ret = reshape(ret, tuple(1 if i in axis else n for i, n in enumerate(x.shape)))
    return ret


def norm(x, ord=None, axis=None, keepdims=False):
    """``numpy.linalg.norm``. The derivative of a norm at zero is taken as 0.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> np.round(cr.grad(np.linalg.norm)(np.array([3.0, 4.0])), 12).tolist()
        [0.6, 0.8]
    """
    x = _as_array(x)
    if kind(x) not in "fc":
        x = x.astype(float)
    nd = x.ndim
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            flat = reshape(x, (-1,))
            if kind(x) == "c":  # NumPy's own formulas: the same rounding
                re, im = _complex.real(flat), _complex.imag(flat)
                ret = _sqrt0(_linalg.dot(re, re) + _linalg.dot(im, im))
            else:
                ret = _sqrt0(_linalg.dot(flat, flat))
            return reshape(ret, (1,) * nd) if keepdims else ret
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (int(axis),)
        except TypeError as e:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from e
    if len(axis) == 1:
        return _vector_norm(x, ord, normalize_axis_tuple(axis, nd), keepdims)
    if len(axis) == 2:
        return _matrix_norm(x, ord, normalize_axis_tuple(axis, nd), keepdims)
    raise ValueError("Improper number of dimensions to norm.")
