"""Array creation whose values depend on traced arguments: ``linspace``, ``logspace``,
``geomspace``, ``full``, ``full_like`` and ``meshgrid``.

With constant arguments these are NumPy's own functions (their results are constants). With a
traced endpoint, fill value or grid vector the result is composed from differentiable ops:
``linspace`` is affine in its endpoints (``start + i * (stop - start) / div``, the same
arithmetic as NumPy so that the values agree), ``logspace`` is ``base ** linspace``, ``full``
broadcasts the fill value, ``meshgrid`` reshapes and broadcasts. Only the *values* are
differentiable: sizes, counts and integer dtypes are constants (an integer ``dtype`` floors the
values, which is piecewise constant, so the constant result is exact).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from chainrule.backend import any_foreign, refuse_foreign
from chainrule.backend import device as device_of
from chainrule.backend import library as plain_namespace
from chainrule.ops import elementwise as _elementwise
from chainrule.ops import indexing as _indexing
from chainrule.ops import power as _power
from chainrule.ops import shape as _shape
from chainrule.ops.arithmetic import add, multiply
from chainrule.ops.portable_a import any_true, numpy_dtype, numpy_result_type, xp_dtype
from chainrule.tracer import Tracer, plain_array, primal

__all__ = ["linspace", "logspace", "geomspace", "full", "full_like", "meshgrid"]


def _composed(*xs: Any) -> bool:
    """Whether the composed route is needed: a traced value, or another library's array
    (NumPy's functions would compute it with NumPy)."""
    return any(isinstance(x, Tracer) for x in xs) or any_foreign(*xs)


def _array(x: Any) -> Any:
    return x if isinstance(x, Tracer) or any_foreign(x) else np.asarray(x)


def _integer(dtype: Any) -> bool:
    return dtype is not None and np.dtype(dtype).kind in "iub"


def _plain(f: Any, *args: Any, **kwargs: Any) -> Any:
    """NumPy's ``f`` on the plain values: for integer dtypes, where the values are floored."""
    if any_foreign(*args):
        raise refuse_foreign(f"numpy.{f.__name__} with an integer dtype", args)
    return f(*(primal(a) for a in args), **kwargs)


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0, *, device: Any = None) -> Any:
    """``numpy.linspace``, differentiable in ``start`` and ``stop``.

    The samples are ``start + i * step`` with ``step = (stop - start) / div`` (``div = num - 1``
    with the endpoint, else ``num``); with the endpoint the last sample is ``stop`` itself.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> [float(g) for g in cr.grad(lambda a, b: np.linspace(a, b, 5)[1], (0, 1))(0.0, 1.0)]
        [0.75, 0.25]
    """
    if not _composed(start, stop):
        return np.linspace(start, stop, num, endpoint, retstep, dtype, axis, device=device)
    if device not in (None, "cpu"):
        raise ValueError(f"linspace: device={device!r} is not supported on traced values")
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    if _integer(dtype):
        return _plain(np.linspace, start, stop, num, endpoint, retstep, dtype, axis)
    # Python numbers are weak (NEP 50), as in NumPy: float32 data stays float32.
    if any_foreign(start, stop):
        y, step, stop = _linspace_elsewhere(start, stop, num, endpoint)
    else:
        dt = np.result_type(*(v if type(v) in (int, float) else _array(v).dtype
                              for v in (start, stop)), 0.0)
        start = _elementwise.astype(_array(start), dt)
        stop = _elementwise.astype(_array(stop), dt)
        delta = stop - start
        div = num - 1 if endpoint else num
        y = np.arange(0, num, dtype=dt).reshape((-1,) + (1,) * delta.ndim)
        if div > 0:
            step = delta / div
            if np.any(plain_array(step) == 0):  # NumPy's order for tiny steps
                y = (y / div) * delta
            else:
                y = y * step
        else:
            step = delta * np.nan  # NumPy's step of a one-sample grid
            y = y * delta
        y = y + start
    if endpoint and num > 1:
        y = _indexing.index_update(y, -1, stop)
    if axis != 0:
        y = _shape.moveaxis(y, 0, axis)
    if dtype is not None:
        y = _elementwise.astype(y, dtype)
    return (y, step) if retstep else y


