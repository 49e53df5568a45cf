"""Differences, sums along a grid and interpolation: ``diff``, ``ediff1d``, ``gradient``,
``trapezoid``, ``cumulative_sum``, ``cumulative_prod`` and ``interp``.

All are compositions of slices, arithmetic, ``concatenate`` and ``cumsum``/``cumprod``, written
with NumPy's own order of operations so that the values agree with NumPy's; derivatives of any
order then follow from those ops. The finite-difference formulas of ``gradient`` are the
second-order accurate central differences (and one-sided ones at the edges) for non-uniform
grids of Fornberg, "Generation of finite difference formulas on arbitrarily spaced grids",
Math. Comp. 51 (1988), which NumPy documents.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.backend import any_foreign, foreign, namespace
from chainrule.backend import dtype_kind as kind
from chainrule.backend import library as plain_namespace
from chainrule.ops import cumulative as _running
from chainrule.ops import elementwise as _elementwise
from chainrule.ops import join as _join
from chainrule.ops import reduce as _reduce
from chainrule.ops import shape as _shape
from chainrule.tracer import Tracer, plain_array, primal

__all__ = [
    "diff", "ediff1d", "gradient", "trapezoid", "cumulative_sum", "cumulative_prod", "interp",
]

_NoValue: Any = np._NoValue


def _array(a: Any) -> Any:
    return a if isinstance(a, Tracer) or any_foreign(a) else _join.asarray(a)


def _composed(*xs: Any) -> bool:
    """Whether the composed route is needed: a traced value, or another library's array
    (NumPy's functions would compute it with NumPy)."""
    return any(isinstance(x, Tracer) for x in xs) or any_foreign(*xs)


def _along(ndim: int, axis: int, index: Any) -> tuple:
    # every axis named: the Array API standard's indexing takes no shorter tuple
    return (slice(None),) * axis + (index,) + (slice(None),) * (ndim - axis - 1)


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = _NoValue,
         append: Any = _NoValue) -> Any:
    """``numpy.diff``: ``out[i] = a[i + 1] - a[i]`` along ``axis``, ``n`` times; ``prepend`` and
    ``append`` (traced or not) are joined first.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda a: (np.diff(a) * [1.0, 10.0]).sum())(np.zeros(3)).tolist()
        [-1.0, -9.0, 10.0]
    """
    if not _composed(a, prepend, append):
        return np.diff(a, n, axis, prepend, append)
    if n == 0:
        return a
    if n < 0:
        raise ValueError("order must be non-negative but got " + repr(n))
    a = _array(a)
    if a.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = _axis(axis, a.ndim)
    parts = []
    for extra in (prepend, a, append):
        if extra is a:
            parts.append(a)
        elif extra is not _NoValue:
            extra = _array(extra)
            if extra.ndim == 0:
                shape = list(a.shape)
                shape[axis] = 1
                extra = _shape.broadcast_to(extra, tuple(shape))
            parts.append(extra)
    if len(parts) > 1:
        a = _join.concatenate(parts, axis=axis)
    for _ in range(n):
        a = a[_along(a.ndim, axis, slice(1, None))] - a[_along(a.ndim, axis, slice(None, -1))]
    return a


def ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    """``numpy.ediff1d``: differences of the flattened array, with values joined at the ends.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda a: np.ediff1d(a).sum())(np.zeros(3)).tolist()
        [-1.0, 0.0, 1.0]
    """
    if not _composed(ary, to_end, to_begin):
        return np.ediff1d(ary, to_end, to_begin)
    out = diff(_shape.ravel(_array(ary)))

    def joined(v: Any) -> list:  # NumPy casts the joined values to the array's dtype
        if v is None:
            return []
        if isinstance(v, list | tuple | int | float) and foreign(out):
            # Python values join another library's array in that library (NumPy arrays would
            # need a copy, and are refused by the join)
            v = namespace(primal(out)).asarray(v, dtype=primal(out).dtype,
                                               device=primal(out).device)
        return [_elementwise.astype(_shape.ravel(_array(v)), out.dtype)]

    parts = [*joined(to_begin), out, *joined(to_end)]
    return _join.concatenate(parts) if len(parts) > 1 else out