def _linspace_elsewhere(start: Any, stop: Any, num: int, endpoint: bool) -> Any:
    """``linspace``'s samples (before the endpoint is set), step and stop for another
    library's endpoints: NumPy's dtype rules and arithmetic, in that library's namespace (the
    arithmetic's primitives: that library's operators do not defer to traced values)."""
    xp = plain_namespace(start, stop)
    dt = numpy_result_type(start, stop, 0.0)
    where = device_of(start if any_foreign(start) else stop)
    start, stop = (_elementwise.astype(v, dt) if isinstance(v, Tracer) or any_foreign(v)
                   else xp.asarray(v, dtype=xp_dtype(xp, dt), device=where)
                   for v in (start, stop))
    delta = stop - start
    div = num - 1 if endpoint else num
    y = xp.reshape(xp.arange(0, num, dtype=xp_dtype(xp, dt), device=where),
                   (-1,) + (1,) * delta.ndim)
    if div > 0:
        step = delta / div
        y = multiply(delta, y / div) if any_true(primal(step) == 0) else multiply(step, y)
    else:
        step = delta * np.nan
        y = multiply(delta, y)
    return add(y, start), step, stop


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10.0,
             dtype: Any = None, axis: int = 0) -> Any:
    """``numpy.logspace``: ``base ** linspace(start, stop)``, differentiable in all three.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> round(float(cr.grad(lambda b: np.logspace(0.0, b, 2)[1])(1.0)), 6)  # 10**b ln 10
        23.025851
    """
    if not _composed(start, stop, base):
        return np.logspace(start, stop, num, endpoint, base, dtype, axis)
    if _integer(dtype):
        return _plain(np.logspace, start, stop, num, endpoint, base, dtype, axis)
    if np.ndim(base):  # an array base broadcasts with the endpoints (NumPy's ndmin)
        ndmax = np.broadcast(*(np.empty(np.shape(a)) for a in (start, stop, base))).ndim
        start, stop, base = (_atleast(_array(a), ndmax) for a in (start, stop, base))
        base = _shape.expand_dims(base, axis)
    y = linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    out = _power.power(base, y)
    return out if dtype is None else _elementwise.astype(out, dtype)


def _atleast(a: Any, ndim: int) -> Any:
    """``a`` with leading length-1 axes up to ``ndim`` dimensions (NumPy's ``ndmin``)."""
    if a.ndim >= ndim:
        return a
    return _shape.reshape(a, (1,) * (ndim - a.ndim) + a.shape)


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> Any:
    """``numpy.geomspace``, differentiable in ``start`` and ``stop`` (real, same sign).

    As in NumPy the samples are ``sign * 10 ** linspace(log10|start|, log10|stop|)`` with the
    end samples replaced by the endpoints themselves.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> round(float(cr.grad(lambda a: np.geomspace(a, 4.0, 3)[1])(1.0)), 12)  # d sqrt(4a)
        1.0
    """
    if not _composed(start, stop):
        return np.geomspace(start, stop, num, endpoint, dtype, axis)
    if _integer(dtype):
        return _plain(np.geomspace, start, stop, num, endpoint, dtype, axis)
    start, stop = _array(start), _array(stop)
    far = any_foreign(start, stop)
    if far:
        dt = numpy_result_type(start, stop, float(num), np.dtype(dtype))
    else:
        dt = np.result_type(start.dtype, stop.dtype, float(num), np.zeros((), dtype))
    if np.dtype(dt).kind == "c":
        raise TypeError("geomspace: complex endpoints are not supported on traced values")
    if far:
        pstart, pstop = primal(start), primal(stop)
    else:
        pstart, pstop = plain_array(start), plain_array(stop)
    if any_true(pstart == 0) or any_true(pstop == 0):
        raise ValueError("Geometric sequence cannot include zero")
    if far:  # the sign is piecewise constant
        xp = plain_namespace(pstart)
        sign = xp.astype(xp.sign(pstart), xp_dtype(xp, dt))
    else:
        sign = np.sign(pstart).astype(dt)
    start = _elementwise.astype(start, dt) / sign
    stop = _elementwise.astype(stop, dt) / sign
    out = logspace(_elementwise.log10(start), _elementwise.log10(stop), num=num,
                   endpoint=endpoint, base=10.0, dtype=dt)
    if num > 0:  # the end samples are the endpoints exactly (exp(log(x)) may differ from x)
        out = _indexing.index_update(out, 0, start)
        if num > 1 and endpoint:
            out = _indexing.index_update(out, -1, stop)
    out = out * sign
    out = _shape.moveaxis(out, 0, axis) if axis != 0 else out
    return out if dtype is None else _elementwise.astype(out, dtype)


def full(shape: Any, fill_value: Any, dtype: Any = None, order: str = "C", *,
         device: Any = None, like: Any = None) -> Any:
    """``numpy.full``, differentiable in a traced ``fill_value`` (its entries are repeated).

    ``np.full`` itself converts the fill value to a plain array before any dispatch, so with a
    traced fill value call this function (``cr.numpy.full``); ``np.full`` raises.

    Example:
        >>> import chainrule as cr
        >>> float(cr.grad(lambda v: cr.numpy.full((2, 3), v).sum())(1.0))
        6.0
    """
    if not isinstance(fill_value, Tracer) and not any_foreign(fill_value):
        kwargs = {} if like is None else {"like": like}
        return np.full(shape, fill_value, dtype, order, device=device, **kwargs)
    shape = (operator.index(shape),) if np.ndim(shape) == 0 else tuple(shape)
    return _filled(shape, fill_value, dtype, "full")


def _filled(shape: tuple, fill: Any, dtype: Any, op: str) -> Any:
    if any_foreign(fill):
        dtype = numpy_dtype(primal(fill).dtype if dtype is None else dtype)
        if dtype.kind in "iub":  # rounding: piecewise constant
            xp = plain_namespace(fill)
            plain = xp.astype(primal(fill), xp_dtype(xp, dtype))
            return xp.asarray(xp.broadcast_to(plain, shape), copy=True)
        return _shape.broadcast_to(_elementwise.astype(fill, dtype), shape)
    dtype = fill.dtype if dtype is None else np.dtype(dtype)
    if dtype.kind in "iub":  # rounding: piecewise constant
        return np.full(shape, plain_array(fill), dtype)
    return _shape.broadcast_to(_elementwise.astype(fill, dtype), shape)


def full_like(a: Any, fill_value: Any, dtype: Any = None, order: str = "K", subok: bool = True,
              shape: Any = None, *, device: Any = None) -> Any:
    """``numpy.full_like``: differentiable in a traced ``fill_value``; the template ``a`` only
    gives the shape and dtype, so the result does not depend on its values.

    Example:
        >>> import numpy as np, chainrule as cr
        >>> cr.grad(lambda x: np.full_like(x, x[0]).sum())(np.ones(3)).tolist()
        [3.0, 0.0, 0.0]
    """
    if any_foreign(a, fill_value):
        return _full_like_elsewhere(a, fill_value, dtype, shape, device)
    if not isinstance(fill_value, Tracer):
        return np.full_like(primal(a), fill_value, dtype, order, subok, shape, device=device)
    if shape is None:
        shape = np.shape(primal(a))
    shape = (operator.index(shape),) if np.ndim(shape) == 0 else tuple(shape)
    return _filled(shape, fill_value, np.result_type(primal(a)) if dtype is None else dtype,
                   "full_like")


def _full_like_elsewhere(a: Any, fill_value: Any, dtype: Any, shape: Any, device: Any) -> Any:
    """``full_like`` with another library's template or fill value, in its namespace."""
    pa = primal(a)
    shape = pa.shape if shape is None else shape
    shape = (operator.index(shape),) if np.ndim(shape) == 0 else tuple(shape)
    dtype = numpy_dtype(pa.dtype) if dtype is None else numpy_dtype(dtype)
    if isinstance(fill_value, Tracer):
        return _filled(shape, fill_value, dtype, "full_like")
    xp = plain_namespace(pa, fill_value)
    if isinstance(fill_value, bool | int | float | complex):  # NumPy's device=None: a's
        return xp.full(shape, fill_value, dtype=xp_dtype(xp, dtype),
                       device=pa.device if device is None else device)
    plain = xp.astype(primal(fill_value), xp_dtype(xp, dtype))
    return xp.asarray(xp.broadcast_to(plain, shape), copy=True)


def _copy_broadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """``g`` broadcast to ``shape`` as a new array of its own library."""
    xp = plain_namespace(g)
    return xp.asarray(xp.broadcast_to(g, shape), copy=True)


def meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> Any:
    """``numpy.meshgrid`` with traced coordinate vectors (each grid repeats its vector).

    Example:
        >>> import numpy as np, chainrule as cr
        >>> f = lambda x: np.meshgrid(x, np.arange(3.0))[0].sum()
        >>> cr.grad(f)(np.zeros(2)).tolist()
        [3.0, 3.0]
    """
    if not _composed(*xi):
        return np.meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing)
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    if any_foreign(*xi):  # numbers join the arrays' library (NumPy arrays are refused)
        xp, where = plain_namespace(*xi), device_of(next(x for x in xi if any_foreign(x)))
        xi = tuple(x if isinstance(x, Tracer) or any_foreign(x) else xp.asarray(x, device=where)
                   for x in xi)
    ndim = len(xi)
    shapes = [[1] * ndim for _ in xi]
    for i in range(ndim):
        shapes[i][i] = -1
    if indexing == "xy" and ndim > 1:  # the first two axes are swapped (Cartesian indexing)
        shapes[0][:2], shapes[1][:2] = [1, -1], [-1, 1]
    grids = [_shape.reshape(x, tuple(s)) if isinstance(x, Tracer)
             else plain_namespace(x).reshape(x, tuple(s)) if any_foreign(x)
             else np.asarray(x).reshape(s) for x, s in zip(xi, shapes, strict=True)]
    if not sparse:
        full_shape = np.broadcast_shapes(*(g.shape for g in grids))
        grids = [_shape.broadcast_to(g, full_shape) if isinstance(g, Tracer)
                 else _copy_broadcast(g, full_shape) if any_foreign(g)
                 else np.broadcast_to(g, full_shape).copy() for g in grids]
    return tuple(grids)