def _axis(axis: Any, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim)
    return int(axis) % ndim


def _spacings(varargs: tuple, axes: tuple[int, ...], shape: tuple[int, ...]) -> list:
    """One spacing per differentiated axis: a scalar step or an array of coordinates."""
    if len(varargs) == 0:
        return [1.0] * len(axes)
    if len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        return [varargs[0]] * len(axes)
    if len(varargs) != len(axes):
        raise TypeError("invalid number of arguments")
    out = []
    for d, ax in zip(varargs, axes, strict=True):
        if np.ndim(d) == 0:
            out.append(d)
            continue
        if np.ndim(d) != 1:
            raise ValueError("distances must be either scalars or 1d")
        if (d.shape[0] if any_foreign(d) else len(d)) != shape[ax]:
            raise ValueError("when 1d, distances must match the length of the corresponding "
                             "dimension")
        out.append(d if isinstance(d, Tracer) or any_foreign(d) else np.asarray(d))
    return out


def gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    """``numpy.gradient``: central differences inside, one-sided differences of order
    ``edge_order`` (1 or 2) at the edges; spacings are scalars or coordinate arrays, which may
    be traced too (traced coordinates always use the non-uniform formulas).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda f: np.gradient(f)[1])(np.zeros(3)).tolist()
        [-0.5, 0.0, 0.5]
    """
    if not _composed(f, *varargs):
        return np.gradient(f, *varargs, axis=axis, edge_order=edge_order)
    f = _array(f)
    axes = tuple(range(f.ndim)) if axis is None else (
        tuple(_axis(ax, f.ndim) for ax in np.atleast_1d(axis)))
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    otype = f.dtype if kind(f) in "fc" else np.dtype(np.float64)
    f = _elementwise.astype(f, otype)
    outs = []
    for ax, d in zip(axes, _spacings(varargs, axes, f.shape), strict=True):
        if f.shape[ax] < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, "
                             "at least (edge_order + 1) elements are required.")
        outs.append(_elementwise.astype(_gradient_axis(f, d, ax, edge_order), otype))
    return outs[0] if len(outs) == 1 else tuple(outs)


def _gradient_axis(f: Any, d: Any, ax: int, edge_order: int) -> Any:
    def at(i: Any) -> Any:
        return f[_along(f.ndim, ax, i)]

    def line(c: Any) -> Any:  # coefficients along the axis, broadcast over the others
        return _shape.reshape(c, (-1,) + (1,) * (f.ndim - ax - 1)) if np.ndim(c) else c

    if np.ndim(d) == 1 and not isinstance(d, Tracer) and any_foreign(d):
        dx = diff(d)  # plain coordinates of another library: the same steps in its namespace
        xp = plain_namespace(dx)
        dx = xp.astype(dx, xp.float64) if kind(dx) in "iu" else dx
        if bool(xp.all(dx == dx[0])):
            d, dx = None, dx[0]
    elif np.ndim(d) == 1 and not isinstance(d, Tracer):
        dx = np.diff(d).astype(np.float64) if d.dtype.kind in "iu" else np.diff(d)
        if (dx == dx[0]).all():  # NumPy's uniform test, for its exact values
            d, dx = None, dx[0]
    elif np.ndim(d) == 1:
        dx = diff(d)
    else:
        dx = d
    uniform = np.ndim(d) == 0 or d is None
    if uniform:
        inner = (at(slice(2, None)) - at(slice(None, -2))) / (2.0 * dx)
    else:
        dx1, dx2 = line(dx[:-1]), line(dx[1:])
        a = -dx2 / (dx1 * (dx1 + dx2))
        b = (dx2 - dx1) / (dx1 * dx2)
        c = dx1 / (dx2 * (dx1 + dx2))
        inner = a * at(slice(None, -2)) + b * at(slice(1, -1)) + c * at(slice(2, None))
    first, last = _edges(at, dx, uniform, edge_order)
    return _join.concatenate([first, inner, last], axis=ax)


def _edges(at: Any, dx: Any, uniform: bool, edge_order: int) -> tuple[Any, Any]:
    """The one-sided differences at both ends (kept as length-1 slices)."""
    s0, s1, s2 = slice(0, 1), slice(1, 2), slice(2, 3)
    e0, e1, e2 = slice(-1, None), slice(-2, -1), slice(-3, -2)
    if edge_order == 1:
        lo = dx if uniform else dx[0]
        hi = dx if uniform else dx[-1]
        return (at(s1) - at(s0)) / lo, (at(e0) - at(e1)) / hi
    if uniform:
        a, b, c = -1.5 / dx, 2.0 / dx, -0.5 / dx
        first = a * at(s0) + b * at(s1) + c * at(s2)
        a, b, c = 0.5 / dx, -2.0 / dx, 1.5 / dx
        return first, a * at(e2) + b * at(e1) + c * at(e0)
    dx1, dx2 = dx[0], dx[1]
    a = -(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2))
    b = (dx1 + dx2) / (dx1 * dx2)
    c = -dx1 / (dx2 * (dx1 + dx2))
    first = a * at(s0) + b * at(s1) + c * at(s2)
    dx1, dx2 = dx[-2], dx[-1]
    a = dx2 / (dx1 * (dx1 + dx2))
    b = -(dx2 + dx1) / (dx1 * dx2)
    c = (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2))
    return first, a * at(e2) + b * at(e1) + c * at(e0)


def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    """``numpy.trapezoid``: ``sum(d * (y[1:] + y[:-1]) / 2)`` along ``axis``; ``y``, ``x`` and
    ``dx`` may be traced.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda y: np.trapezoid(y))(np.zeros(3)).tolist()
        [0.5, 1.0, 0.5]
    """
    if not _composed(y, x, dx):
        return np.trapezoid(y, x, dx, axis)
    y = _array(y)
    if any_foreign(y) and kind(y) in "iub":  # NumPy's trapezoid of integers is float64
        y = _elementwise.astype(y, np.float64)
    axis = _axis(axis, y.ndim)
    if x is None:
        d = dx
    else:
        x = _array(x)
        if x.ndim == 1:
            d = _shape.reshape(diff(x), (-1,) + (1,) * (y.ndim - axis - 1))
        else:
            d = diff(x, axis=axis)
    upper, lower = y[_along(y.ndim, axis, slice(1, None))], y[_along(y.ndim, axis, slice(None, -1))]
    return _reduce.sum(d * (upper + lower) / 2.0, axis=axis)


def _cumulative(name: str, scan: Any, x: Any, axis: Any, dtype: Any, out: Any,
                include_initial: bool, initial: float) -> Any:
    if out is not None:
        raise TypeError(f"{name}(..., out=...) is not supported on traced values; use the "
                        "returned value")
    x = _array(x)
    if axis is None:
        if x.ndim > 1:
            raise ValueError("For arrays which have more than one dimension ``axis`` argument "
                             "is required.")
        axis = 0
    if x.ndim == 0:
        raise ValueError(f"{name} requires an array of at least one dimension")
    axis = _axis(axis, x.ndim)
    res = scan(x, axis=axis, dtype=dtype)
    if include_initial:
        shape = list(res.shape)
        shape[axis] = 1
        first = (plain_namespace(res).full(tuple(shape), initial, dtype=primal(res).dtype,
                                           device=primal(res).device)
                 if any_foreign(res) else np.full(shape, initial, dtype=res.dtype))
        res = _join.concatenate([first, res], axis=axis)
    return res


def cumulative_sum(x: Any, /, *, axis: Any = None, dtype: Any = None, out: Any = None,
                   include_initial: bool = False) -> Any:
    """``numpy.cumulative_sum`` (the Array API's ``cumsum``; ``include_initial`` puts a 0 first).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.cumulative_sum(x, include_initial=True)[2])(np.ones(3)).tolist()
        [1.0, 1.0, 0.0]
    """
    if not _composed(x):
        return np.cumulative_sum(x, axis=axis, dtype=dtype, out=out,
                                 include_initial=include_initial)
    return _cumulative("cumulative_sum", _running.cumsum, x, axis, dtype, out,
                       include_initial, 0.0)


def cumulative_prod(x: Any, /, *, axis: Any = None, dtype: Any = None, out: Any = None,
                    include_initial: bool = False) -> Any:
    """``numpy.cumulative_prod`` (``include_initial`` puts a 1 first).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.cumulative_prod(x)[2])(np.array([1.0, 2.0, 3.0])).tolist()
        [6.0, 3.0, 2.0]
    """
    if not _composed(x):
        return np.cumulative_prod(x, axis=axis, dtype=dtype, out=out,
                                  include_initial=include_initial)
    return _cumulative("cumulative_prod", _running.cumprod, x, axis, dtype, out,
                       include_initial, 1.0)


def interp(x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None,
           period: Any = None) -> Any:
    """``numpy.interp``: piecewise-linear interpolation, differentiable in ``x``, ``xp``, ``fp``,
    ``left`` and ``right``.

    Inside segment j (``xp[j] <= x < xp[j + 1]``, NumPy's search) the value is
    ``slope * (x - xp[j]) + fp[j]`` with ``slope = (fp[j+1] - fp[j]) / (xp[j+1] - xp[j])``, NumPy's
    formula. Convention at a knot ``x == xp[j]``: the derivative in ``x`` is the slope of the
    segment to its right (at the last knot, of the segment to its left); outside ``xp`` the
    value is ``left``/``right`` (``fp[0]``/``fp[-1]`` by default), constant in ``x``.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> float(cr.grad(lambda x: np.interp(x, [0.0, 1.0, 3.0], [0.0, 2.0, 3.0]))(2.0))
        0.5
    """
    if not _composed(x, xp, fp, left, right, period):
        return np.interp(x, xp, fp, left, right, period)
    fp = _array(fp)
    # NumPy interpolates in double precision (complex fp: real and imaginary parts alike)
    x, xp = (_elementwise.astype(_array(v), np.float64) for v in (x, xp))
    fp = _elementwise.astype(fp, np.complex128 if kind(fp) == "c" else np.float64)
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("object too deep for desired array" if xp.ndim > 1 or fp.ndim > 1
                         else "object of too small depth for desired array")
    if xp.shape != fp.shape:
        raise ValueError("fp and xp are not of the same length.")
    if xp.shape[0] == 0:
        raise ValueError("array of sample points is empty")
    if period is not None:
        if isinstance(period, Tracer):
            raise TypeError("interp: a traced period is not supported; pass a constant")
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(period)
        left = right = None
        x, xp = x % period, xp % period
        knots = primal(xp)
        order = (plain_namespace(knots).argsort(knots, stable=True) if any_foreign(knots)
                 else np.argsort(knots, kind="stable"))
        xp, fp = xp[order], fp[order]
        xp = _join.concatenate([xp[-1:] - period, xp, xp[0:1] + period])
        fp = _join.concatenate([fp[-1:], fp, fp[0:1]])
    far = any_foreign(x, xp)
    xv, kv = (primal(x), primal(xp)) if far else (plain_array(x), plain_array(xp))
    n = kv.shape[0]
    if n == 1:
        res = _shape.broadcast_to(fp[0], x.shape)
    else:
        if far:  # the segments, searched in the knots' namespace
            ns = plain_namespace(xv, kv)
            j = ns.clip(ns.searchsorted(kv, xv, side="right") - 1, 0, n - 2)
        else:
            j = np.clip(np.searchsorted(kv, xv, side="right") - 1, 0, n - 2)
        x0, f0 = xp[j], fp[j]
        slope = (fp[j + 1] - f0) / (xp[j + 1] - x0)
        res = slope * (x - x0) + f0
        # x == xp[-1] is fp[-1] (NumPy's value), on the last segment's line (its slope)
        res = _elementwise.where(xv == kv[-1], fp[-1] + slope * (x - xp[-1]), res)
    below = fp[0] if left is None else left
    above = fp[-1] if right is None else right
    res = _elementwise.where(xv < kv[0], below, res)
    return _elementwise.where(xv > kv[-1], above, res)


